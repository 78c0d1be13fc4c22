"""bench/burst.py --scale's sweep to each setup's limit, and what each party's CPU was.

A sweep whose every step is met says only "at least this much". So a scaled run steps the
offered rate up (`LIMIT_RATES`: 400, 800, 1200, … by default) and stops a setup at its first step
not met; its capacity_per_s is the highest offered rate fully met. A step is met when:

- the fake made its presses at the offered rate (otherwise the step measured the fake);
- every press was answered, none refused as too old or past 5 s (Telegram's hard limit; the
  bot drops an answer it cannot send in time, so a dropped one is an unanswered one);
- the toast p99 is within `--toast-budget-ms` (1,000 ms by default). A 5-s storm hides an
  overload from the 5-s limit alone: a bot answering 70 % of the offered rate ends a 5-s storm
  with its backlog about 1.5 s old, every press still "in time". A p99 within a second says the
  bot kept up with the storm, not that the storm ended before the backlog expired.

Beside the bot's CPU (every worker, /proc) each step reports the others' on the same two cores,
so a limit can be told apart from a bench that starved itself: the fake (Telegram, its own
process), the driver (this process: the probes and, for two workers, the round-robin proxy),
PostgreSQL (bench/burst_pg.py: the bench database's backends plus the server's shared
processes), and everything else the machine ran meanwhile (other work on a shared machine).

carried_share: of a step's ⭐ answers, those that rode in the webhook's HTTP reply (the fake
records them `via_reply`) rather than going as an answerCallbackQuery request of their own.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import astuple, dataclass
from pathlib import Path

from bench.burst import Bench, Step, cpu_seconds
from bench.burst_fake import RemoteFake
from bench.burst_pg import DbCounters, PgCpu, machine_busy_s
from storage.database import Database
from storage.favorites import FavoriteRepository

LIMIT_RATES = "400,800,1200,1600,2000,2400,2800,3200"  # --scale's default sweep
MADE_SHARE = 0.95  # a storm made slower than this share of its rate measured the fake
TARGET_PER_S = 830  # the peak ⭐ rate to plan for
PAPER_WORKERS = 10  # issue 16: "10 workers on 5 machines"


@dataclass(frozen=True)
class Usage:
    """CPU seconds each party has used (and wall seconds), at one instant or between two."""

    bot: float = 0.0  # every worker of the setup
    fake: float = 0.0
    driver: float = 0.0  # this process: probes, counting, the proxy
    pg_backends: float = 0.0  # the bench database's backends
    pg_shared: float = 0.0  # the server's own processes (WAL writer, …)
    machine: float = 0.0  # every process on every core (/proc/stat)
    wall: float = 0.0

    def __sub__(self, earlier: Usage) -> Usage:
        return Usage(*(a - b for a, b in zip(astuple(self), astuple(earlier), strict=True)))

    @property
    def pg(self) -> float:
        return self.pg_backends + self.pg_shared

    @property
    def other(self) -> float:
        """What the rest of the machine used meanwhile (other work on a shared machine)."""
        return max(0.0, self.machine - self.bot - self.fake - self.driver - self.pg)


class ScaleBench(Bench):
    """A `Bench` that meters every party over each step (the storm, then storm and drain), and
    keeps one store connection for counting saves (one backend, not one per count)."""

    def __init__(self, fake: RemoteFake, workdir: Path, name: str, *, webhook: bool) -> None:
        super().__init__(fake, workdir)
        self.name, self.webhook = name, webhook
        self.pg: PgCpu | None = None  # set for a PostgreSQL setup
        self.pids: list[int] = []  # the workers
        self._db: Database | None = None
        self._opened = Usage()
        self.storm = Usage()  # over the storm: the load as offered
        self.window = Usage()  # over the storm and the drain: what the presses cost

    def usage(self) -> Usage:
        """Every party's CPU now (PostgreSQL's since its meter opened)."""
        pg = self.pg.read() if self.pg is not None else (0.0, 0.0)
        bot, fake = sum(map(cpu_seconds, self.pids)), cpu_seconds(self.fake.pid)
        return Usage(bot, fake, time.process_time(), *pg, machine_busy_s(), time.monotonic())

    def window_opened(self) -> None:
        if self.pg is not None:
            self.pg.open()
        self._opened = self.usage()

    def storm_ended(self) -> None:
        self.storm = self.usage() - self._opened

    def window_closed(self) -> None:
        self.window = self.usage() - self._opened
        if self.pg is not None:
            self.pg.close()

    async def savers(self) -> set[int]:
        if self.pg is None:  # SQLite: open per count, as the base bench does
            return await super().savers()
        if self._db is None:
            self._db = await Database.open(self.storage, run_migrations=False)
        return set(await FavoriteRepository(self._db.store).savers(self.article_id))

    async def close_store(self) -> None:
        """Close the counting connection (its backend exits, so its stats are flushed)."""
        if self._db is not None:
            await self._db.close()
            self._db = None


@dataclass
class Measured:
    """One step of a scaled setup: the base figures, every party's CPU, the answers' paths."""

    step: Step
    budget_ms: float
    storm: Usage
    window: Usage
    pg: bool = False  # a PostgreSQL setup
    pg_peak: int = 0  # most backends of the bench database open at once
    carried: int = 0
    sent: int = 0
    made_per_s: float = 0.0
    webhook: bool = False
    attempt: int = 1

    def per_press(self, seconds: float) -> float:
        """CPU seconds over the step's window as milliseconds per press."""
        return seconds * 1000 / max(1, self.step.presses)

    def pct(self, seconds: float) -> float:
        """CPU seconds over the storm as % of one core."""
        return seconds / max(self.storm.wall, 1e-9) * 100

    @property
    def carried_share(self) -> str:
        if not self.webhook:
            return "n/a"
        return f"{self.carried / max(1, self.carried + self.sent):.2f}"

    def shortfall(self) -> str | None:
        """Why the step was not fully met, or None when it was."""
        s = self.step
        if self.made_per_s < MADE_SHARE * s.offered:
            return "fake"  # the fake could not offer the rate: nothing above it is measured
        if s.unanswered:
            return "unanswered"
        if s.late:
            return "late"
        if s.toast_p99_ms > self.budget_ms:
            return "toast_p99"
        return None

    def line(self) -> str:
        """The base step line, then each party's CPU (per press over the window, % of a core
        during the storm) and whether the step was met."""
        w, st = self.window, self.storm
        pg = f"{self.per_press(w.pg):.2f}" if self.pg else "n/a"
        return (
            f"{self.step.line()} attempt={self.attempt} made_per_s={self.made_per_s:.0f} "
            f"carried_share={self.carried_share} "
            f"driver_cpu_ms_per_press={self.per_press(w.driver):.2f} "
            f"pg_cpu_ms_per_press={pg} "
            f"pg_shared_cpu_ms_per_press={self.per_press(w.pg_shared):.2f} "
            f"storm_cpu_pct=bot:{self.pct(st.bot):.0f},fake:{self.pct(st.fake):.0f},"
            f"driver:{self.pct(st.driver):.0f},pg:{self.pct(st.pg):.0f},"
            f"other:{self.pct(st.other):.0f} "
            f"met={self.shortfall() or 'yes'}"
        )


