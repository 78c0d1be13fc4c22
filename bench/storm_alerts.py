"""Benchmark: a ⭐ storm and a breaking-news alert fan-out at the same moment (issue 12).

Run from the repository root:

    .venv/bin/python bench/storm_alerts.py [--users 10000] [--alert-rate 1000] [--rates 400,800]

The scenario of a big story: the channel post gets a storm of ⭐ presses while the editors'
breaking news goes to every opted-in reader. Everything is a separate process over loopback, as
in bench/burst.py, whose harness this reuses (`Bench`, the fake in its own process making the
presses itself, the per-step figures): a real `newsdesk run` with `alerts.paid_broadcast = true`
and `alerts.max_per_second` = the alert rate; N subscribers opted in (in the store, before the
bot starts) and each with a private chat at the fake; the fake holding paid broadcasts to the
alert rate and everything else to Telegram's free 30/s (429 beyond).

Phases, one bot process throughout, each fan-out started by an editor as in production
(`/breaking <text>`, then Publish on the preview):
1. `alone`: the fan-out with no storm — the yardstick, measured in the same run;
2. per storm rate (400/s, then 800/s): the fake starts the storm, 1 s later the editor
   publishes; the storm lasts until about 1 s after the fan-out should end, so it covers it
   (`covered` says what share of the fan-out's span had presses arriving).

Per fan-out: alerts sent, achieved rate (alerts ÷ first-to-last send), ratio (achieved ÷ the
alert rate; target >= 0.95, the pacer's own ceiling is 0.97), 429s, the bot's and the fake's
CPU (% of one core over the fan-out). Per storm: bench/burst.py's step line (answered_per_s in
time, toast p50/p99, late, dropped, favorites_rows, /latest and an editor's /status p99).
At the end: dropped (the bot's own count of toasts dropped past their deadline, from the line
it logs as it stops), lost (presses confirmed or answered but not stored; target 0), driver CPU.

Last line: users, alert_rate, alert_ratio_alone, for each storm rate R alert_ratio_at_R,
answered_per_s_at_R, toast_p99_ms_at_R, then late, dropped, lost, alert_429s, bot_cpu_pct and
fake_cpu_pct (their highest over the fan-outs), driver_cpu_pct.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from bench.burst import (  # noqa: E402
    CHANNEL,
    CHANNEL_ID,
    EDITORS,
    FIRST_PRESSER,
    TOKEN,
    Bench,
    Step,
    cpu_seconds,
    stop_process,
)
from bench.burst_fake import PressRow, RemoteFake  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.users import UserRepository  # noqa: E402

FIRST_SUBSCRIBER = 2_000_000  # apart from the pressers (1,000,000 on) and the probes
BREAKERS = [4300 + n for n in range(10)]  # one editor per fan-out: none meets the flood guard
FREE_PER_SECOND = 30  # Telegram's overall limit for what is not a paid broadcast
LEAD = 1.0  # the storm runs this long before Publish is pressed
TAIL = 1.0  # and this long past the fan-out's expected end
FINISHED = "Alert finished"  # the editor's summary (catalogue key alert_finished, English)


@dataclass
class FanOut:
    """One alert fan-out's figures."""

    label: str
    sent: int = 0
    span: float = 0.0
    achieved: float = 0.0
    ratio: float = 0.0
    alert_429s: int = 0
    bot_cpu_pct: float = 0.0
    fake_cpu_pct: float = 0.0
    covered: str = "n/a"
    summary: str = ""
    first: float = 0.0
    last: float = 0.0

    def line(self) -> str:
        """The fan-out's printed figures."""
        return (
            f"fanout {self.label} sent={self.sent} seconds={self.span:.2f} "
            f"achieved_per_s={self.achieved:.1f} alert_ratio={self.ratio:.3f} "
            f"alert_429s={self.alert_429s} bot_cpu_pct={self.bot_cpu_pct:.0f} "
            f"fake_cpu_pct={self.fake_cpu_pct:.0f} covered={self.covered} "
            f"editor_told={self.summary!r}"
        )


