"""Sending one breaking alert to one subscriber: the pacing and the wire.

The message and its request body are built in `bot.alerts.message`; what each answer means is
sorted in `bot.alerts.answers`.

Pacing is shared by every send of the process's alerts: evenly spaced at 97 % of
`max_per_second`, never more than 98.5 % of it that Telegram may be counting in one second (see
`RatePacer`), and a 429 holds *every* send for its `retry_after` — flood control is per bot, so
the next user's message would only earn another 429. The rest of the rate is left to the bot's
replies to commands and ⭐ presses, which share Telegram's global limit.

Why the bulk alerts bypass python-telegram-bot's `Bot` (measured on the project's 2-core box,
shared with other work, Python 3.11, PTB 22.8, httpx 0.28, aiohttp 3.14, the fake Bot API on
loopback in another process; figures in docs/facts.md, "Alert fan-out"):

- Through `Bot.send_message` one alert costs ~1.7 ms of the bot's CPU (building the request data
  and `Defaults`, httpx/httpcore — whose pool walks every connection on each request — anyio,
  then JSON → `Message` objects nobody reads). At 1000/s that is more than the one core the bot
  has: the fan-out reached 0.61–0.81 of the allowed rate.
- Even a bare shared `httpx.AsyncClient` posting ready JSON costs ~550 µs per request, since
  httpcore's pool and anyio stay in the path.
- `JsonPoster` (`bot/alerts/poster.py`: one aiohttp session, the connector sized to the
  in-flight bound, ready-made bytes, headers built once) costs 110–200 µs of client CPU per
  request against a bare server (`bench/poster.py`; ~50 µs of it the loopback `send` itself);
  the hand-written HTTP/1.1 client it replaced cost 40–70 µs in the same conditions, but was
  214 lines of HTTP parsing of our own to keep. The alert body is serialised once per
  language per alert (only `chat_id` differs), and only `ok`/`error_code`/`description`/
  `parameters.retry_after` of an error answer is read.

Result (`bench/breaking.py`, 10,000 alerts at 1000/s, the fake enforcing 1000/s, three runs):
ratio 0.956–0.962 of the allowed rate (the 97 % pace itself is the ceiling), no 429, about
410 µs of the bot's CPU per alert for the whole fan-out (store, pacer, limiter, HTTP) against
~260 µs with the hand-written client (ratio 0.96 there too). Measured before alerts above
30/s became paid broadcasts (counted by the limiter's 1000/s bucket instead of the overall
one, the same aiolimiter class); rerun on a quiet machine to confirm.

Alerts still pass through the bot's `AIORateLimiter` (its public `process_request`), so
`telegram.max_requests_per_second` keeps bounding everything the bot sends for free; paid
broadcasts (`alerts.paid_broadcast`, `allow_paid_broadcast` on the wire) are counted by its
separate 1000/s bucket, as Telegram counts them apart from the bot's ~30/s. The JSON
(`bot.alerts.message`) is built from the same PTB objects (`InlineKeyboardMarkup.to_dict()`), with
the `Defaults` the app sets (HTML, no link preview) written out. When the app uses a custom
request object (tests' in-memory transports) or the environment sets a proxy for the API,
alerts go through `Bot.send_message` as before (`PtbSender`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter, ExtBot

from bot.alerts.answers import is_gone, outcome_of
from bot.alerts.message import NO_PREVIEW, AlertMessage
from bot.alerts.poster import JsonPoster
from bot.domain import Outcome, Recipient
from bot.domain.deliveries import FailureKind
from bot.domain.errors import (
    AlertRetryLaterError,
    AlertTryAgainError,
    MaybeSentError,
    NotSentError,
)
from bot.publishing.failures import classify, retry_after_seconds
from bot.transport.proxy import proxy_for
from bot.transport.ptb_request import AiohttpRequest

SHARE = 0.97  # the even pace, as a share of max_per_second
CAP = 0.985  # never more than this share counted in any one second (see RatePacer)
WINDOW_SECONDS = 1.0
CATCH_UP = 0.05  # how far behind schedule the pacer may catch up at once (after a stall)
LONGEST_NAP = 0.25  # a long wait (a 429 hold) is taken in naps, to notice a stop


def pace_of(per_second: int) -> int:
    """Alerts a second the pacer actually sends at `max_per_second` (what estimates divide by)."""
    return max(1, int(per_second * SHARE))


class RatePacer:
    """Hands out send slots: even spacing, a one-second cap, a shared 429 hold.

    The cap is on what Telegram may be counting, whatever the network does: a send counts from
    the moment it leaves until one second after its answer came back (Telegram handled it
    somewhere in between), and one still waiting for its answer always counts. Counting
    departures only is not enough: a server that stalls and then works off its backlog counts
    those requests in a burst (the fake Bot API answered 429 a second after each stall).
    """

    def __init__(self, per_second: int, clock: Callable[[], float] = time.monotonic) -> None:
        pace = pace_of(per_second)
        self._interval = 1.0 / pace
        self._cap = max(pace, int(per_second * CAP))
        self._answered: deque[float] = deque()
        self._in_flight = 0
        self._clock = clock
        self._next = 0.0
        self._resume_at = 0.0

    def hold(self, seconds: float) -> None:
        """Telegram said 429: nobody sends before `seconds` from now."""
        self._resume_at = max(self._resume_at, self._clock() + seconds)

    def _reserve(self, earliest: float) -> float:
        if self._next < earliest - WINDOW_SECONDS:  # idle a while: start afresh, no burst
            self._next = earliest
        slot = max(self._next, earliest - CATCH_UP, self._resume_at)
        self._next = slot + self._interval
        return slot

    def _counted(self, now: float) -> int:
        answered = self._answered
        while answered and answered[0] <= now - WINDOW_SECONDS:
            answered.popleft()
        return self._in_flight + len(answered)

    async def acquire(self, stopping: asyncio.Event | None = None) -> bool:
        """Wait for the next slot; False if `stopping` was set first. Call `release()` after a
        True, once the send's answer (or failure) is in.

        Each caller reserves its own slot up front (so waiting senders wake one at a time);
        a caller whose slot fell inside a 429 hold reserves a new one after the hold.
        """
        slot = self._reserve(self._clock())
        while True:
            if stopping is not None and stopping.is_set():
                return False
            now = self._clock()
            if slot < self._resume_at:
                slot = self._reserve(self._resume_at)
            wait = slot - now
            if wait <= 0 and self._counted(now) >= self._cap:
                answered = self._answered
                wait = answered[0] + WINDOW_SECONDS - now if answered else self._interval
            if wait <= 0:
                self._in_flight += 1
                return True
            await asyncio.sleep(min(wait, LONGEST_NAP))

    def release(self) -> None:
        """The send acquired last-but-not-released is over: it counts one more second."""
        self._in_flight -= 1
        self._answered.append(self._clock())


class AlertSender(Protocol):
    """One attempt at one alert: an Outcome, or AlertRetryLaterError / AlertTryAgainError."""

    async def send(self, recipient: Recipient, message: AlertMessage) -> Outcome:
        """Send once; never retries by itself."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def open_sender(bot: Bot, max_connections: int) -> AlertSender:
    """The lean sender when the bot talks plain HTTP(S) with its default transport."""
    # The poster does not route through proxies: a proxied deployment keeps using PTB.
    if type(bot.request) is AiohttpRequest and proxy_for(bot.base_url) is None:
        timeout = bot.request.read_timeout or 10.0
        poster = JsonPoster(
            f"{bot.base_url}/sendMessage", max_connections=max_connections, timeout=timeout
        )
        limiter = bot.rate_limiter if isinstance(bot, ExtBot) else None
        return LeanSender(poster, limiter)
    return PtbSender(bot)


