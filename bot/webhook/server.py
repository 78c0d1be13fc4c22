"""The HTTP side of webhook mode: one POST route that takes Telegram's updates, and whatever
other routes the wiring mounts beside it (/healthz, /readyz, /metrics).

Each request is judged before anything of it is processed, in this order:

- the `X-Telegram-Bot-Api-Secret-Token` header must equal the configured secret, compared in
  constant time (a timing difference would let a caller guess it a character at a time): else
  401, and the body is not even read;
- the body must fit in `MAX_BODY_BYTES`: else 413;
- it must be a JSON object with an integer `update_id`: else 400;
- `take(update_id)` must say the update is new (the store's dedupe, shared by every worker:
  recorded now, or re-taken from a worker that died holding it). Seen: 200 and nothing more —
  Telegram delivered it again (after a timeout or an error) and the first delivery was handed
  on already. Busy: 503 — a live worker took it moments ago and may still be handing it on, or
  may have just died; Telegram retries, and the store can tell which by then.

Then the update goes to `deliver`, the same callback the getUpdates loop feeds, and the answer is
200 as soon as it is handed over: handlers run after the answer, so a slow one never makes
Telegram time out and deliver the update again. A store that cannot record the id answers 503
(Telegram retries later); a `deliver` that fails un-records it and answers 500 (the same).

One exception to "200 at once": an update `carry` gives a slot for (a ⭐ press) waits up to
`CARRY_SECONDS` for its answer, and the 200 then carries it as the one Bot API call Telegram
allows in a webhook reply — a request the worker does not make. Past that wait the slot is
closed and the answer goes by the answer lane as usual. The wait is short because it holds one
of Telegram's `max_connections` to this URL: 40 connections held 25 ms each still let 1,600
updates a second through.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.domain.errors import NewsdeskError
from bot.domain.webhook import Taken
from bot.http_listen import serve
from bot.intake.poller import Deliver, RawUpdate

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
# Telegram's updates are small JSON (a 4,096-character message with its entities and the message
# it replies to is tens of KB); 1 MiB is far above any real one and bounds what a caller can
# make a worker hold: max_connections (at most 100) such bodies at once.
MAX_BODY_BYTES = 1024 * 1024
# Requests in flight when the worker stops get this long to finish (they only hand updates on).
SHUTDOWN_SECONDS = 10.0

Take = Callable[[int], Awaitable[Taken]]
Forget = Callable[[int], Awaitable[None]]
# A slot for the Bot API call an update's handling may answer with (its parameters), or None.
Carry = Callable[[RawUpdate], "asyncio.Future[dict[str, object]] | None"]
CARRY_SECONDS = 0.025


class WebhookBindError(NewsdeskError):
    """The webhook server could not listen where `[webhook]` says."""


class WebhookServer:
    """Serves the webhook route (and mounted extras) on `[webhook] listen`:`port`."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        path: str,
        secret: str,
        deliver: Deliver,
        take: Take,
        forget: Forget,
        carry: Carry | None = None,
    ) -> None:
        self._host, self._port, self._path = host, port, path
        self._secret = secret.encode()
        self._deliver = deliver
        self._take = take
        self._forget = forget
        self._carry = carry
        self._routes: list[web.RouteDef] = []
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port bound, once listening

    @property
    def listening(self) -> bool:
        """Whether the server accepts requests."""
        return self._runner is not None

    def mount(self, routes: list[web.RouteDef]) -> None:
        """Serve `routes` beside the webhook (call before `start`)."""
        self._routes.extend(routes)

    async def start(self) -> None:
        """Listen, or raise `WebhookBindError` saying where and why not."""
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.add_routes([web.post(self._path, self._receive), *self._routes])
        self._runner, self.port = await serve(
            app,
            self._host,
            self._port,
            refused=lambda why: WebhookBindError(
                f"cannot listen for the webhook on {self._host}:{self._port} ({why}) — change "
                "[webhook] listen or port, or stop what holds the port"
            ),
            shutdown_timeout=SHUTDOWN_SECONDS,
        )
        logger.info("webhook server on http://%s:%d%s", self._host, self.port, self._path)

    async def stop(self) -> None:
        """Stop accepting; let the requests in flight finish (idempotent)."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        judged = await self._judge(request)
        if isinstance(judged, web.Response):
            return judged
        update, received_at = judged
        update_id = int(update["update_id"])
        refused = await self._take_in(update_id)
        if refused is not None:
            return refused
        slot = self._carry(update) if self._carry is not None else None
        try:
            await self._deliver([update], received_at)
        except Exception:
            logger.exception("webhook: update %d could not be handed on", update_id)
            if slot is not None:
                slot.cancel()
            await self._forget_quietly(update_id)
            return web.Response(status=500, text="not handed on\n")
        if slot is None:
            return web.Response(status=200)
        return await _carried(slot)

    async def _take_in(self, update_id: int) -> web.Response | None:
        """None if the update is ours to hand on, else the answer Telegram gets instead."""
        try:
            taken = await self._take(update_id)
        except Exception as exc:  # the store is down: Telegram keeps the update and retries
            logger.warning("webhook: update %d not taken, the store failed: %s", update_id, exc)
            return web.Response(status=503, text="the store is unavailable\n")
        if taken is Taken.SEEN:
            return web.Response(status=200)
        if taken is Taken.BUSY:
            logger.info("webhook: update %d is being taken in by a worker; retry later", update_id)
            return web.Response(status=503, text="another worker is taking this update in\n")
        return None

    async def _judge(self, request: web.Request) -> web.Response | tuple[RawUpdate, float]:
        """The refusal of a request (401, 413, 400), or its update and when it arrived."""
        # "replace": odd bytes in the header must be a mismatch (401), never an exception.
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=401, text="wrong or missing secret token\n")
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return _too_large()
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:  # chunked, or a Content-Length that lied
            return _too_large()
        received_at = time.monotonic()
        update = _update(body)
        if update is None:
            return web.Response(status=400, text="expected a JSON update with an update_id\n")
        return update, received_at

    async def _forget_quietly(self, update_id: int) -> None:
        """Un-record an update that was not handed on, so Telegram's retry is taken."""
        try:
            await self._forget(update_id)
        except Exception as exc:  # the retry will then be skipped: say so
            logger.error("webhook: update %d is lost (not un-recorded: %s)", update_id, exc)


async def _carried(slot: asyncio.Future[dict[str, object]]) -> web.Response:
    """200 with the answerCallbackQuery filled in time, or a bare 200 (the lane sends it)."""
    await asyncio.wait([slot], timeout=CARRY_SECONDS)
    if slot.done() and not slot.cancelled():
        return web.json_response({"method": "answerCallbackQuery", **slot.result()})
    slot.cancel()  # no await since the check: an answer from now on goes by the lane
    return web.Response(status=200)


def _too_large() -> web.Response:
    return web.Response(status=413, text=f"an update is at most {MAX_BODY_BYTES} bytes\n")


def _update(body: bytes) -> RawUpdate | None:
    """The update in `body`, or None if it is not a JSON object with an integer update_id."""
    try:
        update = json.loads(body)
    except ValueError:  # UnicodeDecodeError included
        return None
    if not isinstance(update, dict):
        return None
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        return None
    return update