async def measured_step(
    bench: ScaleBench, number: int, rate: int, args: argparse.Namespace
) -> Measured:
    """Storm number `number` (of this setup's fake) at `rate`, with every party metered."""
    step = await bench.step(bench.name, bench.pids, rate, args.seconds, args.drain, store=True)
    figures = Measured(step, args.toast_budget_ms, bench.storm, bench.window)
    figures.carried, figures.sent = await bench.ask("answer_paths", number)
    created = sorted(row[1] for row in step.rows)
    span = created[-1] - created[0] if len(created) > 1 else 0.0
    figures.made_per_s = len(created) / (span + 1 / rate) if created else 0.0
    figures.webhook = bench.webhook
    if bench.pg is not None:
        figures.pg, figures.pg_peak = True, bench.pg.peak_backends
    return figures


async def sweep_to_limit(bench: ScaleBench, args: argparse.Namespace) -> list[Measured]:
    """Each offered rate in turn until one is not met, twice (a shared machine has moments when
    something else takes the cores; one bad step is not the setup's limit); then once the rate
    halfway between the last met and the first not met, for a finer limit. With --quick every
    rate once, whatever happens: its job is to run each step end to end, not to find a limit."""
    steps: list[Measured] = []

    async def run(rate: int, attempt: int = 1) -> Measured:
        measured = await measured_step(bench, len(steps), rate, args)
        measured.attempt = attempt
        print(measured.line(), flush=True)
        steps.append(measured)
        return measured

    met = 0
    for rate in args.rates:
        if (await run(rate)).shortfall() is None or args.quick:
            met = rate
            continue
        if (await run(rate, attempt=2)).shortfall() is None:
            met = rate
            continue
        halfway = round((met + rate) / 2 / 100) * 100
        if met < halfway < rate:
            await run(halfway)
        break
    return steps


