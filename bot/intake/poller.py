"""Long polling without python-telegram-bot's `Updater`.

The `Updater` turns every update of a batch into `Update` objects before anyone looks at it. In
a ⭐ storm nearly every update is a press that the lean path answers from four fields of the
JSON, so building objects for them is most of the cost (~10 % of the bot's CPU in the storm
profile). This loop hands the raw batch to a `deliver` callback instead; the wiring builds
`Update` objects only for what goes to python-telegram-bot's handlers. The webhook server
(`bot.webhook`) hands its requests' bodies to the same callback.

Polling begins with deleteWebhook (keeping the updates Telegram holds): while a webhook is set,
getUpdates is refused, so a desk moved back from webhook mode would otherwise wait for ever.
python-telegram-bot's `Updater` does the same, but this loop replaces it.

Failures are waited out with back-off, never hammered: a network error or a 5xx waits 1, 2, 4 …
up to 30 s; a 429 waits its `retry_after`; a 409 (another process polls with this token, or a
webhook is set) is logged once per streak and waited out the same way.

With several workers on PostgreSQL, only the leader polls (`may_poll`): the others are standbys
in polling mode. Every worker answers updates only in webhook mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp

from bot.transport.proxy import proxy_for

logger = logging.getLogger(__name__)

RawUpdate = dict[str, Any]
Deliver = Callable[[list[RawUpdate], float], Awaitable[None]]

MAX_BACKOFF_SECONDS = 30.0
# How often a standby (a follower in polling mode) looks whether it leads now.
STANDBY_CHECK_SECONDS = 1.0
_JSON = {"Content-Type": "application/json"}


class UpdatePoller:
    """getUpdates in a loop; each batch goes to `deliver(batch, received_at)`."""

    def __init__(
        self,
        api_url: str,
        deliver: Deliver,
        *,
        allowed_updates: Sequence[str],
        poll_timeout: int = 10,
        clock: Callable[[], float] = time.monotonic,
        may_poll: Callable[[], bool] = lambda: True,
    ) -> None:
        self._api_url = api_url
        # A follower on PostgreSQL waits here: Telegram serves one getUpdates consumer per token
        # (two would steal batches from each other and see unconfirmed ones twice).
        self._may_poll = may_poll
        self._proxy = proxy_for(api_url)
        self._deliver = deliver
        self._allowed = list(allowed_updates)
        self._poll_timeout = poll_timeout
        self._clock = clock
        self._offset: int | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        # Connections are not shared with anything else: a long poll holds its one for seconds.
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=2))
        self._task = asyncio.create_task(self._loop(), name="getUpdates")

    async def stop(self) -> None:
        """Stop polling and confirm what was delivered, so a restart does not see it again."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is None:
            return
        if self._offset is not None:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError, ValueError):
                await self._fetch(wait=0, limit=1)
        await self._session.close()
        self._session = None

    async def _loop(self) -> None:
        await self._delete_webhook()
        failures = 0
        conflict_logged = False
        while True:
            if not self._may_poll():
                await asyncio.sleep(STANDBY_CHECK_SECONDS)
                continue
            try:
                status, answer = await self._fetch(wait=self._poll_timeout)
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                failures += 1
                delay = _backoff(failures)
                logger.warning(
                    "getUpdates failed (%s); trying again in %.0f s", type(error).__name__, delay
                )
                await asyncio.sleep(delay)
                continue
            received_at = self._clock()
            if status == 200 and answer.get("ok"):
                failures, conflict_logged = 0, False
                batch = answer.get("result")
                if isinstance(batch, list) and batch:
                    updates = [item for item in batch if isinstance(item, dict)]
                    ids = [u["update_id"] for u in updates if isinstance(u.get("update_id"), int)]
                    if ids:
                        self._offset = max(ids) + 1
                    await self._deliver(updates, received_at)
                continue
            failures += 1
            delay = _delay_for(status, answer, failures)
            if status == 409:
                if not conflict_logged:
                    logger.error(
                        "getUpdates refused (409): another process polls with this token, or a "
                        "webhook is set; waiting"
                    )
                    conflict_logged = True
            else:
                logger.warning(
                    "getUpdates answered %d (%s); trying again in %.0f s",
                    status,
                    str(answer.get("description", ""))[:200],
                    delay,
                )
            await asyncio.sleep(delay)

    async def _delete_webhook(self) -> None:
        """deleteWebhook until Telegram accepts it (with back-off, as failed polls wait)."""
        failures = 0
        while True:
            try:
                status, answer = await self._call(
                    "deleteWebhook", {"drop_pending_updates": False}, wait=0
                )
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                status, answer = 0, {"description": type(error).__name__}
            if status == 200 and answer.get("ok"):
                return
            failures += 1
            delay = _delay_for(status, answer, failures)
            logger.warning(
                "deleteWebhook failed (%s); polling starts once it works, trying again in %.0f s",
                str(answer.get("description", status))[:200],
                delay,
            )
            await asyncio.sleep(delay)

    async def _fetch(self, *, wait: int, limit: int = 100) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {
            "timeout": wait,
            "limit": limit,
            "allowed_updates": self._allowed,
        }
        if self._offset is not None:
            body["offset"] = self._offset
        return await self._call("getUpdates", body, wait=wait)

    async def _call(
        self, method: str, body: dict[str, Any], *, wait: int
    ) -> tuple[int, dict[str, Any]]:
        assert self._session is not None
        limit_s = aiohttp.ClientTimeout(total=wait + 10)
        async with self._session.post(
            f"{self._api_url}/{method}",
            data=json.dumps(body).encode(),
            headers=_JSON,
            timeout=limit_s,
            proxy=self._proxy,
        ) as response:
            answer = json.loads(await response.read())
            return response.status, answer if isinstance(answer, dict) else {}


def _backoff(failures: int) -> float:
    return float(min(MAX_BACKOFF_SECONDS, 2 ** min(failures - 1, 5)))


def _delay_for(status: int, answer: dict[str, Any], failures: int) -> float:
    parameters = answer.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if status == 429 and isinstance(retry_after, int | float):
        return float(retry_after)
    return _backoff(failures)
