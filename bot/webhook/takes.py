"""The webhook's dedupe, batched: the update ids of requests arriving together, in one write.

Each webhook request carries one update, and each must be recorded in the store before it is
handed on (bot/webhook/receiver.py says why). Recorded one by one, a storm of ⭐ presses costs
a write transaction per press — on PostgreSQL BEGIN, INSERT and COMMIT, three round trips and a
pooled connection held across them — beside the ⭐ writer's one batch for many presses: profiled
at 800 presses/s, it was the largest share of a webhook worker's CPU (bench/burst.py --profile).

So `take` is a group commit: a request's id joins a queue; if no write is under way one starts
at once (no waiting for company), and ids arriving while a write is under way go together in
the next. A lone request pays one task hop more than before; a storm pays a write per batch.
The guarantees are the single write's: each request learns what its id is (`Taken`: new, seen
or busy) only once the batch holding it is committed, and a failed batch fails every request in
it (each answers 503 and Telegram retries). The same id twice in one batch (a redelivery racing
the first) is new for the first request only; the second is busy, as a redelivery finding the
id taken by a live worker moments ago is (storage/webhook_updates.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection

from bot.domain.webhook import Taken

# Ids recorded per write at most: bounds one statement's size while a backlog drains.
MAX_BATCH = 1000

Record = Callable[[Collection[int]], Awaitable[dict[int, Taken]]]


class BatchedTake:
    """`take(update_id)` for many concurrent requests, written `record(ids)` a batch at a time."""

    def __init__(self, record: Record, *, max_batch: int = MAX_BATCH) -> None:
        self._record = record
        self._max_batch = max_batch
        self._queue: list[tuple[int, asyncio.Future[Taken]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def take(self, update_id: int) -> Taken:
        """What `update_id` is (new: taken by this call); raises if the write failed."""
        answer: asyncio.Future[Taken] = asyncio.get_running_loop().create_future()
        self._queue.append((update_id, answer))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_batches(), name="webhook-takes")
        return await answer

    async def _write_batches(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                await self._write(batch)
        finally:
            self._writer = None

    async def _write(self, batch: list[tuple[int, asyncio.Future[Taken]]]) -> None:
        try:
            taken = await self._record({update_id for update_id, _ in batch})
        except asyncio.CancelledError:  # the loop is closing: nobody waits in vain
            for _, answer in batch:
                answer.cancel()
            raise
        except Exception as exc:  # every request in the batch answers 503; Telegram retries
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(exc)
            return
        for update_id, answer in batch:
            outcome = taken[update_id]
            if outcome is Taken.NEW:  # a second request with the same id is being handed on
                taken[update_id] = Taken.BUSY
            if not answer.done():
                answer.set_result(outcome)
