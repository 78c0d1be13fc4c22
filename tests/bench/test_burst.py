"""bench/burst.py --quick end to end: the fake, a real `newsdesk run` and the aiogram peer.

The figures themselves are the benchmark's business (and the machine's); this holds what any
sound run must show: every press offered is made and saved, none is lost, the bot stops on
SIGTERM in time, and the summary line carries every figure the issue asks for.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = [
    "capacity_per_s",
    "peer_capacity_per_s",
    "peer_ratio",
    "overload_ratio",
    "toast_p99_ms_at_400",
    "cpu_ms_per_press",
    "lost",
    "stop_seconds",
    "fake_cpu_pct",
]


def figures(line: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in line.split() if "=" in part)


def test_quick_burst_runs_end_to_end() -> None:
    done = subprocess.run(
        [sys.executable, "bench/burst.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    lines = done.stdout.strip().splitlines()
    steps = [figures(line) for line in lines if line.startswith(("newsdesk offered", "peer "))]
    assert [(s["offered"], s["presses"]) for s in steps] == [("100", "150"), ("200", "300")] * 2
    for step in steps:
        assert float(step["answered_per_s"]) > 0, step
    for step in steps[:2]:  # newsdesk saves every press of its steps
        assert step["favorites_rows"] == step["presses"], step
    summary = figures(lines[-1])
    assert list(summary) == SUMMARY_KEYS
    assert summary["lost"] == "0"
    assert float(summary["stop_seconds"]) <= 10
