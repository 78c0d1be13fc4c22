"""Benchmark: a storm of ⭐ presses on one channel post, newsdesk against a bare aiogram peer.

Run from the repository root (issue 12):

    .venv/bin/python bench/burst.py [--rates 200,400,800,1600] [--seconds 10] [--quick]

Everything is a separate process talking over loopback, as in production: the fake Bot API (its
own process; it makes the presses itself, at a steady offered rate, each from a user no earlier
press used, under the one channel post that carries the ⭐ button), a real `newsdesk run`
(config in a temp dir, its own SQLite file, one article imported and published by the bot
itself), then a bare aiogram bot (bench/peer_aiogram.py) answering the same storms. The bench
reads nothing of the bot's internals: presses and answers are timed at the fake, saves are
counted in the store through `storage.favorites`, CPU comes from /proc.

Per offered rate, one line: answered_per_s (answers accepted within 5 s of the press, over the
step's seconds), toast p50/p99 (press made at the fake -> answer arrived at the fake; a press
still unanswered when the step ends counts with its age then, a lower bound), late (refused as
too old, or accepted after 5 s), unanswered, dropped (the bot's own `press answers:` log line on
`bot.intake` if it writes one, else n/a), favorites_rows (saved rows of this step's pressers,
which must equal the presses), cpu_ms_per_press (bot utime+stime over the step ÷ presses),
/latest and an editor's /status p99 during the step, and the fake's CPU (% of one core). A step
lasts its storm plus up to --drain seconds for the answers still due (ended early once every
press is answered and saved). After the sweep a storm at the highest rate gets SIGTERM 2 s in:
stop_seconds (target <= 10) and lost (presses the bot confirmed to the fake or answered, but
did not store; target 0).

Last line: capacity_per_s (best in-time answered rate), peer_capacity_per_s, peer_ratio,
overload_ratio (answered rate at the first offered rate >= 2x capacity ÷ capacity, n/a if the
sweep has none), toast_p99_ms_at_400, cpu_ms_per_press (at the capacity step), lost,
stop_seconds, fake_cpu_pct (its highest over the steps).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from bench.burst_fake import PressRow, RemoteFake  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.favorites import FavoriteRepository  # noqa: E402

TOKEN = "123456:BENCH-burst-not-a-real-token"
CHANNEL_ID = -1001234567890
CHANNEL = "@example_news"
EDITORS = list(range(4242, 4262))  # taking turns at /status: one would trip the flood guard
READERS = list(range(50_000, 50_200))  # taking turns at /latest
FIRST_PRESSER = 1_000_000
IN_TIME = 5.0  # an answer later than this is late (issue 12: answered within 5 s, or dropped)
PROBE_EVERY = 0.25
PROBE_WAIT = 10.0
STOP_DEADLINE = 30.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
DROPPED_RE = re.compile(r"press answers: answered=(\d+) late=(\d+) dropped=(\d+)")
ALERTS_OFF = "[alerts]\nenabled = false\n"


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


@dataclass
class Step:
    """One offered rate's figures."""

    who: str
    offered: int
    seconds: float
    presses: int = 0
    answered_per_s: float = 0.0
    toast_p50_ms: float = 0.0
    toast_p99_ms: float = 0.0
    late: int = 0
    unanswered: int = 0
    dropped: str = "n/a"
    favorites_rows: str = "n/a"
    cpu_ms_per_press: float = 0.0
    latest_p99_ms: str = "n/a"
    editor_p99_ms: str = "n/a"
    fake_cpu_pct: float = 0.0
    fake_cpu_ms_per_press: float = 0.0
    duplicates: int = 0  # presses answered more than once (a redelivery handled twice)
    step_seconds: float = 0.0
    rows: list[PressRow] = field(default_factory=list, repr=False)

    def line(self) -> str:
        """The step's printed figures."""
        return (
            f"{self.who} offered={self.offered} presses={self.presses} "
            f"answered_per_s={self.answered_per_s:.1f} toast_p50_ms={self.toast_p50_ms:.0f} "
            f"toast_p99_ms={self.toast_p99_ms:.0f} late={self.late} "
            f"unanswered={self.unanswered} dropped={self.dropped} "
            f"favorites_rows={self.favorites_rows} cpu_ms_per_press={self.cpu_ms_per_press:.2f} "
            f"latest_p99_ms={self.latest_p99_ms} editor_p99_ms={self.editor_p99_ms} "
            f"fake_cpu_pct={self.fake_cpu_pct:.0f} duplicates={self.duplicates} "
            f"step_seconds={self.step_seconds:.1f}"
        )


