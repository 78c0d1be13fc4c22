"""bench/burst.py's scale-out setups (issue 16): SQLite polling, N webhook workers on PostgreSQL.

    .venv/bin/python bench/burst.py --scale [--store postgresql://…] [--rates …] [--seconds …]
    .venv/bin/python bench/burst.py --webhook --workers 2 --store postgresql://…

`--scale` runs three setups in turn, each on a fresh fake (its own process) and a fresh store:
`sqlite_polling` (one `newsdesk run`, its SQLite file, long polling), `pg_webhook1` and
`pg_webhook2` (one or two `newsdesk run` on a PostgreSQL database created for the run on the
server `--store` names, and dropped after; `[webhook]` set). The other flags run one setup.

Two workers, one URL: Telegram calls one webhook URL, so in production a reverse proxy spreads
the requests over the workers. The bench does the same with the simplest honest stand-in: an
aiohttp round-robin proxy in the driver's own process (its CPU is in driver_cpu_pct), forwarding
body, secret header and the reply (a reply may carry a Bot API call) unchanged. Every worker
calls setWebhook with the proxy's URL. One worker is called directly, without the proxy.

Each setup is stepped up to its limit (bench/burst_limit.py: 400, 800, 1200, … presses/s, 5 s
each, until a step is not met); a line per step with every party's CPU. Per setup, on the last
line: capacity_per_s (the highest offered rate fully met), limited_by (what the first unmet step
missed: toast_p99, late, unanswered, or fake when the fake could not offer the rate; top when
every step was met), then at the capacity step toast_p99_ms, cpu_ms_per_press (the workers' CPU
summed, ÷ presses), fake_cpu_ms_per_press, driver_cpu_ms_per_press, pg_cpu_ms_per_press
(bench/burst_pg.py) and carried_share (⭐ answers carried in the webhook reply ÷ all answers);
pg_commits_per_press (PostgreSQL's committed transactions over the whole setup ÷ presses
saved); lost (presses the bot confirmed or answered but did not store, over every step and a
SIGTERM of every worker 2 s into a storm at the highest rate stepped), duplicates (presses
answered more than once); workers_for_830_per_s = ceil(830 × cpu_ms_per_press / 1000): the
workers, one core each at 100 %, that the issue's 830 presses/s needs; cores_for_830_per_s the
same with PostgreSQL's CPU added (the fake's, Telegram's, never included; no headroom). Before
it, an "on paper" line: what 10 workers on 5 machines need from PostgreSQL (connections,
commits per second, cores), from the PostgreSQL setup with the most workers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from bench.burst import (
    CHANNEL,
    CHANNEL_ID,
    FIRST_PRESSER,
    ROOT,
    STOP_DEADLINE,
    TOKEN,
    Bench,
    stop_process,
)
from bench.burst_fake import PressRow, RemoteFake
from bench.burst_limit import Outcome, ScaleBench, on_paper, sweep_to_limit
from bench.burst_pg import DbCounters, PgCpu, db_counters
from bot.storage_settings import StorageSettings
from sandbox.balancer import RoundRobin

SECRET = "burst_Bench-secret"
HOOK_PATH = "/telegram"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"  # --scale without --store


@dataclass(frozen=True)
class Setup:
    """One way of running the bot: its store, how updates arrive, how many workers."""

    name: str
    workers: int
    webhook: bool
    store_url: str | None  # a PostgreSQL server; None: a SQLite file


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def fresh_database(server: str, name: str) -> str:
    """Create database `name` on `server` (a postgresql:// URL); its URL."""
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlsplit(server)._replace(path=f"/{name}").geturl()


async def drop_database(server: str, name: str) -> None:
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def webhook_toml(url: str, port: int) -> str:
    return (
        f'[webhook]\nurl = "{url}"\nport = {port}\npath = "{HOOK_PATH}"\n'
        f'secret_token = "{SECRET}"\n'
    )


async def start_workers(
    bench: Bench, setup: Setup, logs: list[Path], profile_dir: Path | None = None
) -> tuple[list[asyncio.subprocess.Process], RoundRobin | None]:
    """Write each worker's config, seed the store, start the workers (and the proxy)."""
    ports = [free_port() for _ in range(setup.workers)]
    proxy = None
    if setup.webhook and setup.workers > 1:
        proxy = RoundRobin([f"http://127.0.0.1:{port}{HOOK_PATH}" for port in ports])
        await proxy.start()
    configs = []
    for number, port in enumerate(ports):
        extra = ""
        if setup.webhook:
            url = proxy.url if proxy else f"http://127.0.0.1:{port}{HOOK_PATH}"
            extra = webhook_toml(url, port)
        configs.append(bench.write_config(f"worker{number}.toml", extra))
    bench.seed(configs[0])
    procs = []
    for number, (config, log_path) in enumerate(zip(configs, logs, strict=True)):
        # --profile: each worker under cProfile (its stats written when it exits on SIGTERM);
        # the profiler's own cost inflates cpu_ms_per_press, so profile and measure apart.
        profile = []
        if profile_dir is not None:
            profile = ["-m", "cProfile", "-o", str(profile_dir / f"{setup.name}_w{number}.prof")]
        with log_path.open("wb") as log:
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, *profile, "-m", "bot", "--config", str(config), "run",
                    cwd=ROOT,
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
    return procs, proxy


async def run_setup(setup: Setup, args: argparse.Namespace) -> Outcome:
    """One setup on its own fake and store: start, sweep to its limit, SIGTERM in a storm, count
    lost presses and (PostgreSQL) the commits the whole setup made."""
    fake = RemoteFake(TOKEN, CHANNEL_ID, CHANNEL, args.callback_age)
    database = f"burst_{os.getpid()}_{setup.name}"
    procs: list[asyncio.subprocess.Process] = []
    proxy: RoundRobin | None = None
    bench: ScaleBench | None = None
    try:
        with tempfile.TemporaryDirectory(prefix=f"burst-{setup.name}-") as tmp:
            bench = ScaleBench(fake, Path(tmp), setup.name, webhook=setup.webhook)
            if setup.store_url is not None:
                url = await fresh_database(setup.store_url, database)
                bench.storage = StorageSettings.model_validate({"url": url})
                bench.storage_toml = f'url = "{url}"'
                bench.pg = PgCpu(database)
            bench.log_path = Path(tmp) / "worker0.log"  # the leader's, for `press answers:`
            logs = [Path(tmp) / f"worker{n}.log" for n in range(setup.workers)]
            started = time.monotonic()
            procs, proxy = await start_workers(bench, setup, logs, args.profile)
            bench.post = await bench.until(
                lambda: bench.ask("post_with_button"), "channel post with ⭐", 60, procs[0]
            )
            bench.article_id = int(bench.post[1].split(":")[1])
            if setup.webhook:  # every worker has set the webhook (the last one wins; one URL)
                await asyncio.sleep(1.0)
            print(f"{setup.name}: up and posted in {time.monotonic() - started:.1f} s", flush=True)
            before = await counters(setup, database)
            bench.pids = [p.pid for p in procs]
            steps = await sweep_to_limit(bench, args)
            top = max(m.step.offered for m in steps)
            stop_seconds = await sigterm_all(bench, procs, top)
            lost, saved = await count_lost(bench, len(steps) + 1)
            await bench.close_store()
            writes = None
            if setup.store_url is not None:  # every backend has exited, so reported its counts
                await asyncio.sleep(1.0)
                writes = await counters(setup, database) - before
            for n, proc in enumerate(procs):
                print(f"{setup.name} worker{n} exit={proc.returncode}", flush=True)
            pg = "" if writes is None else f" pg_commits={writes.commits}"
            print(
                f"{setup.name} stop_seconds={stop_seconds:.1f} lost={lost} saved={saved}{pg}",
                flush=True,
            )
            return Outcome(
                setup.name,
                setup.workers,
                steps,
                lost,
                stop_seconds,
                writes,
                saved,
                driver_connections=1 if writes else 0,
            )
    finally:
        for proc in procs:
            await stop_process(proc, 0)
        if bench is not None:
            await bench.close_store()
        if proxy is not None:
            await proxy.stop()
        fake.close()
        if setup.store_url is not None:
            await drop_database(setup.store_url, database)


async def counters(setup: Setup, database: str) -> DbCounters:
    """PostgreSQL's commit and row counts for the setup's database (none for SQLite)."""
    if setup.store_url is None:
        return DbCounters()
    return await db_counters(setup.store_url, database)


async def sigterm_all(bench: Bench, procs: list[asyncio.subprocess.Process], rate: int) -> float:
    """SIGTERM every worker 2 s into a storm; seconds until the last one exited."""
    first = bench.next_user
    number = await bench.ask("storm", bench.post[0], bench.post[1], rate, 30.0, first)
    await asyncio.sleep(2.0)
    started = time.monotonic()
    await asyncio.gather(*(stop_process(proc, STOP_DEADLINE) for proc in procs))
    stopped = time.monotonic() - started
    bench.next_user = first + await bench.ask("storm_stop", number)
    return stopped


async def count_lost(bench: Bench, storms: int) -> tuple[int, int]:
    """Presses the bot confirmed or answered in time but did not store, over every storm; and
    how many presses it stored."""
    rows: list[PressRow] = []
    for number in range(storms):
        rows.extend(await bench.ask("presses", number))
    saved = {u for u in await bench.savers() if u >= FIRST_PRESSER}
    owed = {r[0] for r in rows if r[4] or (r[2] is not None and not r[3])}
    return len(owed - saved), len(saved)


def setups(args: argparse.Namespace) -> list[Setup]:
    """`--scale`: the three setups; otherwise the one the flags describe."""
    if args.scale:
        return [
            Setup("sqlite_polling", 1, False, None),
            Setup("pg_webhook1", 1, True, args.store),
            Setup("pg_webhook2", 2, True, args.store),
        ]
    engine = "pg" if args.store else "sqlite"
    mode = f"webhook{args.workers}" if args.webhook else "polling"
    return [Setup(f"{engine}_{mode}", args.workers, args.webhook, args.store)]


async def main(args: argparse.Namespace) -> None:
    """Each setup in turn; a line per step, then every setup's figures on the last line."""
    driver0, wall0 = time.process_time(), time.monotonic()
    load0 = os.getloadavg()[0]
    outcomes = [await run_setup(setup, args) for setup in setups(args)]
    wall = time.monotonic() - wall0
    driver_pct = (time.process_time() - driver0) / wall * 100
    print(
        f"driver_cpu_pct={driver_pct:.0f} (the bench's own process and its proxy, % of one core) "
        f"cores={os.cpu_count()} loadavg_1min_start={load0:.1f} "
        f"loadavg_1min_end={os.getloadavg()[0]:.1f} run_seconds={wall:.0f}"
    )
    paper = on_paper(outcomes)
    if paper is not None:
        print(paper)
    print(" ".join(outcome.summary() for outcome in outcomes))


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse combinations that mean nothing: two pollers, two workers on one SQLite file."""
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.workers > 1 and not args.webhook:
        parser.error("--workers N > 1 needs --webhook (in polling mode only the leader polls)")
    if args.scale and not args.store:
        args.store = DEFAULT_SERVER
    if args.workers > 1 and not args.store:
        parser.error("--workers N > 1 needs --store postgresql://… (SQLite serves one)")
    if args.store and not args.store.startswith(("postgresql://", "postgres://")):
        parser.error("--store takes a postgresql:// URL (a server; the bench makes a database)")
