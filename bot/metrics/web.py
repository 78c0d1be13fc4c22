"""`/healthz`, `/readyz` and `/metrics` as aiohttp routes, and the small server that serves them.

`health_routes(probe)` returns plain route definitions, so any `aiohttp.web.Application` can
mount them with `add_routes` (the webhook server will; aiohttp's sub-applications need a path
prefix, and Prometheus and orchestrators expect these at the root). In polling mode
`MetricsServer` serves them alone on `[metrics] listen` and `port`.

- `/healthz`: 200 while the process's event loop answers; nothing else is checked.
- `/readyz`: 200, or 503 with the first reason in plain text (the probe decides what "ready"
  means: store reachable, schema current, updates arriving).
- `/metrics`: the probe refreshes what is read at scrape time (the store's figures), then the
  registry is rendered by prometheus-client.
"""

from __future__ import annotations

import logging
from typing import Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.domain.errors import NewsdeskError
from bot.http_listen import serve
from bot.metrics.instruments import Metrics

logger = logging.getLogger(__name__)


class MetricsBindError(NewsdeskError):
    """The metrics server could not listen where `[metrics]` says."""


class Probe(Protocol):
    """What the endpoints ask of the running bot."""

    @property
    def metrics(self) -> Metrics:
        """The bot's instruments."""
        ...

    async def not_ready(self) -> str | None:
        """Why the bot cannot do its work now, or None when it can."""
        ...

    async def refresh(self) -> None:
        """Read the figures that are read at scrape time (the store's)."""
        ...


def health_routes(probe: Probe) -> list[web.RouteDef]:
    """The three endpoints, for `web.Application.add_routes`."""

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        reason = await probe.not_ready()
        if reason is not None:
            return web.Response(status=503, text=f"not ready: {reason}\n")
        return web.Response(text="ready\n")

    async def metrics(_request: web.Request) -> web.Response:
        await probe.refresh()
        return web.Response(
            body=probe.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    return [
        web.get("/healthz", healthz, allow_head=True),
        web.get("/readyz", readyz, allow_head=True),
        web.get("/metrics", metrics),
    ]


class MetricsServer:
    """The endpoints on their own address, for a bot that polls (no webhook server to share)."""

    def __init__(self, routes: list[web.RouteDef], *, host: str, port: int) -> None:
        self._routes = routes
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port bound (`port = 0` picks a free one)

    async def start(self) -> None:
        """Listen, or raise `MetricsBindError` saying where and why not."""
        app = web.Application()
        app.add_routes(self._routes)
        self._runner, self.port = await serve(
            app,
            self._host,
            self._port,
            refused=lambda why: MetricsBindError(
                f"cannot listen for metrics on {self._host}:{self._port} ({why}) — change "
                "[metrics] listen or port, or stop what holds the port"
            ),
        )
        logger.info("health and metrics on http://%s:%d/", self._host, self.port)

    async def stop(self) -> None:
        """Stop listening (idempotent)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