class StormBench(Bench):
    """bench/burst.py's harness with alerts on, subscribers and editors who publish."""

    admins = (*EDITORS, *BREAKERS)

    def __init__(self, fake: RemoteFake, workdir: Path, users: int, alert_rate: int) -> None:
        super().__init__(fake, workdir)
        self.users, self.alert_rate = users, alert_rate
        self.alerts_toml = (
            f"[alerts]\nenabled = true\npaid_broadcast = true\nmax_per_second = {alert_rate}\n"
        )
        self.fan_outs = 0

    async def subscribe(self) -> None:
        """Every subscriber opted in, written to the store before the bot starts."""
        db = await Database.open(self.db_path)
        try:
            async with db.write() as conn:
                repo = UserRepository(conn)
                now = datetime.now(UTC)
                for user_id in range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + self.users):
                    await repo.set_alerts(user_id, True, now=now)
        finally:
            await db.close()

    async def fan_out(self, label: str, pid: int) -> FanOut:
        """An editor publishes breaking news; wait for their summary; read the alerts sent."""
        figures = FanOut(label)
        editor = BREAKERS[self.fan_outs % len(BREAKERS)]
        self.fan_outs += 1
        text = f"/breaking Storm and alerts, story {self.fan_outs} ({label})"
        mark, _ = await self.ask("send", editor, text)
        message_id, rows = await self.until(
            lambda: self.ask("buttons_after", mark, editor), "breaking preview", 30
        )
        before_429 = await self.ask("count_429")
        cpu0, fake0, t0 = cpu_seconds(pid), cpu_seconds(self.fake.pid), time.monotonic()
        mark, _ = await self.ask("press", editor, editor, message_id, rows[-1][0])  # Publish
        cursor, deadline = mark, time.monotonic() + self.users / self.alert_rate * 4 + 30
        while True:
            told, cursor = await self.ask("text_after", cursor, editor, FINISHED)
            if told is not None:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"storm_alerts: no '{FINISHED}' for the {label} fan-out")
            await asyncio.sleep(0.25)
        cpu1, fake1, t1 = cpu_seconds(pid), cpu_seconds(self.fake.pid), time.monotonic()
        times: list[float] = await self.ask("sends_between", mark, FIRST_SUBSCRIBER, self.users)
        figures.sent = len(times)
        if len(times) > 1:
            figures.first, figures.last = min(times), max(times)
            figures.span = figures.last - figures.first
            figures.achieved = (len(times) - 1) / figures.span
            figures.ratio = figures.achieved / self.alert_rate
        figures.alert_429s = await self.ask("count_429") - before_429
        figures.bot_cpu_pct = (cpu1 - cpu0) / (t1 - t0) * 100
        figures.fake_cpu_pct = (fake1 - fake0) / (t1 - t0) * 100
        figures.summary = told.splitlines()[-1]
        return figures

    async def alone(self, pid: int) -> FanOut:
        """The fan-out with no storm, /latest and /status probed as in a storm step."""
        stop = asyncio.Event()
        latest: list[float] = []
        editor: list[float] = []
        probing = asyncio.create_task(self.probes(stop, latest, editor))
        try:
            return await self.fan_out("alone", pid)
        finally:
            stop.set()
            await probing

    async def together(self, pid: int, rate: int, drain: float) -> tuple[Step, FanOut]:
        """A storm at `rate`/s and, `LEAD` s into it, the fan-out; the storm outlasts it."""
        seconds = LEAD + self.users / (self.alert_rate * 0.95) + TAIL
        storm = asyncio.create_task(self.step("newsdesk", pid, rate, seconds, drain, store=True))
        await asyncio.sleep(LEAD)
        fan = await self.fan_out(f"with_storm_{rate}", pid)
        step = await storm
        made = [row[1] for row in step.rows]
        if made and fan.span > 0:
            inside = min(fan.last, max(made)) - max(fan.first, min(made))
            fan.covered = f"{max(0.0, inside) / fan.span:.2f}"
        return step, fan


async def start_bot(bench: StormBench) -> asyncio.subprocess.Process:
    """The story imported, subscribers opted in, then `newsdesk run` until its post is up."""
    config = bench.write_config()
    bench.seed(config)
    await bench.subscribe()
    await bench.ask("open_chats", FIRST_SUBSCRIBER, bench.users)
    started = time.monotonic()
    with bench.log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "bot", "--config", str(config), "run"),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    bench.post = await bench.until(
        lambda: bench.ask("post_with_button"), "channel post with ⭐", 60, proc
    )
    bench.article_id = int(bench.post[1].split(":")[1])
    print(f"newsdesk up and posted in {time.monotonic() - started:.1f} s", flush=True)
    return proc


