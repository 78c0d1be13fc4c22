"""PostgreSQL's side of bench/burst.py --scale: its CPU from /proc, its commits from its stats.

A bench whose database server is the bottleneck, or whose cost is left out, measures half of the
desk. The server runs on the same two cores as the workers, the fake and the driver, so its CPU
is read the way theirs is (utime + stime from /proc/PID/stat), split in two:

- **backends**: the server processes serving the bench's own database (their command line names
  it: `postgres: 15/main: postgres burst_123_pg_webhook1 127.0.0.1(5432) idle`) — the workers'
  connections, and the driver's few reads while a step drains;
- **shared**: the postmaster and its helpers (WAL writer, checkpointer, background writer, …),
  which write the WAL the bench's commits make — but also that of anything else using the
  server at the time (other test runs on a shared machine), so the figure is an upper bound.

Backends of other databases are left out. A backend that exits between two samples keeps the CPU
last read for it, so the process table is read every `EVERY` seconds while a step runs.

Writes are counted by PostgreSQL itself: `pg_stat_database.xact_commit` (and rows inserted,
updated, deleted) of the bench's database. A backend reports its counts about once a second
while busy and as late as ten seconds after it goes idle, but always when it exits, so the bench
reads them once before its steps and once after every worker has exited.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

CLK_TCK = os.sysconf("SC_CLK_TCK")
EVERY = 0.25  # seconds between reads of the process table while a step runs
# A backend's title: `postgres: [cluster: ]user database client(port) activity`.
BACKEND = re.compile(r"^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])")
# Per-database helpers that are not client backends; left out unless they name the bench's.
WORKER = re.compile(
    r"^postgres: (?:\S+: )?(?:autovacuum worker|parallel worker|logical replication \w* ?worker)"
)


def _cpu(pid: int) -> float | None:
    """utime + stime of `pid` in seconds, or None when it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _kind(pid: int, database: str) -> str | None:
    """ "backend" (serves `database`), "shared" (the server's own), None (not ours / not PG)."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
            return None
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except (OSError, UnicodeDecodeError):
        return None
    backend = BACKEND.match(title)
    if backend is not None:
        return "backend" if backend.group(1) == database else None
    if WORKER.match(title):
        return "backend" if f" {database}" in title else None
    return "shared"


@dataclass
class PgCpu:
    """CPU seconds of the server's processes for one database, over a window of samples."""

    database: str
    peak_backends: int = 0  # most backends of the database alive at one sample
    _kinds: dict[int, str | None] = field(default_factory=dict, repr=False)
    _start: dict[int, float] = field(default_factory=dict, repr=False)
    _last: dict[int, float] = field(default_factory=dict, repr=False)
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _sample(self, opening: bool = False) -> None:
        with self._lock:  # the background read runs on a thread; `close` reads on the loop's
            self._read(opening)

    def _read(self, opening: bool) -> None:
        alive = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            if pid not in self._kinds:  # a pid is classified once; titles change, names don't
                self._kinds[pid] = _kind(pid, self.database)
            kind = self._kinds[pid]
            if kind is None:
                continue
            used = _cpu(pid)
            if used is None:
                continue
            if opening:
                self._start[pid] = used
            self._last[pid] = used
            alive += kind == "backend"
        self.peak_backends = max(self.peak_backends, alive)

    async def _every(self) -> None:
        while True:
            await asyncio.sleep(EVERY)
            await asyncio.to_thread(self._sample)

    def open(self) -> None:
        """Start the window: read every process now, then keep reading in the background."""
        self._start.clear()
        self._last.clear()
        self.peak_backends = 0
        self._sample(opening=True)
        self._task = asyncio.get_running_loop().create_task(self._every())

    def read(self) -> tuple[float, float]:
        """CPU seconds since `open`, now: (the database's backends, the server's shared).

        A process born inside the window counts from zero (a backend's whole life was ours)."""
        totals = {"backend": 0.0, "shared": 0.0}
        with self._lock:
            self._read(opening=False)
            for pid, last in self._last.items():
                kind = self._kinds.get(pid)
                if kind is not None:
                    totals[kind] += last - self._start.get(pid, 0.0)
        return totals["backend"], totals["shared"]

    def close(self) -> tuple[float, float]:
        """End the window: the last `read`."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        return self.read()


@dataclass(frozen=True)
class DbCounters:
    """What `pg_stat_database` says one database has done so far."""

    commits: int = 0
    rows_written: int = 0  # inserted + updated + deleted

    def __sub__(self, earlier: DbCounters) -> DbCounters:
        return DbCounters(self.commits - earlier.commits, self.rows_written - earlier.rows_written)


async def db_counters(server: str, database: str) -> DbCounters:
    """The commits and row writes of `database`, asked of `server` (the driver's connection is
    to the server's own database, so it adds nothing to the counts)."""
    conn = await asyncpg.connect(server)
    try:
        row = await conn.fetchrow(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted AS written"
            " FROM pg_stat_database WHERE datname = $1",
            database,
        )
    finally:
        with contextlib.suppress(Exception):
            await conn.close()
    if row is None:
        return DbCounters()
    return DbCounters(int(row["xact_commit"]), int(row["written"]))


def machine_busy_s() -> float:
    """CPU seconds the whole machine has been busy (every core, every process), /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK
