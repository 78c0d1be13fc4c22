"""bench/burst.py --scale --quick end to end: SQLite polling, one and two webhook workers on
PostgreSQL, each a real `newsdesk run` (two of them behind the bench's round-robin proxy).

What any sound run must show, whatever the machine: every press made is saved on every setup,
none is lost or answered twice, and the last line carries each setup's figures.
"""

from __future__ import annotations

from tests.bench.quick import figures, run_quick
from tests.pgstore import PgServer

SETUPS = ["sqlite_polling", "pg_webhook1", "pg_webhook2"]
KEYS = [
    "capacity_per_s",
    "limited_by",
    "toast_p99_ms",
    "cpu_ms_per_press",
    "fake_cpu_ms_per_press",
    "driver_cpu_ms_per_press",
    "pg_cpu_ms_per_press",
    "pg_commits_per_press",
    "carried_share",
    "lost",
    "duplicates",
    "workers_for_830_per_s",
    "cores_for_830_per_s",
]


def test_quick_scale_runs_every_setup_end_to_end(pg_server: PgServer) -> None:
    lines, output = run_quick("burst.py", "--scale", "--store", pg_server.url)
    steps = [figures(line) for line in lines if " offered=" in line]
    names = [line.split()[0] for line in lines if " offered=" in line]
    assert names == [name for name in SETUPS for _ in range(2)], output
    for step in steps:
        assert step["favorites_rows"] == step["presses"], step
        assert step["duplicates"] == "0", step
        assert step["met"] in {"yes", "fake", "unanswered", "late", "toast_p99"}, step
    for name, step in zip(names, steps, strict=True):
        if name == "sqlite_polling":
            assert (step["pg_cpu_ms_per_press"], step["carried_share"]) == ("n/a", "n/a"), step
        else:  # every press saved is PostgreSQL's work, seen in its backends' CPU
            assert float(step["pg_cpu_ms_per_press"]) > 0, step
            assert 0 <= float(step["carried_share"]) <= 1, step
    paper = [line for line in lines if line.startswith("on paper (pg_webhook2:")]
    assert len(paper) == 1, output
    assert figures(paper[0])["connections"] == "100", paper
    summary = figures(lines[-1])
    assert list(summary) == [f"{name}_{key}" for name in SETUPS for key in KEYS]
    for name in SETUPS:
        assert summary[f"{name}_lost"] == "0", output
        assert summary[f"{name}_duplicates"] == "0", output
        assert float(summary[f"{name}_capacity_per_s"]) > 0, output
    for name in SETUPS[1:]:  # a press saved on PostgreSQL is a committed transaction
        assert float(summary[f"{name}_pg_commits_per_press"]) > 0, output
