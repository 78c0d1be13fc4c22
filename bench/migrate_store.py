"""How long `newsdesk migrate-store` takes on a large desk, and the memory it needs.

The desk of bench/queries.py (100,000 articles with long text, 100,000 deliveries, 1,000,000
favorites) is built once in a SQLite file, then the real command copies it into a fresh
PostgreSQL database, as a child process whose peak RSS is read from the kernel.

    .venv/bin/python bench/migrate_store.py [--articles 100000] [--favorites 1000000]
        [--server postgresql://postgres@127.0.0.1:5432/postgres] [--chunk-size 5000]

Last line: key=value figures (seconds, MB).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.queries import build  # noqa: E402

CONFIG = """\
[telegram]
token = "1:x"  # never used: migrate-store talks to no Telegram
channel = "@example_news"
admins = [1]

[storage]
path = "{path}"

[site]
name = "Example News"
timezone = "UTC"
"""


async def admin(server: str, statement: str) -> None:
    """Run one statement on the server's maintenance database."""
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def main() -> None:
    """Build, copy, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--favorites", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--chunk-size", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "desk.sqlite3"
        started = time.perf_counter()
        build(path, args.articles, args.favorites)
        print(f"built {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s")
        config = Path(folder) / "config.toml"
        config.write_text(CONFIG.format(path=path), encoding="utf-8")
        name = "newsdesk_bench_copy"
        target = urlsplit(args.server)._replace(path=f"/{name}").geturl()
        asyncio.run(admin(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(admin(args.server, f'CREATE DATABASE "{name}"'))
        try:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "--config", str(config), "migrate-store",
                 "--to", target, "--chunk-size", str(args.chunk_size)],
                cwd=ROOT,
                check=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
        finally:
            asyncio.run(admin(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"articles={args.articles} favorites={args.favorites} chunk={args.chunk_size} "
        f"copy_s={seconds:.1f} peak_rss_mb={rss:.0f}"
    )


if __name__ == "__main__":
    main()
