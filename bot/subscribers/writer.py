"""Group commit for subscriber writes: ⭐ presses share short transactions, sightings wait.

Every aiosqlite call is a hop to its thread (~70 µs, far more when the event loop is busy and
the thread must wait for the GIL) and every commit costs more, so one transaction per ⭐ press
would make the store the bottleneck of a busy channel. Instead each press joins a queue; one
writer task takes everything queued, writes it in one transaction (BEGIN, one upsert for the
whole batch, COMMIT; written again if PostgreSQL rolls it back) and only *after the commit*
answers each press — a toast saying "Saved" is never ahead of the database. Under load the
batches grow by themselves; when idle a press waits for nobody.

Sightings (who was seen when, in which language) are not worth a write of their own: they are
kept in memory, one per user, and written every few seconds and on close.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import Sighting
from bot.domain.errors import WriteConflictError
from storage.database import Database
from storage.favorites import FavoriteRepository, Pair
from storage.users import UserRepository

logger = logging.getLogger(__name__)

MAX_BATCH = 500
# A batch locks its rows in (user, article) order, so two workers' batches never deadlock each
# other; another transaction taking the same rows in another order still may (the site's, say),
# and PostgreSQL then rolls one of them back: the batch is written again, up to this often.
WRITE_ATTEMPTS = 3
SIGHTING_FLUSH_SECONDS = 5.0


class FavoriteOutcome(enum.Enum):
    """What a ⭐ press or a save did."""

    SAVED = "saved"
    REMOVED = "removed"
    UNAVAILABLE = "unavailable"


class _Kind(enum.Enum):
    TOGGLE = "toggle"
    SAVE = "save"
    REMOVE = "remove"


@dataclass
class _Request:
    kind: _Kind
    pair: Pair
    done: asyncio.Future[FavoriteOutcome] = field(repr=False)


class SubscriberWriter:
    """Queues favorite changes and sightings; one task writes them in batches."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        *,
        flush_seconds: float = SIGHTING_FLUSH_SECONDS,
    ) -> None:
        self._db = db
        self._clock = clock
        self._flush_seconds = flush_seconds
        self._queue: deque[_Request] = deque()
        self._sightings: dict[int, Sighting] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._sightings_due = 0.0

    async def toggle(self, user_id: int, article_id: int) -> FavoriteOutcome:
        """Remove the favorite if saved, else save it (if the article is available)."""
        return await self._submit(_Kind.TOGGLE, (user_id, article_id))

    async def save(self, user_id: int, article_id: int) -> FavoriteOutcome:
        """Save the favorite (already saved counts as saved)."""
        return await self._submit(_Kind.SAVE, (user_id, article_id))

    async def remove(self, user_id: int, article_id: int) -> FavoriteOutcome:
        """Remove the favorite; REMOVED whether or not it was saved."""
        return await self._submit(_Kind.REMOVE, (user_id, article_id))

    def seen(self, sighting: Sighting) -> None:
        """Remember a sighting; it is written with the next batch (one row per user)."""
        known = self._sightings.get(sighting.user_id)
        if known is not None:  # merge: what either sighting learned is kept
            sighting = Sighting(
                sighting.user_id,
                sighting.language_code or known.language_code,
                max(sighting.at, known.at),
                sighting.reachable or known.reachable,
            )
        self._sightings[sighting.user_id] = sighting
        self._ensure_task()

    async def close(self) -> None:
        """Write everything still queued, then stop the writer task."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self._flush()  # sightings recorded after the task ended

    async def _submit(self, kind: _Kind, pair: Pair) -> FavoriteOutcome:
        if self._closing:
            raise RuntimeError("the subscriber writer is closed")
        done: asyncio.Future[FavoriteOutcome] = asyncio.get_running_loop().create_future()
        self._queue.append(_Request(kind, pair, done))
        self._ensure_task()
        self._wake.set()
        return await done

    def _ensure_task(self) -> None:
        if self._task is None and not self._closing:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="sub-writer")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        self._sightings_due = loop.time() + self._flush_seconds
        while True:
            if not self._queue:
                if self._closing:
                    break
                self._wake.clear()
                timeout = max(0.0, self._sightings_due - loop.time())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
            if loop.time() >= self._sightings_due:
                self._sightings_due = loop.time() + self._flush_seconds
                await self._write_sightings()
            await self._flush()

    async def _flush(self) -> None:
        batch = self._take_batch()
        if not batch:
            if self._closing:
                await self._write_sightings()
            return
        try:
            outcomes = await self._write(batch)
        except Exception as exc:
            logger.exception("writing %d favorite changes failed", len(batch))
            for request in batch:
                if not request.done.done():
                    request.done.set_exception(exc)
            return
        for request, outcome in zip(batch, outcomes, strict=True):
            if not request.done.done():  # the presser may have been cancelled meanwhile
                request.done.set_result(outcome)

    async def _write_sightings(self) -> None:
        sightings = list(self._sightings.values())
        self._sightings.clear()
        if not sightings:
            return
        try:
            async with self._db.write() as conn:
                await UserRepository(conn).record_seen(sightings)
        except Exception:  # a lost last-seen time is not worth failing anything for
            logger.exception("recording %d user sightings failed", len(sightings))

    def _take_batch(self) -> list[_Request]:
        """Up to MAX_BATCH requests, each pair at most once (a repeat waits for the next batch)."""
        batch: list[_Request] = []
        deferred: list[_Request] = []
        pairs: set[Pair] = set()
        while self._queue and len(batch) < MAX_BATCH:
            request = self._queue.popleft()
            if request.pair in pairs:
                deferred.append(request)
            else:
                pairs.add(request.pair)
                batch.append(request)
        self._queue.extendleft(reversed(deferred))
        return batch

    async def _write(self, batch: list[_Request]) -> list[FavoriteOutcome]:
        now = self._clock()
        toggles = [r.pair for r in batch if r.kind is _Kind.TOGGLE]
        saves = [r.pair for r in batch if r.kind is _Kind.SAVE]
        removals = [r.pair for r in batch if r.kind is _Kind.REMOVE]
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                async with self._db.write() as conn:
                    states = await FavoriteRepository(conn).change(
                        toggle=toggles, save=saves, remove=removals, now=now
                    )
                break
            except WriteConflictError:
                if attempt == WRITE_ATTEMPTS:
                    raise
                logger.warning(
                    "PostgreSQL rolled back a batch of %d favorite changes (try %d of %d): "
                    "writing it again",
                    len(batch),
                    attempt,
                    WRITE_ATTEMPTS,
                )
        return [_outcome(r, states) for r in batch]


def _outcome(request: _Request, states: dict[Pair, bool]) -> FavoriteOutcome:
    if request.kind is _Kind.REMOVE:
        return FavoriteOutcome.REMOVED
    state = states.get(request.pair)
    if state is None:
        return FavoriteOutcome.UNAVAILABLE
    return FavoriteOutcome.SAVED if state else FavoriteOutcome.REMOVED