@dataclass
class Outcome:
    """A setup's figures: its steps, and what the setup as a whole did."""

    name: str
    workers: int
    steps: list[Measured]
    lost: int
    stop_seconds: float
    writes: DbCounters | None = None  # PostgreSQL's counts over the setup; None for SQLite
    saved: int = 0  # presses stored over the setup (the writes' denominator)
    driver_connections: int = 0  # the bench's own, among the backends counted
    pool_size: int = 10

    @property
    def capacity(self) -> int:
        """The highest offered rate fully met (0 if none was)."""
        return max((m.step.offered for m in self.steps if m.shortfall() is None), default=0)

    @property
    def at_capacity(self) -> Measured:
        """The step met at capacity (its last attempt met), else the first step."""
        met = [m for m in self.steps if m.shortfall() is None and m.step.offered == self.capacity]
        return met[-1] if met else self.steps[0]

    @property
    def limited_by(self) -> str:
        """What the lowest rate above capacity missed (its last attempt): `top` if none was."""
        above = [m for m in self.steps if m.step.offered > self.capacity]
        if not above:
            return "top"
        lowest = min(m.step.offered for m in above)
        return [m for m in above if m.step.offered == lowest][-1].shortfall() or "top"

    def per_press(self, value: int) -> float:
        return value / max(1, self.saved)

    def summary(self) -> str:
        """The setup's `key=value` pairs, each key prefixed with the setup's name."""
        best = self.at_capacity
        pg = best.pg
        figures = {
            "capacity_per_s": str(self.capacity),
            "limited_by": self.limited_by,
            "toast_p99_ms": f"{best.step.toast_p99_ms:.0f}",
            "cpu_ms_per_press": f"{best.step.cpu_ms_per_press:.2f}",
            "fake_cpu_ms_per_press": f"{best.step.fake_cpu_ms_per_press:.2f}",
            "driver_cpu_ms_per_press": f"{best.per_press(best.window.driver):.2f}",
            "pg_cpu_ms_per_press": f"{best.per_press(best.window.pg):.2f}" if pg else "n/a",
            "pg_commits_per_press": (
                f"{self.per_press(self.writes.commits):.2f}" if self.writes else "n/a"
            ),
            "carried_share": best.carried_share,
            "lost": str(self.lost),
            "duplicates": str(sum(m.step.duplicates for m in self.steps)),
            "workers_for_830_per_s": str(
                math.ceil(TARGET_PER_S * best.step.cpu_ms_per_press / 1000)
            ),
            "cores_for_830_per_s": f"{TARGET_PER_S * cores_ms(best) / 1000:.2f}",
        }
        return " ".join(f"{self.name}_{key}={value}" for key, value in figures.items())


def cores_ms(best: Measured) -> float:
    """The desk's own CPU per press, ms: the bot's plus PostgreSQL's (the fake is Telegram)."""
    return best.step.cpu_ms_per_press + best.per_press(best.window.pg)


def on_paper(outcomes: list[Outcome]) -> str | None:
    """Issue 16's projection from the PostgreSQL setup with the most workers: what 10 workers on
    5 machines, answering `TARGET_PER_S` presses/s between them, need from PostgreSQL."""
    pg = [o for o in outcomes if o.writes is not None]
    if not pg:
        return None
    o = max(pg, key=lambda o: o.workers)
    assert o.writes is not None
    best = o.at_capacity
    peak = max(m.pg_peak for m in o.steps)
    per_worker = max(0, peak - o.driver_connections) / o.workers
    commits, rows = o.per_press(o.writes.commits), o.per_press(o.writes.rows_written)
    pg_ms = best.per_press(best.window.pg)
    return (
        f"on paper ({o.name}: {o.saved} presses saved, CPU at {best.step.offered}/s): "
        f"{PAPER_WORKERS} workers on 5 machines at {TARGET_PER_S} presses/s need from "
        f"PostgreSQL: connections={PAPER_WORKERS * o.pool_size} "
        f"(workers x pool_size {o.pool_size}; {per_worker:.1f} per worker open at peak here) "
        f"writes_per_s={commits * TARGET_PER_S:.0f} (committed transactions, "
        f"{commits:.2f} per press) rows_written_per_s={rows * TARGET_PER_S:.0f} "
        f"pg_cores={pg_ms * TARGET_PER_S / 1000:.2f} ({pg_ms:.2f} ms per press) "
        f"worker_cores={best.step.cpu_ms_per_press * TARGET_PER_S / 1000:.2f}"
    )
