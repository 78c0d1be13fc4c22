"""`newsdesk report` on a million posts: rows per second, and memory that does not grow.

A store of 1,000,000 channel posts (800,000 stories, every fourth also posted in a second
channel), 1,000,000 favorites spread over the stories with a skew (a few stories collect many
saves), reaction counts on a third of the posts and a correction on one in twenty is built with
plain sqlite3 (setup speed only). The measured path is the real command, run as a child process
with its output going to /dev/null:

    newsdesk report --format csv      (every post)
    newsdesk report --format json     (every post)
    newsdesk report --until <the 10,001st post's time>   (the first 10,000, for the memory ratio)

Each child's peak RSS comes from `os.wait4` (that child's own rusage, not the maximum over every
child). A streaming export holds one chunk of rows whatever the range, so its peak at 1M rows is
about its peak at 10k: `rss_ratio` near 1.

    .venv/bin/python bench/report.py [--posts 1000000] [--favorites 1000000] [--quick]

Last line: key=value figures. Rows per second are over the whole run, the start-up included
(`small_run_s`, the small run's wall time, is mostly start-up: imports, opening the store).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.articles import to_db_time  # noqa: E402
from storage.database import Database  # noqa: E402

START = datetime(2025, 12, 1, tzinfo=UTC)
SPACING = timedelta(seconds=30)  # a busy desk: a post every 30 s, a million in under a year
USERS = 50_000
CATEGORIES = ["World", "Politics", "Economy", "Sports", "Culture", "سياسة", "اقتصاد"]
CONFIG = """
[telegram]
token = "123456:BENCH-token-not-real"
[storage]
path = "{path}"
[[channels]]
chat = "@bench_news"
name = "news"
[[channels]]
chat = "@bench_news_ar"
name = "ar"
language = "ar"
"""


async def migrate_only(path: Path) -> None:
    """Create the schema through the real migrations."""
    await (await Database.open(path)).close()


def plan(posts: int) -> list[tuple[int, str]]:
    """(article id, channel) of every post, in posting order: every fourth story twice."""
    out: list[tuple[int, str]] = []
    article = 0
    while len(out) < posts:
        article += 1
        out.append((article, "news"))
        if article % 4 == 0 and len(out) < posts:
            out.append((article, "ar"))
    return out


def posted_at(n: int) -> str:
    """When the n-th post (from 0) went out."""
    return to_db_time(START + SPACING * n)


def build(path: Path, posts: int, favorites: int) -> None:
    """Fill the store (in a child process: see `main`)."""
    asyncio.run(migrate_only(path))
    rng = random.Random(14)
    order = plan(posts)
    stories = order[-1][0]
    posted = [posted_at(n) for n in range(posts)]
    first_post: dict[int, int] = {}
    for n, (article, _) in enumerate(order):
        first_post.setdefault(article, n)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    # Bulk loading: indexes and triggers off, built again (by sorting) once the rows are in.
    # The search index (articles_fts) stays empty: the report never reads it.
    rebuild = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        "AND tbl_name IN ('articles', 'deliveries', 'favorites', 'post_reactions') "
        "AND sql IS NOT NULL"
    ).fetchall()
    for kind, name, _ in rebuild:
        conn.execute(f"DROP {kind.upper()} {name}")
    conn.executemany(
        "INSERT INTO articles (id, guid, url, title, category, language, published_at, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                a,
                f"https://news.example/{a}",
                f"https://news.example/{a}",
                f"Story {a}",
                CATEGORIES[a % len(CATEGORIES)],
                "ar" if a % 4 == 0 else "en",
                to_db_time(
                    START + SPACING * first_post[a] - timedelta(seconds=rng.randint(30, 900))
                ),
                posted[first_post[a]],
                posted[first_post[a]],
            )
            for a in range(1, stories + 1)
        ),
    )
    conn.executemany(
        "INSERT INTO deliveries (article_id, channel, state, chat_id, message_id, posted_at, "
        "updated_at, corrections) VALUES (?, ?, 'posted', ?, ?, ?, ?, ?)",
        (
            (a, channel, f"@bench_{channel}", n + 1, posted[n], posted[n], int(n % 20 == 0))
            for n, (a, channel) in enumerate(order)
        ),
    )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < favorites:
        if rng.random() < 0.3:  # a third of the saves go to a skewed few (~1/rank)
            story = 1 + int(rng.paretovariate(1.0) * 50) * 7919 % stories
        else:
            story = rng.randint(1, stories)
        pairs.add((rng.randrange(USERS), story))
    conn.executemany(
        "INSERT INTO favorites (user_id, article_id, saved_at, first_saved_at, saved) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            (u, a, saved, saved, int(rng.random() < 0.9))
            for u, a in sorted(pairs)  # the table's own order: appends, not page splits
            for saved in [
                to_db_time(
                    START + SPACING * first_post[a] + timedelta(minutes=rng.randint(1, 300))
                )
            ]
        ),
    )
    conn.executemany(
        "INSERT INTO post_reactions (channel, message_id, total, counts, counted_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            (channel, n + 1, total, json.dumps({"👍": total}), posted[n])
            for n, (_, channel) in enumerate(order)
            if n % 3 == 0
            for total in [rng.randint(1, 40)]
        ),
    )
    for _, _, sql in rebuild:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def own_peak_mb() -> float:
    """This process's own peak RSS (VmHWM: its memory's, which is what a child's exec records;
    RUSAGE_SELF would also count the peak of whoever started this bench, e.g. pytest)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_report(config: Path, *options: str, out: Path = Path(os.devnull)) -> tuple[float, float]:
    """Run `newsdesk report` as a child: (wall seconds, that child's peak RSS in MB)."""
    command = [sys.executable, "-m", "bot", "--config", str(config), "report", *options]
    started = time.perf_counter()
    with out.open("wb") as sink:
        child = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        assert child.stderr is not None
        errors = child.stderr.read().decode()
        child.stderr.close()
    if child.returncode != 0 or errors:
        raise SystemExit(f"newsdesk report {' '.join(options)} failed: {errors}")
    return elapsed, usage.ru_maxrss / 1024  # KB on Linux


