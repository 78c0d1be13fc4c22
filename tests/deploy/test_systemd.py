"""deploy/newsdesk@.service: systemd accepts it, and it says what an operator relies on.

`systemd-analyze verify` reads an instance of the template (newsdesk@1) as systemd would and
reports unknown keys, bad values and a missing executable; it runs without systemd as PID 1.
The unit's ExecStart names the install path (/opt/newsdesk/.venv/bin/newsdesk), which does not
exist on a test machine, so the copy verified names this interpreter's `newsdesk` instead (the
only change). The key lines are then read directly.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.compose_cli import DEPLOY

TEMPLATE = DEPLOY / "newsdesk@.service"
INSTALLED = "/opt/newsdesk/.venv/bin/newsdesk"


def unit_lines(text: str) -> dict[tuple[str, str], list[str]]:
    """(section, key) → values in order; systemd allows a key more than once."""
    found: dict[tuple[str, str], list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.setdefault((section, key.strip()), []).append(value.strip())
    return found


UNIT = unit_lines(TEMPLATE.read_text(encoding="utf-8"))


def test_systemd_analyze_verifies_an_instance(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: the unit's lines are checked as text")
    newsdesk = Path(sys.executable).parent / "newsdesk"
    assert newsdesk.exists(), "newsdesk is not installed in this environment"
    text = TEMPLATE.read_text(encoding="utf-8")
    assert INSTALLED in text
    (tmp_path / TEMPLATE.name).write_text(text.replace(INSTALLED, str(newsdesk)))
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / "newsdesk@1.service")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", f"systemd has remarks: {done.stderr}"


def test_each_instance_reads_its_own_config() -> None:
    assert "NEWSDESK_CONFIG=/etc/newsdesk/worker%i.toml" in UNIT["Service", "Environment"]
    files = UNIT["Service", "EnvironmentFile"]
    assert "/etc/newsdesk/newsdesk.env" in files, "the shared secrets"
    assert "-/etc/newsdesk/worker%i.env" in files, "optional per instance"
    assert UNIT["Service", "ExecStart"] == [f"{INSTALLED} run"]


def test_a_config_or_store_problem_is_not_restarted_in_a_loop() -> None:
    assert UNIT["Service", "Restart"] == ["on-failure"]
    prevented = " ".join(UNIT["Service", "RestartPreventExitStatus"]).split()
    assert "2" in prevented and "3" not in prevented, "exit 3 (lease lost) must restart"
    assert UNIT["Unit", "StartLimitBurst"] and UNIT["Unit", "StartLimitIntervalSec"]


def test_hardened_like_the_single_unit() -> None:
    single = unit_lines((DEPLOY / "newsdesk.service").read_text(encoding="utf-8"))
    for key in ("User", "NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert UNIT["Service", key] == single["Service", key], key
    assert UNIT["Service", "KillSignal"] == ["SIGTERM"]
    assert UNIT["Install", "WantedBy"] == ["multi-user.target"]
