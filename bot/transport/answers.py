"""The answer lane: toasts for ⭐ presses, in time or not at all.

Telegram refuses an answer to a callback query some seconds after the press ("query is too old
and response timeout expired"), and a toast that comes late is worth nothing to the reader, whose
save is stored either way. So answers wait in a bounded queue with a deadline each; a few workers
send them, and an answer whose deadline has passed by the time a worker takes it is dropped,
counted, never sent. While the lane keeps up it answers in order; once the oldest answer waiting
is more than `LIFO_AFTER_SECONDS` old, it answers the newest first (adaptive LIFO): under overload
earliest-deadline-first would spend every send on answers about to expire (a domino of late
toasts), while the newest presses are the ones that surely still make it. The lane therefore
keeps answering at its full rate presses that can still be answered, instead of a growing backlog
that Telegram would refuse.

The wire is lean on purpose (JSON bytes in, three fields of the answer read): the lane's
requests do not pass through python-telegram-bot's `Bot`, which would build and parse objects
nobody reads (~1 ms of CPU per answer at storm rates). Only `in_flight` requests are ever inside
aiohttp's pool, so nothing queues there either.

In webhook mode a press's answer may instead ride in the HTTP reply to the webhook request that
brought the press (Telegram runs one Bot API call given there): the webhook server `carry`s a
slot for the query before handing the press on, and an answer made while the slot is open fills
it instead of the queue; a slot closed unfilled (the handler was slower than the reply may wait)
leaves the answer to the queue. Telegram says nothing back about a call carried in a reply, so
those answers are counted apart (`carried`), not as `answered`.

Callback answers are not messages: they do not count against the ~30 messages/s broadcast limit,
so the lane does not pass through the bot's rate limiter; a 429 still holds the whole lane for its
`retry_after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from bot.transport.proxy import proxy_for

logger = logging.getLogger("bot.intake")

ANSWER_DEADLINE_SECONDS = 5.0
LIFO_AFTER_SECONDS = 1.0
IN_FLIGHT = 32
MAX_QUEUED = 20_000
REPORT_EVERY_SECONDS = 10.0
_JSON = {"Content-Type": "application/json"}
_TOO_OLD = "query is too old"


@dataclass
class AnswerCounts:
    """What became of the answers: logged, and exported by `bot.metrics` (read at scrape)."""

    answered: int = 0
    late: int = 0  # sent, and refused by Telegram as too old
    dropped: int = 0  # past the deadline (or the queue full): never sent on purpose
    failed: int = 0  # refused for another reason, or the network failed
    carried: int = 0  # given in a webhook reply: Telegram confirms nothing

    def line(self) -> str:
        return (
            f"press answers: answered={self.answered} late={self.late} "
            f"dropped={self.dropped} failed={self.failed} carried={self.carried}"
        )


@dataclass(frozen=True, slots=True)
class _Answer:
    deadline: float
    body: bytes


class AnswerLane:
    """Bounded, prioritised, deadline-aware `answerCallbackQuery` sender."""

    def __init__(
        self,
        api_url: str,
        *,
        in_flight: int = IN_FLIGHT,
        max_queued: int = MAX_QUEUED,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = f"{api_url}/answerCallbackQuery"
        self._proxy = proxy_for(api_url)
        self._in_flight = in_flight
        self._max_queued = max_queued
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock
        # Oldest on the left. Every answer has the same time to live, so this is also
        # deadline order.
        self._queue: deque[_Answer] = deque()
        self._ready = asyncio.Event()
        self._idle = asyncio.Event()  # nothing queued and nothing in flight
        self._busy = 0
        self._resume_at = 0.0  # a 429 holds the lane until then
        self._session: aiohttp.ClientSession | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._slots: dict[str, asyncio.Future[dict[str, object]]] = {}
        self._reporter: asyncio.Task[None] | None = None
        self.counts = AnswerCounts()
        self._reported = ""

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._in_flight),
            timeout=self._timeout,
            skip_auto_headers=("User-Agent",),
        )
        self._workers = [asyncio.create_task(self._work()) for _ in range(self._in_flight)]
        self._reporter = asyncio.create_task(self._report())

    def answer(
        self,
        query_id: str,
        text: str | None = None,
        *,
        received_at: float,
    ) -> None:
        """Queue an answer due `ANSWER_DEADLINE_SECONDS` after the press reached the bot.

        If a webhook reply waits for it (`carry`), it goes there instead.
        """
        payload: dict[str, object] = {"callback_query_id": query_id}
        if text:
            payload["text"] = text
        slot = self._slots.pop(query_id, None)
        if slot is not None and not slot.done():
            slot.set_result(payload)
            self.counts.carried += 1
            return
        if self._session is None or len(self._queue) >= self._max_queued:
            self.counts.dropped += 1
            return
        body = json.dumps(payload, ensure_ascii=False).encode()
        deadline = received_at + ANSWER_DEADLINE_SECONDS
        self._queue.append(_Answer(deadline, body))
        self._idle.clear()
        self._ready.set()

    def carry(self, query_id: str) -> asyncio.Future[dict[str, object]]:
        """A slot the answer to `query_id` fills (its parameters) if it comes while open.

        The caller cancels it to close it; an answer made after that is queued as usual.
        """
        slot: asyncio.Future[dict[str, object]] = asyncio.get_running_loop().create_future()
        self._slots[query_id] = slot

        def closed(_: asyncio.Future[dict[str, object]]) -> None:
            if self._slots.get(query_id) is slot:
                del self._slots[query_id]

        slot.add_done_callback(closed)
        return slot

    @property
    def queued(self) -> int:
        return len(self._queue)

    async def close(self, grace_seconds: float = 1.0) -> None:
        """Send what can still go within `grace_seconds`, drop the rest, log the counts."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace_seconds):
                await self._idle.wait()
        self.counts.dropped += len(self._queue)
        self._queue.clear()
        for task in [*self._workers, *([self._reporter] if self._reporter else [])]:
            task.cancel()
        for task in [*self._workers, *([self._reporter] if self._reporter else [])]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers = []
        self._reporter = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        logger.info(self.counts.line())

    async def _work(self) -> None:
        while True:
            if not self._queue:
                if self._busy == 0:
                    self._idle.set()
                self._ready.clear()
                await self._ready.wait()
                continue
            wait = self._resume_at - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            item = self._next()
            if item is None:
                continue
            self._busy += 1
            try:
                await self._send(item)
            finally:
                self._busy -= 1

    def _next(self) -> _Answer | None:
        """Drop what expired; then the oldest while keeping up, the newest when behind."""
        now = self._clock()
        queue = self._queue
        while queue and queue[0].deadline <= now:
            queue.popleft()
            self.counts.dropped += 1
        if not queue:
            return None
        behind = queue[0].deadline - now < ANSWER_DEADLINE_SECONDS - LIFO_AFTER_SECONDS
        return queue.pop() if behind else queue.popleft()

    async def _send(self, item: _Answer) -> None:
        assert self._session is not None
        try:
            async with self._session.post(
                self._url, data=item.body, headers=_JSON, proxy=self._proxy
            ) as response:
                if response.status == 200:
                    self.counts.answered += 1
                    return
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            self.counts.failed += 1
            logger.debug("answerCallbackQuery failed: %s", type(error).__name__)
            return
        description = str(answer.get("description", "")) if isinstance(answer, dict) else ""
        retry_after = _retry_after(answer)
        if retry_after is not None:
            self._resume_at = max(self._resume_at, self._clock() + retry_after)
            if item.deadline > self._resume_at:  # it can still make it after the pause
                self._queue.appendleft(item)
            else:
                self.counts.dropped += 1
        elif _TOO_OLD in description:
            self.counts.late += 1
        else:
            self.counts.failed += 1
            logger.debug("answerCallbackQuery refused: %s", description)

    async def _report(self) -> None:
        """A line every few seconds while anything changes, so storms show in the log."""
        while True:
            await asyncio.sleep(REPORT_EVERY_SECONDS)
            line = self.counts.line()
            if line != self._reported:
                self._reported = line
                logger.info("%s queued=%d", line, len(self._queue))


def _retry_after(answer: object) -> float | None:
    if not isinstance(answer, dict) or answer.get("error_code") != 429:
        return None
    parameters = answer.get("parameters")
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(value) if isinstance(value, int | float) else 1.0
