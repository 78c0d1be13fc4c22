"""An httpx transport that connects only to addresses the fetcher resolved and checked itself.

httpx would resolve the URL's host again when it connects, and that second answer is the one a
DNS-rebinding attacker controls. Here the request carries the addresses the guard checked (in
the `PIN` request extension), and the connection pool's network backend ignores the host name
and connects to those addresses only, trying each in turn. The URL is untouched, so the Host
header and the TLS server name (SNI and certificate check) are still the original host's; the
pool still keys connections by that host, so a kept-alive connection is one made to a checked
address. A connection asked for without a pin is refused: the transport fails closed.

httpx offers no parameter for the network backend, so the transport replaces the connection
pool it builds (`_pool`) with one that has ours; everything else (request and response mapping,
exception mapping) is httpx's own.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Sequence
from typing import Any

import httpcore
import httpx

PIN = "newsdesk.pinned_addresses"
_PINNED: contextvars.ContextVar[Sequence[str] | None] = contextvars.ContextVar(
    "newsdesk_pinned_addresses", default=None
)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the pinned addresses of the request being sent, never to a host name."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first pinned address that answers; `host` is only for messages."""
        addresses = _PINNED.get()
        if not addresses:
            raise httpcore.ConnectError(f"no checked address for {host}: connection refused")
        *others, last = addresses
        for address in others:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue  # the next checked address may answer
        return await self._inner.connect_tcp(last, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never used: the fetcher talks TCP only."""
        raise httpcore.ConnectError("unix sockets are not used by the fetcher")

    async def sleep(self, seconds: float) -> None:
        """The pool's retry pause, delegated."""
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with a pool whose connections go to pinned addresses only."""

    def __init__(
        self, *, limits: httpx.Limits, network: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        super().__init__(limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),  # what httpx's own pool would use
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(network),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send with the request's pinned addresses in force for any connection it opens."""
        pinned = request.extensions.get(PIN)
        token = _PINNED.set(tuple(pinned) if isinstance(pinned, (list, tuple)) else None)
        try:
            return await super().handle_async_request(request)
        finally:
            _PINNED.reset(token)
