"""bench/storm_alerts.py --quick end to end: a real `newsdesk run`, a storm and a fan-out together.

The rates are the benchmark's business (and the machine's); this holds what any sound run must
show: every alert of every fan-out reaches every subscriber with no 429, every press of the storm
is made and saved, none is lost, and the summary line carries every figure the issue asks for.
"""

from __future__ import annotations

from tests.bench.quick import figures, run_quick

SUMMARY_KEYS = [
    "users",
    "alert_rate",
    "alert_ratio_alone",
    "alert_ratio_at_100",
    "answered_per_s_at_100",
    "toast_p99_ms_at_100",
    "late",
    "dropped",
    "lost",
    "alert_429s",
    "bot_cpu_pct",
    "fake_cpu_pct",
    "driver_cpu_pct",
]


def test_quick_storm_with_alerts_runs_end_to_end() -> None:
    lines, output = run_quick("storm_alerts.py")
    fan_lines = [line for line in lines if line.startswith("fanout ")]
    fans = [figures(line) for line in fan_lines]
    assert [f["sent"] for f in fans] == ["500", "500"], output
    assert all(f["alert_429s"] == "0" for f in fans), output
    assert "editor_told='sent 500 · failed 0" in fan_lines[1], output  # the editor's summary
    storm = next(figures(line) for line in lines if line.startswith("newsdesk offered"))
    assert storm["offered"] == "100"
    assert int(storm["presses"]) > 0
    assert storm["favorites_rows"] == storm["presses"], storm
    summary = figures(lines[-1])
    assert list(summary) == SUMMARY_KEYS
    assert summary["lost"] == "0"
    assert 0 < float(summary["alert_ratio_at_100"]) <= 1.0