class Bench:
    """The fake, the store and the process under test; one step at a time."""

    # What a subclass changes for its own scenario (bench/storm_alerts.py: alerts on, more admins).
    admins: tuple[int, ...] = tuple(EDITORS)
    alerts_toml: str = ALERTS_OFF

    def __init__(self, fake: RemoteFake, workdir: Path) -> None:
        self.fake = fake
        self.workdir = workdir
        self.db_path = workdir / "newsdesk.sqlite3"
        # What the bench opens to count saves: the SQLite file, or (bench/burst_scale.py) the
        # PostgreSQL store's settings; `storage_toml` is the same store in the bot's config.
        self.storage: Any = self.db_path
        self.storage_toml = f'path = "{self.db_path}"'
        self.log_path = workdir / "newsdesk.log"
        self.next_user = FIRST_PRESSER
        self.probe_turn = 0
        self.post: tuple[int, str] = (0, "")
        self.article_id = 0

    async def ask(self, name: str, *args: Any) -> Any:
        """A call into the fake's process from a worker thread (the loop never blocks)."""
        return await asyncio.to_thread(self.fake.call, name, *args)

    async def until(
        self, check: Callable[[], Any], what: str, within: float, proc: Any = None
    ) -> Any:
        """Poll an async `check` until truthy; fail with `what` at the deadline or on exit."""
        deadline = time.monotonic() + within
        while True:
            found = await check()
            if found:
                return found
            if proc is not None and proc.returncode is not None:
                raise SystemExit(f"burst: the process exited before {what}")
            if time.monotonic() > deadline:
                raise SystemExit(f"burst: no {what} within {within:g} s")
            await asyncio.sleep(0.05)

    # -- newsdesk ------------------------------------------------------------------------------

    def write_config(self, name: str = "config.toml", extra: str = "") -> Path:
        """The bot as deployed, pointed at the fake; publishing fast enough for a bench."""
        path = self.workdir / name
        path.write_text(
            f"""\
[telegram]
token = "{TOKEN}"
api_base_url = "{self.fake.url}/bot"
channel = "{CHANNEL}"
admins = {json.dumps(list(self.admins))}
request_timeout_seconds = 10.0

[storage]
{self.storage_toml}

[site]
name = "Bench News"
timezone = "UTC"
language = "en"

[publishing]
enabled = true
interval_seconds = 1

{self.alerts_toml}
{extra}""",
            encoding="utf-8",
        )
        return path

    def seed(self, config: Path) -> None:
        """One story, imported with the CLI as an operator would."""
        story = {
            "guid": "burst-1",
            "url": "https://news.example/world/burst-1",
            "title": "A story everyone saves",
            "category": "World",
            "published_at": datetime.now(UTC).isoformat(),
            "summary": "Readers press ⭐ under it all at once.",
            "body": "Paragraph one.\n\nParagraph two.",
            "language": "en",
        }
        lines = self.workdir / "story.jsonl"
        lines.write_text(json.dumps(story) + "\n", encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), "import", str(lines)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"burst: import failed: {done.stdout}{done.stderr}")

    async def savers(self) -> set[int]:
        """Who has the story saved now, read from the store the way the product reads it."""
        db = await Database.open(self.storage, run_migrations=False)
        try:
            return set(await FavoriteRepository(db.store).savers(self.article_id))
        finally:
            await db.close()

    def dropped_total(self) -> int | None:
        """The bot's own dropped count from its latest `press answers:` line, if it logs one."""
        found = DROPPED_RE.findall(self.log_path.read_text(errors="replace"))
        return int(found[-1][2]) if found else None

    # -- probes --------------------------------------------------------------------------------

    async def probe(self, text: str, user_id: int, into: list[float]) -> None:
        """One command and the time until its reply arrived at the fake (capped, a lower bound)."""
        mark, sent = await self.ask("send", user_id, text)
        deadline = sent + PROBE_WAIT
        while True:
            replied = await self.ask("reply_at", mark, user_id)
            if replied is not None:
                into.append(replied - sent)
                return
            if time.monotonic() > deadline:
                into.append(PROBE_WAIT)
                return
            await asyncio.sleep(0.02)

    async def probes(self, stop: asyncio.Event, latest: list[float], editor: list[float]) -> None:
        """A few commands a second while the storm runs: /latest and an editor's /status."""
        tasks: list[asyncio.Task[None]] = []
        while not stop.is_set():
            self.probe_turn += 1
            if self.probe_turn % 2:
                reader = READERS[self.probe_turn // 2 % len(READERS)]
                tasks.append(asyncio.create_task(self.probe("/latest", reader, latest)))
            else:
                admin = EDITORS[self.probe_turn // 2 % len(EDITORS)]
                tasks.append(asyncio.create_task(self.probe("/status", admin, editor)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), PROBE_EVERY)
        await asyncio.gather(*tasks)

    # -- one step ------------------------------------------------------------------------------

    def window_opened(self) -> None:
        """A step's measuring window opens (the storm is next): a subclass starts its meters."""

    def storm_ended(self) -> None:
        """The storm has made its last press; the drain begins (a subclass reads its meters)."""

    def window_closed(self) -> None:
        """The window closes (answers in or drain over; before the step's own bookkeeping, whose
        queries must not count): a subclass reads its meters."""

    async def step(
        self,
        who: str,
        pid: int | list[int],
        rate: int,
        seconds: float,
        drain: float,
        *,
        store: bool,
    ) -> Step:
        """Offer `rate` presses/s for `seconds`; wait up to `drain` s for the answers due.

        `pid`: the process under test, or every worker (their CPU is summed)."""
        pids = pid if isinstance(pid, list) else [pid]
        figures = Step(who, rate, seconds)
        first = self.next_user
        dropped_before = self.dropped_total() if store else None
        self.window_opened()
        cpu0, fake0, t0 = sum(map(cpu_seconds, pids)), cpu_seconds(self.fake.pid), time.monotonic()
        number = await self.ask("storm", self.post[0], self.post[1], rate, seconds, first)
        stop_probes = asyncio.Event()
        latest: list[float] = []
        editor: list[float] = []
        probing = asyncio.create_task(self.probes(stop_probes, latest, editor)) if store else None
        await self.until(lambda: self.ask("storm_done", number), "storm end", seconds + 30)
        self.storm_ended()
        drain_end = time.monotonic() + drain
        presses = await self.ask("storm_stop", number)
        self.next_user = first + presses
        while time.monotonic() < drain_end:
            if await self.ask("unresolved", number) == 0 and (
                not store or len(await self.savers_between(first, presses)) == presses
            ):
                break
            await asyncio.sleep(0.1)
        ended = time.monotonic()
        cpu1, fake1 = sum(map(cpu_seconds, pids)), cpu_seconds(self.fake.pid)
        self.window_closed()
        stop_probes.set()
        if probing is not None:
            await probing
        rows: list[PressRow] = await self.ask("presses", number)
        figures.rows, figures.presses = rows, len(rows)
        in_time = [r for r in rows if r[2] is not None and not r[3] and r[2] - r[1] <= IN_TIME]
        figures.answered_per_s = len(in_time) / seconds
        figures.late = sum(1 for r in rows if r[2] is not None and (r[3] or r[2] - r[1] > IN_TIME))
        figures.unanswered = sum(1 for r in rows if r[2] is None)
        waits = [(r[2] if r[2] is not None else ended) - r[1] for r in rows]
        figures.toast_p50_ms = percentile(waits, 50) * 1000
        figures.toast_p99_ms = percentile(waits, 99) * 1000
        figures.cpu_ms_per_press = (cpu1 - cpu0) * 1000 / max(1, len(rows))
        figures.fake_cpu_pct = (fake1 - fake0) / (ended - t0) * 100
        figures.fake_cpu_ms_per_press = (fake1 - fake0) * 1000 / max(1, len(rows))
        figures.duplicates = await self.ask("duplicates", number)
        figures.step_seconds = ended - t0
        if store:
            figures.favorites_rows = str(len(await self.savers_between(first, presses)))
            figures.latest_p99_ms = f"{percentile(latest, 99) * 1000:.0f}"
            figures.editor_p99_ms = f"{percentile(editor, 99) * 1000:.0f}"
            dropped_after = self.dropped_total()
            if dropped_after is not None:
                figures.dropped = str(dropped_after - (dropped_before or 0))
        return figures

    async def savers_between(self, first: int, count: int) -> set[int]:
        """The savers among users `first` … `first + count - 1` (one step's pressers)."""
        return {u for u in await self.savers() if first <= u < first + count}

    async def sigterm_in_storm(self, proc: asyncio.subprocess.Process, rate: int) -> float:
        """SIGTERM 2 s into a storm; seconds until the process exited (capped, then killed)."""
        first = self.next_user
        number = await self.ask("storm", self.post[0], self.post[1], rate, 30.0, first)
        await asyncio.sleep(2.0)  # the storm is the scenario: stop in the middle of it
        started = time.monotonic()
        await stop_process(proc, STOP_DEADLINE)
        stopped = time.monotonic() - started
        self.next_user = first + await self.ask("storm_stop", number)
        return stopped


async def stop_process(proc: asyncio.subprocess.Process, grace: float) -> None:
    """SIGTERM, then SIGKILL if it is still running after `grace` seconds."""
    if proc.returncode is None and grace > 0:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), grace)
    if proc.returncode is None:
        proc.kill()
        await proc.wait()


