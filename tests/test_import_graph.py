"""The house's arrows, read from the source: who may import whom.

entry (`bot.cli` with `bot.cli_insight` and `bot.oneshot`, `bot.__main__`) → wiring (`bot.app`,
`bot.jobs`) → handlers (`handlers.*`) → services (`bot.services`, `bot.context`, `bot.desk`: the
features' container) → features (the rest of `bot.*`) → storage (`storage.*`) → domain
(`bot.domain.*`).
A module imports its own layer or lower ones; handlers never reach storage; the sandbox may
import the product, never the reverse (the CLI alone imports `sandbox.demo`, lazily, inside the
`demo` command).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage", "sandbox")
LAYERS = ("domain", "storage", "features", "services", "handlers", "wiring", "entry")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


_NAMED = {
    "bot.cli": "entry",
    "bot.cli_insight": "entry",
    "bot.oneshot": "entry",  # the services for one-shot commands, built as `newsdesk run` does
    "bot.__main__": "entry",
    "bot.app": "wiring",
    "bot.jobs": "wiring",  # the JobQueue's schedule: runs the handlers' own ticks
    "bot.serving": "wiring",
    "bot.health": "wiring",  # what "ready" means for the running bot: reads its services
    "bot.services": "services",
    "bot.context": "services",
    "bot.desk": "services",
    "bot": "domain",  # the package itself holds only the version
}
_PREFIXES = (
    ("sandbox", "sandbox"),
    ("handlers", "handlers"),
    ("bot.domain", "domain"),
    ("storage", "storage"),
)


def layer(module: str) -> str:
    """The layer of one of our modules."""
    if module in _NAMED:
        return _NAMED[module]
    for prefix, name in _PREFIXES:
        if module == prefix or module.startswith(prefix + "."):
            return name
    return "features"


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module, line, at top level) for every import of our packages in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in PACKAGES:
                found.append((name, node.lineno, id(node) in top))
    return found


SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
EDGES = [(module_name(p), target, line, top) for p in SOURCES for target, line, top in imports(p)]


def test_the_graph_was_read() -> None:
    """A guard against a vacuous pass: every layer is present and there are many arrows."""
    assert {layer(module_name(p)) for p in SOURCES} == {*LAYERS, "sandbox"}
    assert len(EDGES) > 300


@pytest.mark.parametrize("package", ["bot", "handlers", "storage"])
def test_the_product_never_imports_the_sandbox(package: str) -> None:
    wrong = [
        f"{source}:{line} imports {target}"
        for source, target, line, top in EDGES
        if source.split(".")[0] == package
        and target.startswith("sandbox")
        and not (source == "bot.cli" and target == "sandbox.demo.command" and not top)
    ]
    assert wrong == []


def test_arrows_point_down() -> None:
    wrong = []
    for source, target, line, _ in EDGES:
        here, there = layer(source), layer(target)
        if here == "sandbox" or there == "sandbox":
            continue  # the sandbox may use the product; the test above guards the reverse
        if LAYERS.index(there) > LAYERS.index(here):
            wrong.append(f"{source}:{line} ({here}) imports {target} ({there})")
    assert wrong == []


def test_handlers_never_import_storage() -> None:
    wrong = [
        f"{source}:{line} imports {target}"
        for source, target, line, _ in EDGES
        if layer(source) == "handlers" and layer(target) == "storage"
    ]
    assert wrong == []


def test_the_domain_imports_only_the_domain() -> None:
    wrong = [
        f"{source}:{line} imports {target}"
        for source, target, line, _ in EDGES
        if layer(source) == "domain" and layer(target) != "domain"
    ]
    assert wrong == []


def test_storage_imports_only_storage_and_the_domain() -> None:
    wrong = [
        f"{source}:{line} imports {target}"
        for source, target, line, _ in EDGES
        if layer(source) == "storage" and layer(target) not in ("storage", "domain")
    ]
    assert wrong == []
