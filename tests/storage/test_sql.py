"""Rules of the shared SQL that no engine would report until the statement runs there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from storage.engines.postgres import changed
from storage.sql import Sql, text_for

STORAGE = Path(__file__).resolve().parents[2] / "storage"
# SQLite reads `$1::text` as one parameter named "1::text": a shared statement casts with CAST.
_PG_CAST_ON_PARAMETER = re.compile(r"\$\d+::")


def shared_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string literal outside docstrings and the `postgres=` half of an `Sql(...)`."""
    postgres_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            postgres_only.add(id(node.value))  # a docstring (or a bare string): not run
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Sql":
            for keyword in node.keywords:
                if keyword.arg == "postgres":
                    postgres_only |= {id(inner) for inner in ast.walk(keyword.value)}
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in postgres_only
    ]


def test_no_shared_statement_casts_a_parameter_the_postgresql_way() -> None:
    found = [
        f"{path.relative_to(STORAGE.parent)}:{line}: {text!r}"
        for path in sorted(STORAGE.rglob("*.py"))
        for line, text in shared_strings(ast.parse(path.read_text(encoding="utf-8")))
        if _PG_CAST_ON_PARAMETER.search(text)
    ]
    assert found == [], "use CAST($n AS type), or put it in Sql(postgres=...):\n" + "\n".join(
        found
    )


def test_the_rule_sees_a_shared_cast_and_spares_a_postgres_half() -> None:
    tree = ast.parse(
        'A = "SELECT $1::text"\nB = Sql(sqlite="SELECT $1", postgres="SELECT $1::int")'
    )
    assert [text for _, text in shared_strings(tree) if _PG_CAST_ON_PARAMETER.search(text)] == [
        "SELECT $1::text"
    ]


def test_each_engine_reads_its_half() -> None:
    pair = Sql(sqlite="SELECT rowid", postgres="SELECT seq")
    assert text_for(pair, "sqlite") == "SELECT rowid"
    assert text_for(pair, "postgres") == "SELECT seq"
    assert text_for("SELECT 1", "postgres") == "SELECT 1"


def test_postgresql_statuses_become_rows_changed() -> None:
    assert changed("UPDATE 3") == 3
    assert changed("INSERT 0 1") == 1
    assert changed("DELETE 0") == 0
    assert changed("CREATE TABLE") == 0
