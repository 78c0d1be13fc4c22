"""Running a benchmark's `--quick` mode from a test, and reading its `key=value` lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def figures(line: str) -> dict[str, str]:
    """The `key=value` pairs of one line of a benchmark's output."""
    return dict(part.split("=", 1) for part in line.split() if "=" in part)


def run_quick(script: str, *flags: str) -> tuple[list[str], str]:
    """`python bench/<script> --quick [flags]`: its stdout lines, and everything it printed (for
    failure messages). Fails the test on a non-zero exit or a traceback."""
    done = subprocess.run(
        [sys.executable, f"bench/{script}", "--quick", *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    return done.stdout.strip().splitlines(), output