class LeanSender:
    """Pre-serialised JSON over `JsonPoster`, through the bot's rate limiter."""

    def __init__(self, poster: JsonPoster, limiter: BaseRateLimiter[Any] | None) -> None:
        self._poster = poster
        self._limiter = limiter

    async def send(self, recipient: Recipient, message: AlertMessage) -> Outcome:
        """Send once and read what the answer means."""
        body = message.body(recipient)
        try:
            answer: object
            if self._limiter is None:
                answer = await self._post(body)
            else:
                # A paid broadcast is counted by the limiter's own 1000/s bucket, not the
                # overall one the bot's replies share (PTB's AIORateLimiter reads the flag).
                data: dict[str, Any] = {"chat_id": recipient.user_id}
                if message.paid_broadcast:
                    data["allow_paid_broadcast"] = True
                answer = await self._limiter.process_request(
                    self._post, (body,), {}, "sendMessage", data, None
                )
        except NotSentError as exc:
            raise AlertTryAgainError(str(exc)) from exc
        except MaybeSentError as exc:
            return Outcome(recipient.user_id, "uncertain", str(exc))
        assert isinstance(answer, dict)
        return outcome_of(recipient.user_id, answer["status"], answer["body"])

    async def _post(self, body: bytes) -> dict[str, Any]:
        answer = await self._poster.post(body)
        return {"status": answer.status, "body": answer.body}

    async def close(self) -> None:
        """Close the connections."""
        await self._poster.close()


class PtbSender:
    """Through `Bot.send_message`: custom transports (tests) and proxied deployments."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, recipient: Recipient, message: AlertMessage) -> Outcome:
        """Send once and sort the exception python-telegram-bot raised."""
        text, markup = message.render(recipient.language)
        try:
            await self._bot.send_message(
                recipient.user_id,
                text,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
                allow_paid_broadcast=True if message.paid_broadcast else None,
            )
        except RetryAfter as exc:
            raise AlertRetryLaterError(retry_after_seconds(exc)) from exc
        except Forbidden as exc:
            return Outcome(recipient.user_id, "blocked", exc.message)
        except BadRequest as exc:
            gone = is_gone(exc.message)
            return Outcome(recipient.user_id, "blocked" if gone else "failed", exc.message)
        except TelegramError as exc:
            kind = classify(exc).kind
            if kind is FailureKind.AMBIGUOUS:
                return Outcome(recipient.user_id, "uncertain", exc.message)
            if kind is FailureKind.TRANSIENT:
                raise AlertTryAgainError(exc.message) from exc
            return Outcome(recipient.user_id, "failed", exc.message)
        return Outcome(recipient.user_id, "sent")

    async def close(self) -> None:
        """The bot's own connections are the application's to close."""


def concurrency_for(per_second: int) -> tuple[int, int]:
    """Send tasks (each waiting for its slot or its answer): a fifth of a second's worth; and
    connections: 50 ms worth, at least 8 (Telegram answers in 50–150 ms from most places)."""
    tasks = max(2, min(256, math.ceil(per_second * 0.2)))
    return tasks, max(8, min(64, math.ceil(per_second * 0.05)))