async def sweep(
    bench: Bench, who: str, pid: int | list[int], args: argparse.Namespace, *, store: bool
) -> list[Step]:
    """Every offered rate in turn against one running process."""
    steps = []
    for rate in args.rates:
        step = await bench.step(who, pid, rate, args.seconds, args.drain, store=store)
        print(step.line(), flush=True)
        steps.append(step)
    return steps


def capacity(steps: list[Step]) -> float:
    """The best in-time answered rate."""
    return max((s.answered_per_s for s in steps), default=0.0)


async def run_newsdesk(bench: Bench, args: argparse.Namespace) -> tuple[list[Step], float, int]:
    """Start `newsdesk run`, wait for the post, sweep, SIGTERM in a storm; count lost presses."""
    config = bench.write_config()
    bench.seed(config)
    started = time.monotonic()
    with bench.log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(config),
            "run",
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        bench.post = await bench.until(
            lambda: bench.ask("post_with_button"), "channel post with ⭐", 60, proc
        )
        bench.article_id = int(bench.post[1].split(":")[1])
        print(f"newsdesk up and posted in {time.monotonic() - started:.1f} s", flush=True)
        steps = await sweep(bench, "newsdesk", proc.pid, args, store=True)
        first_storm_user = FIRST_PRESSER
        stop_seconds = await bench.sigterm_in_storm(proc, max(args.rates))
    finally:
        await stop_process(proc, 0)
    rows: list[PressRow] = []
    for number in range(len(args.rates) + 1):
        rows.extend(await bench.ask("presses", number))
    saved = {u for u in await bench.savers() if u >= first_storm_user}
    owed = {r[0] for r in rows if r[4] or (r[2] is not None and not r[3])}
    lost = len(owed - saved)
    print(
        f"newsdesk sigterm_in_storm rate={max(args.rates)} stop_seconds={stop_seconds:.1f} "
        f"exit={proc.returncode} owed={len(owed)} saved={len(saved)} lost={lost}",
        flush=True,
    )
    return steps, stop_seconds, lost


