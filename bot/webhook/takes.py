"""The webhook's dedupe, batched: the update ids of requests arriving together, in one write.

Each webhook request carries one update, and each must be recorded in the store before it is
handed on (bot/webhook/receiver.py says why). Recorded one by one, a storm of ⭐ presses costs
a write transaction per press — on PostgreSQL BEGIN, INSERT and COMMIT, three round trips and a
pooled connection held across them — beside the ⭐ writer's one batch for many presses: profiled
at 800 presses/s, it was the largest share of a webhook worker's CPU (bench/burst.py --profile).

So `take` is a group commit: a request's id joins a queue; if no write is under way one starts
at once (no waiting for company), and ids arriving while a write is under way go together in
the next. A lone request pays one task hop more than before; a storm pays a write per batch.
The guarantees are the single write's: each request learns whether its id is new only once
the batch holding it is committed, and a failed batch fails every request in it (each answers
503 and Telegram retries). The same id twice in one batch (a redelivery racing the first) is
new for the first request only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection

# Ids recorded per write at most: bounds one statement's size while a backlog drains.
MAX_BATCH = 1000

Record = Callable[[Collection[int]], Awaitable[set[int]]]


class BatchedTake:
    """`take(update_id)` for many concurrent requests, written `record(ids)` a batch at a time."""

    def __init__(self, record: Record, *, max_batch: int = MAX_BATCH) -> None:
        self._record = record
        self._max_batch = max_batch
        self._queue: list[tuple[int, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def take(self, update_id: int) -> bool:
        """Whether `update_id` is new (recorded now, by this call); raises if the write failed."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
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

    async def _write(self, batch: list[tuple[int, asyncio.Future[bool]]]) -> None:
        try:
            new = await self._record({update_id for update_id, _ in batch})
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
            fresh = update_id in new
            new.discard(update_id)  # a second request with the same id is not new
            if not answer.done():
                answer.set_result(fresh)