async def lost_presses(bench: StormBench, storms: int) -> int:
    """Presses the bot confirmed to the fake or answered, but did not store."""
    rows: list[PressRow] = []
    for number in range(storms):
        rows.extend(await bench.ask("presses", number))
    saved = {u for u in await bench.savers() if u >= FIRST_PRESSER}
    owed = {r[0] for r in rows if r[4] or (r[2] is not None and not r[3])}
    return len(owed - saved)


async def main(args: argparse.Namespace) -> None:
    """The fan-out alone, then with each storm; one line per phase, the summary last."""
    fake = RemoteFake(TOKEN, CHANNEL_ID, CHANNEL, args.callback_age)
    try:
        with tempfile.TemporaryDirectory(prefix="storm-alerts-") as tmp:
            bench = StormBench(fake, Path(tmp), args.users, args.alert_rate)
            driver0, wall0 = time.process_time(), time.monotonic()
            proc = await start_bot(bench)
            try:
                await bench.ask("limit_global_rate", FREE_PER_SECOND, args.alert_rate)
                fans = [await bench.alone(proc.pid)]
                print(fans[0].line(), flush=True)
                steps: list[Step] = []
                for rate in args.rates:
                    step, fan = await bench.together(proc.pid, rate, args.drain)
                    print(step.line(), flush=True)
                    print(fan.line(), flush=True)
                    steps.append(step)
                    fans.append(fan)
            finally:
                await stop_process(proc, 10)
            dropped = bench.dropped_total()  # the bot's final count, logged as it stops
            lost = await lost_presses(bench, len(args.rates))
            driver_pct = (time.process_time() - driver0) / (time.monotonic() - wall0) * 100
    finally:
        fake.close()
    print(f"driver_cpu_pct={driver_pct:.0f} (the bench's own process, % of one core)")
    per_rate = " ".join(
        f"alert_ratio_at_{s.offered}={f.ratio:.3f} answered_per_s_at_{s.offered}="
        f"{s.answered_per_s:.1f} toast_p99_ms_at_{s.offered}={s.toast_p99_ms:.0f}"
        for s, f in zip(steps, fans[1:], strict=True)
    )
    print(
        f"users={args.users} alert_rate={args.alert_rate} alert_ratio_alone={fans[0].ratio:.3f} "
        f"{per_rate} late={sum(s.late for s in steps)} "
        f"dropped={'n/a' if dropped is None else dropped} "
        f"lost={lost} alert_429s={sum(f.alert_429s for f in fans)} "
        f"bot_cpu_pct={max(f.bot_cpu_pct for f in fans):.0f} "
        f"fake_cpu_pct={max(f.fake_cpu_pct for f in fans):.0f} driver_cpu_pct={driver_pct:.0f}"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Flags; --quick is a small run for the test that runs this end to end."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000, help="opted-in subscribers")
    parser.add_argument("--alert-rate", type=int, default=1000, help="alerts.max_per_second")
    parser.add_argument("--rates", default="400,800", help="offered ⭐ presses/s, a list")
    parser.add_argument("--drain", type=float, default=8.0, help="max wait for answers after")
    parser.add_argument(
        "--callback-age", type=float, default=15.0, help="the fake refuses answers older than this"
    )
    parser.add_argument("--quick", action="store_true", help="500 users at 500/s, a 100/s storm")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.alert_rate, args.rates, args.drain = 500, 500, "100", 3.0
    try:
        args.rates = [int(r) for r in str(args.rates).split(",")]
    except ValueError:
        parser.error("--rates takes whole numbers separated by commas, e.g. 400,800")
    if not args.rates or min(args.rates) <= 0 or args.users < 2:
        parser.error("rates must be positive and --users at least 2")
    if not FREE_PER_SECOND < args.alert_rate <= 1000:
        parser.error("--alert-rate is a paid broadcast's: above 30 and at most 1000")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