async def run_peer(bench: Bench, args: argparse.Namespace) -> list[Step]:
    """The same sweep against a bare aiogram bot."""
    peer_log = bench.workdir / "peer.log"
    with peer_log.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bench" / "peer_aiogram.py"),
            "--api",
            bench.fake.url,
            "--token",
            TOKEN,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        await bench.until(
            lambda: asyncio.to_thread(lambda: "peer polling" in peer_log.read_text()),
            "peer polling",
            60,
            proc,
        )
        await bench.until(lambda: bench.ask("long_polls"), "peer long poll", 30, proc)
        return await sweep(bench, "peer", proc.pid, args, store=False)
    finally:
        await stop_process(proc, 10)


async def main(args: argparse.Namespace) -> None:
    """Both sweeps on one fake; prints a line per step and the summary last."""
    fake = RemoteFake(TOKEN, CHANNEL_ID, CHANNEL, args.callback_age)
    try:
        with tempfile.TemporaryDirectory(prefix="burst-") as tmp:
            bench = Bench(fake, Path(tmp))
            driver0 = time.process_time()
            wall0 = time.monotonic()
            steps, stop_seconds, lost = await run_newsdesk(bench, args)
            peer_steps = await run_peer(bench, args)
            driver_pct = (time.process_time() - driver0) / (time.monotonic() - wall0) * 100
    finally:
        fake.close()
    ours, theirs = capacity(steps), capacity(peer_steps)
    best = max(steps, key=lambda s: s.answered_per_s)
    overload = next((s for s in steps if s.offered >= 2 * ours), None) if ours else None
    at_400 = next((s for s in steps if s.offered == 400), None)
    fake_pct = max(s.fake_cpu_pct for s in steps + peer_steps)
    print(f"driver_cpu_pct={driver_pct:.0f} (the bench's own process, % of one core)")
    print(
        f"capacity_per_s={ours:.1f} peer_capacity_per_s={theirs:.1f} "
        f"peer_ratio={(ours / theirs if theirs else 0):.2f} "
        f"overload_ratio={f'{overload.answered_per_s / ours:.2f}' if overload else 'n/a'} "
        f"toast_p99_ms_at_400={f'{at_400.toast_p99_ms:.0f}' if at_400 else 'n/a'} "
        f"cpu_ms_per_press={best.cpu_ms_per_press:.2f} lost={lost} "
        f"stop_seconds={stop_seconds:.1f} fake_cpu_pct={fake_pct:.0f}"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Flags; --quick is a short sweep for the test that runs this end to end."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", help="offered presses/s, a list (default 200,400,800,1600)")
    parser.add_argument("--seconds", type=float, help="storm length per rate (default 10)")
    parser.add_argument("--drain", type=float, default=8.0, help="max wait for answers after")
    parser.add_argument(
        "--callback-age", type=float, default=15.0, help="the fake refuses answers older than this"
    )
    parser.add_argument("--quick", action="store_true", help="rates 100,200 for 1.5 s each")
    # Issue 16's setups (bench/burst_scale.py); without these flags, newsdesk against the peer.
    parser.add_argument(
        "--scale", action="store_true", help="SQLite polling, 1 and 2 PostgreSQL webhook workers"
    )
    parser.add_argument("--webhook", action="store_true", help="updates by webhook, not polling")
    parser.add_argument("--workers", type=int, default=1, help="newsdesk run processes (webhook)")
    parser.add_argument("--store", help="a PostgreSQL server URL; the bench makes a database")
    parser.add_argument(
        "--toast-budget-ms",
        type=float,
        default=1000.0,
        help="a scaled step is met only with its toast p99 within this (default 1000)",
    )
    parser.add_argument(
        "--profile", type=Path, help="a folder: run each worker under cProfile, stats there"
    )
    args = parser.parse_args(argv)
    if args.profile is not None and not args.profile.is_dir():
        parser.error(f"--profile {args.profile}: not a folder")
    args.scaled = args.scale or args.webhook or args.store is not None or args.workers != 1
    if args.scaled:
        from bench.burst_scale import check  # here: it imports this module

        check(parser, args)
        if args.rates is None:  # stepped up to each setup's limit (bench/burst_limit.py)
            from bench.burst_limit import LIMIT_RATES

            args.rates, args.seconds = LIMIT_RATES, args.seconds or 5.0
    if args.quick:
        args.rates, args.seconds, args.drain = "100,200", 1.5, 3.0
    args.rates = args.rates or "200,400,800,1600"
    args.seconds = args.seconds or 10.0
    try:
        args.rates = [int(r) for r in str(args.rates).split(",")]
    except ValueError:
        parser.error("--rates takes whole numbers separated by commas, e.g. 200,400")
    if not args.rates or min(args.rates) <= 0 or args.seconds <= 0:
        parser.error("rates and seconds must be positive")
    return args


def entry(args: argparse.Namespace) -> None:
    """The issue-16 setups when asked for, else newsdesk against the aiogram peer."""
    if args.scaled:
        from bench import burst_scale  # here: it imports this module

        asyncio.run(burst_scale.main(args))
    else:
        asyncio.run(main(args))


if __name__ == "__main__":
    entry(parse_args())
