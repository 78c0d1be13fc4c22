"""Fetching one URL the way a polite, defensive feed reader should.

Everything a hostile or broken server could do to the bot is bounded here: connect and total
timeouts, a body cap enforced while streaming (on the decoded bytes, so a gzip bomb stops at
the cap too), at most five redirects, each one checked by the address guard before it is
followed. URLs come from config and from admins typing `/post <url>`; the guard keeps either
from reaching the bot's own network (loopback, private ranges, link-local cloud metadata) unless
`fetching.allow_private_addresses` says so. After connecting, the address actually connected to
is checked again, which closes the gap of a DNS answer changing between the check and the use.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from bot import __version__
from bot.config import FetchingSettings
from bot.errors import BlockedURLError, FetchError, HTTPStatusError, TooLargeError

logger = logging.getLogger(__name__)

USER_AGENT = f"newsdesk/{__version__} (news channel bot; feed reader)"
MAX_REDIRECTS = 5
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchResult:
    """What a fetch brought back: a body (status 200) or "not modified" (304)."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True when the server answered 304 to our conditional GET."""
        return self.status == 304


def _forbidden(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # is_global is False for loopback, RFC 1918, link-local (169.254.169.254 metadata),
    # CGNAT, documentation, reserved and unique-local ranges; multicast is never a web server.
    return not address.is_global or address.is_multicast


async def guard(url: str, *, allow_private: bool) -> None:
    """Refuse non-http(s) URLs and hosts resolving to non-public addresses."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise BlockedURLError(f"only http:// and https:// URLs can be fetched (got {url!r})")
    host = parts.hostname
    if not host:
        raise BlockedURLError(f"the URL has no host: {url!r}")
    if allow_private:
        return
    try:
        addresses: list[Address] = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (socket.gaierror, UnicodeError, ValueError) as exc:
            raise FetchError(f"cannot resolve {host}: {exc}") from None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if _forbidden(address):
            raise BlockedURLError(
                f"{host} is {address}, a loopback, private, link-local or reserved address; "
                "such URLs are refused (fetching.allow_private_addresses is off)"
            )


class Fetcher:
    """An HTTP client for feeds and pages; one per process, closed with `aclose()`."""

    def __init__(self, settings: FetchingSettings, *, proxy: str | None = None) -> None:
        self._settings = settings
        self._proxy = proxy
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                settings.total_timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            follow_redirects=False,  # each hop goes through the guard first
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,  # an inherited HTTP_PROXY must not silently bypass the guard
            proxy=proxy,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET `url` within the limits; raises a `FetchError` subclass on any failure."""
        total = self._settings.total_timeout_seconds
        try:
            async with asyncio.timeout(total):
                return await self._follow(url, etag, last_modified, accept)
        except TimeoutError:
            raise FetchError(f"timed out after {total:g} s fetching {url}") from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out fetching {url}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"network error fetching {url}: {type(exc).__name__} {exc}") from None

    async def _follow(
        self, url: str, etag: str | None, last_modified: str | None, accept: str
    ) -> FetchResult:
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            await guard(current, allow_private=self._settings.allow_private_addresses)
            request = self._client.build_request("GET", current, headers=headers)
            response = await self._client.send(request, stream=True)
            try:
                self._check_peer(response, current)
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    if hop == MAX_REDIRECTS:
                        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}")
                    current = urljoin(str(response.url), location)
                    logger.debug("redirect %d from %s to %s", response.status_code, url, current)
                    continue
                return await self._result(response, current)
            finally:
                await response.aclose()
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _check_peer(self, response: httpx.Response, url: str) -> None:
        if self._settings.allow_private_addresses or self._proxy is not None:
            return  # behind a proxy the peer is the proxy; the guard checked the target
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if not peer:
            return
        if _forbidden(ipaddress.ip_address(peer[0])):
            raise BlockedURLError(f"{url} connected to {peer[0]}, a non-public address; refused")

    async def _result(self, response: httpx.Response, url: str) -> FetchResult:
        if response.status_code == 304:
            body = b""
        elif response.status_code == 200:
            body = await self._read_capped(response)
        else:
            raise HTTPStatusError(response.status_code, url)
        return FetchResult(
            url=url,
            status=response.status_code,
            body=body,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self._settings.max_bytes
        declared = response.headers.get("content-length", "")
        encoded = "content-encoding" in response.headers  # then the length is the compressed one
        if declared.isdigit() and int(declared) > cap and not encoded:
            raise TooLargeError(f"{response.url} announces {declared} bytes (cap {cap})")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLargeError(f"{response.url} sent more than {cap} bytes; cut off")
            chunks.append(chunk)
        return b"".join(chunks)
