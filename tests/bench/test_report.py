"""bench/report.py --quick end to end: the real `newsdesk report` on a bulk-built store.

The rates are the machine's business; this holds what any sound run must show: the small
window holds exactly the posts it should, both formats finish, and the memory of the whole
export is about that of the small one (streamed, not gathered).
"""

from __future__ import annotations

from tests.bench.quick import figures, run_quick

SUMMARY_KEYS = [
    "rows",
    "csv_rows_per_s",
    "json_rows_per_s",
    "peak_rss_mb_1m",
    "peak_rss_mb_10k",
    "rss_ratio",
    "small_rows",
    "small_run_s",
]


def test_quick_report_streams_in_bounded_memory() -> None:
    lines, output = run_quick("report.py")
    summary = figures(lines[-1])
    assert list(summary) == SUMMARY_KEYS, output
    assert (summary["rows"], summary["small_rows"]) == ("20000", "2000")
    assert float(summary["csv_rows_per_s"]) > 0 and float(summary["json_rows_per_s"]) > 0
    # Ten times the rows, the same memory (a gathered export would grow by megabytes here).
    assert float(summary["rss_ratio"]) < 1.15, output
