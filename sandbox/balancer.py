"""A round-robin reverse proxy: one webhook URL in front of several `newsdesk run` workers.

Telegram calls one webhook URL; in production a reverse proxy (nginx, Caddy, a cloud load
balancer) spreads its POSTs over the workers. The bench and the failover tests need the same
thing on loopback, so this is the simplest honest stand-in: an aiohttp server on 127.0.0.1 that
hands each request to the next target in turn, forwarding the body, the content type and the
secret header, and passing the answer back unchanged (a webhook reply may carry a Bot API call).

A target that cannot be reached (refused or reset: a worker killed, or gone while answering) is
answered 502 Bad Gateway, as nginx answers when its upstream fails; Telegram (and the fake) then
retries the update later, and round robin sends the retry to the next target. It does not skip
a dead target on its own (no passive health check, no `proxy_next_upstream`): every worker's
share of the requests goes to it, so a test sees the dead worker's share retried. A target that
accepts but does not answer (a paused process) holds the request, as a real proxy does until its
read timeout; Telegram's own timeout then retries the update elsewhere, and the store's dedupe
keeps the late answer from handling it twice.

It counts, per target, the requests in flight, the 2xx answers it passed back and the requests
Telegram will retry (a 502 for an unreachable target, or the target's own non-2xx answer), so a
test can tell that a dead worker's share was really retried and that a live one really served.
"""

from __future__ import annotations

import itertools
from collections import Counter
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web

# What Telegram sends that a worker reads: the body's type and the webhook's secret.
FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")
# What a worker's answer may say that Telegram reads besides the body: when to retry.
RETURNED = ("Retry-After",)
# Requests in flight to the targets at once (Telegram's max_connections is at most 100).
CONNECTIONS = 200


class RoundRobin:
    """The reverse proxy in front of the workers: each POST to `path` goes to the next target."""

    def __init__(self, targets: list[str], *, path: str = "/telegram", port: int = 0) -> None:
        if not targets:
            raise ValueError("a balancer needs at least one target")
        self.targets = list(targets)
        self.path = path
        self.port = port  # 0: a free one, known once started
        self.in_flight: Counter[str] = Counter()  # requests waiting on each target now
        self.answered: Counter[str] = Counter()  # 2xx answers passed back, by target
        self.failed: Counter[str] = Counter()  # the rest: Telegram retries these
        self._next = itertools.cycle(self.targets)
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The one URL Telegram is given (setWebhook); valid once started."""
        return f"http://127.0.0.1:{self.port}{self.path}"

    async def start(self) -> Self:
        """Listen on 127.0.0.1 (the port given, or a free one)."""
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=CONNECTIONS),
            timeout=aiohttp.ClientTimeout(total=None),  # the caller's own timeout decides
        )
        app = web.Application()
        app.router.add_post(self.path, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = int(self._runner.addresses[0][1])  # the port actually bound
        return self

    async def stop(self) -> None:
        """Stop listening and close the connections to the targets (idempotent)."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        target = next(self._next)
        headers = {h: request.headers[h] for h in FORWARDED if h in request.headers}
        self.in_flight[target] += 1
        try:
            body = await request.read()
            async with self._session.post(target, data=body, headers=headers) as got:
                answer = await got.read()
                returned = {h: got.headers[h] for h in RETURNED if h in got.headers}
                (self.answered if 200 <= got.status < 300 else self.failed)[target] += 1
                return web.Response(
                    status=got.status,
                    body=answer,
                    headers=returned,
                    content_type=got.content_type if got.content_length else None,
                )
        except (aiohttp.ClientError, ConnectionResetError):  # the target is gone, or the
            # caller cut the request (its read timeout, its shutdown): Telegram retries on 5xx
            self.failed[target] += 1
            return web.Response(status=502, text="bad gateway: the worker did not answer\n")
        finally:
            self.in_flight[target] -= 1
