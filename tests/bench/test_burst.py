"""bench/burst.py --quick end to end: the fake, a real `newsdesk run` and the aiogram peer.

The figures themselves are the benchmark's business (and the machine's); this holds what any
sound run must show: every press offered is made and saved, none is lost, the bot stops on
SIGTERM in time, and the summary line carries every figure the issue asks for.
"""

from __future__ import annotations

from tests.bench.quick import figures, run_quick

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


def test_quick_burst_runs_end_to_end() -> None:
    lines, _ = run_quick("burst.py")
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
