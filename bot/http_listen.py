"""Listening for HTTP: the address check of `[metrics]` and `[webhook]`, and binding a server.

Both servers (health and metrics of a polling bot; the webhook receiver with the same routes)
listen the same way: an IP address from the config, an `aiohttp.web` runner, and one line naming
the address and the reason when the port cannot be taken (`newsdesk run` then exits 2).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from typing import Annotated

from aiohttp import web
from pydantic import AfterValidator


def listen_address(value: str) -> str:
    """`value` if it is an IP address to listen on; a config error naming examples otherwise."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an IP address: expected one such as 127.0.0.1 (this host only, "
            "e.g. behind a reverse proxy), 0.0.0.0 (every IPv4 interface) or :: (every interface)"
        ) from None
    return value


# The type of a `listen` key: an IP address, checked as the config loads.
ListenAddress = Annotated[str, AfterValidator(listen_address)]


async def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    refused: Callable[[str], Exception],
    shutdown_timeout: float = 60.0,
) -> tuple[web.AppRunner, int]:
    """Start `app` on host:port; its runner and the port bound (a config's 0 picks one).

    A port that cannot be taken raises `refused(why)`, the caller's one-line error.
    """
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=shutdown_timeout
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        # asyncio's own strerror repeats the address: the plain one reads better in the line.
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise refused(why) from None
    addresses = runner.addresses  # (host, port, …) per socket: the port actually bound
    return runner, int(addresses[0][1]) if addresses else port