def main() -> None:
    """Build, export three ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--favorites", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000, help="the memory ratio's small run")
    parser.add_argument("--quick", action="store_true", help="20,000 posts: a smoke test")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # the builder child
    args = parser.parse_args()
    if args.build:
        build(args.build, args.posts, args.favorites)
        return
    if args.quick:
        args.posts, args.favorites, args.small = 20_000, 20_000, 2_000
    with tempfile.TemporaryDirectory(prefix="newsdesk-report-") as folder:
        store, config = Path(folder) / "bench.sqlite3", Path(folder) / "config.toml"
        config.write_text(CONFIG.format(path=store), encoding="utf-8")
        started = time.perf_counter()
        # Built in a child: on Linux a child's ru_maxrss starts from its parent's peak (exec
        # keeps it), so this process must stay small for the children's figures to be theirs.
        subprocess.run(
            [sys.executable, __file__, "--build", str(store), "--posts", str(args.posts),
             "--favorites", str(args.favorites)],
            check=True,
        )  # fmt: skip
        print(
            f"built posts={args.posts} favorites={args.favorites} "
            f"in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        small_out = Path(folder) / "small.csv"
        small_s, rss_small = run_report(config, "--until", posted_at(args.small), out=small_out)
        with small_out.open(encoding="utf-8") as lines:
            small_rows = sum(1 for _ in lines) - 1  # the header
        assert small_rows == args.small, (small_rows, args.small)
        csv_s, rss_csv = run_report(config, "--format", "csv")
        json_s, rss_json = run_report(config, "--format", "json")
        own = own_peak_mb()
        print(
            f"csv {csv_s:.1f}s rss {rss_csv:.1f}MB; json {json_s:.1f}s rss {rss_json:.1f}MB; "
            f"this process's own peak {own:.1f}MB (under the children's: theirs are real)"
        )
        assert own < rss_small, "the bench process outgrew the children it measures"
        peak = max(rss_csv, rss_json)
        print(
            f"rows={args.posts} csv_rows_per_s={args.posts / csv_s:.0f} "
            f"json_rows_per_s={args.posts / json_s:.0f} peak_rss_mb_1m={peak:.1f} "
            f"peak_rss_mb_10k={rss_small:.1f} rss_ratio={peak / rss_small:.2f} "
            f"small_rows={small_rows} small_run_s={small_s:.1f}"
        )


if __name__ == "__main__":
    main()
