"""The PostgreSQL half of the suite skips on a newcomer's machine and fails in CI.

Run as a real `pytest` subprocess on one two-engine test file, pointed at a server that is not
there: without `$NEWSDESK_REQUIRE_POSTGRES` its PostgreSQL half skips, saying why; with it (as
.ci/run sets it) the run fails, so a CI machine that lost its server cannot pass green.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_state_tests(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    environ["NEWSDESK_TEST_DATABASE_URL"] = f"postgresql://nobody@127.0.0.1:{closed_port()}/x"
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         f"--basetemp={tmp_path / 'pytest'}", "tests/storage/test_state.py"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_without_a_server_the_postgresql_half_skips_saying_why(tmp_path: Path) -> None:
    done = run_state_tests(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped" in done.stdout and "PostgreSQL: no server at" in done.stdout
    assert " passed" in done.stdout  # the SQLite half ran


def test_in_ci_a_missing_server_fails_the_run(tmp_path: Path) -> None:
    done = run_state_tests(tmp_path, NEWSDESK_REQUIRE_POSTGRES="1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "$NEWSDESK_REQUIRE_POSTGRES is set" in done.stdout
    assert "skipped" not in done.stdout
