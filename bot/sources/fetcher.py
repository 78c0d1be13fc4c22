"""Fetching one URL the way a polite, defensive feed reader should.

Everything a hostile or broken server could do to the bot is bounded here: connect and total
timeouts; a body cap on the bytes received *and* on the bytes decoded, enforced while decoding
(every Content-Encoding layer, and a gzip file served as the body, is undone here a piece at a
time, so `gzip, gzip` or a gzip file inside deflate stops at the cap instead of inflating in
memory first: a fetch holds about twice the cap at most); at most five redirects.
Every hop's URL is checked at the door (`bot.urls`), its host resolved once and every address
checked by the guard (`bot.sources.addresses`), and the connection pinned to those checked
addresses (`bot.sources.pinning`), so nothing is ever sent to a refused address, even when the
name's DNS answer changes between the check and the connect.

Whatever goes wrong comes out as a `FetchError` subclass with a message for a person: an
exception from httpx, the OS, zlib or a URL parser never escapes `fetch`.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin

import httpcore
import httpx

from bot import __version__
from bot.domain.errors import (
    FetchError,
    InvalidURLError,
    NetworkError,
    StatusCodeError,
    TooLargeError,
)
from bot.ingest.inflate import Inflater, codings
from bot.sources.addresses import Resolver, resolve_checked, system_resolver
from bot.sources.pinning import PIN, PinnedTransport
from bot.sources_settings import FetchingSettings
from bot.urls import check_url

logger = logging.getLogger(__name__)

USER_AGENT = f"newsdesk/{__version__} (news channel bot; feed reader)"
MAX_REDIRECTS = 5
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# What can go wrong below `fetch` that is not already a FetchError; each becomes a NetworkError.
_LOW_LEVEL = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.StreamError,
    httpcore.ConnectionNotAvailable,
    OSError,
    ValueError,
    UnicodeError,
    zlib.error,
)


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


async def guard(
    url: str, *, allow_private: bool, resolver: Resolver = system_resolver
) -> list[str]:
    """Check `url` and resolve its host once; the addresses a connection may use."""
    target = httpx.URL(check_url(url))
    port = target.port or (443 if target.scheme == "https" else 80)
    host = target.raw_host.decode("ascii")
    return await resolve_checked(host, port, allow_private=allow_private, resolver=resolver)


class Fetcher:
    """An HTTP client for feeds and pages; one per process, closed with `aclose()`.

    `resolver` answers host names (the system's by default) and `network` opens connections
    (httpcore's by default): tests pass their own instead of patching. With a `proxy`, the
    proxy connects, so nothing can be pinned; the guard still checks every target's addresses.
    """

    def __init__(
        self,
        settings: FetchingSettings,
        *,
        proxy: str | None = None,
        resolver: Resolver = system_resolver,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._settings = settings
        self._proxy = proxy
        self._resolver = resolver
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=8)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                settings.total_timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            follow_redirects=False,  # each hop is checked, resolved and pinned first
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,  # an inherited HTTP_PROXY must not silently bypass the guard
            proxy=proxy,
            transport=None if proxy else PinnedTransport(limits=limits, network=network),
            limits=limits,
            # httpx parses a redirect's Location itself (for `next_request`) before `send`
            # returns; checking it first names a garbage Location instead of a protocol error.
            event_hooks={"response": [_check_location]},
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
        except FetchError:
            raise
        except TimeoutError:
            raise NetworkError(f"timed out after {total:g} s fetching {url}") from None
        except httpx.TimeoutException:
            raise NetworkError(f"timed out fetching {url}") from None
        except _LOW_LEVEL as exc:
            detail = str(exc) or "no detail"
            raise NetworkError(
                f"network error fetching {url}: {type(exc).__name__}: {detail}"
            ) from None

    async def _follow(
        self, url: str, etag: str | None, last_modified: str | None, accept: str
    ) -> FetchResult:
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = check_url(url)
        for hop in range(MAX_REDIRECTS + 1):
            request = await self._request(current, headers)
            response = await self._client.send(request, stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    if hop == MAX_REDIRECTS:
                        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}")
                    current = _redirect_target(current, location)
                    logger.debug("redirect %d from %s to %s", response.status_code, url, current)
                    continue
                return await self._result(response, current)
            finally:
                await response.aclose()
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    async def _request(self, url: str, headers: dict[str, str]) -> httpx.Request:
        """The request for one hop, carrying the checked addresses it may connect to."""
        addresses = await guard(
            url,
            allow_private=self._settings.allow_private_addresses,
            resolver=self._resolver,
        )
        extensions = {PIN: addresses} if self._proxy is None else {}
        return self._client.build_request("GET", url, headers=headers, extensions=extensions)

    async def _result(self, response: httpx.Response, url: str) -> FetchResult:
        if response.status_code == 304:
            body = b""
        elif response.status_code == 200:
            body = await self._read_capped(response)
        else:
            raise StatusCodeError(response.status_code, url)
        return FetchResult(
            url=url,
            status=response.status_code,
            body=body,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """The decoded body; neither the bytes received nor the bytes decoded may pass the cap."""
        cap = self._settings.max_bytes
        applied = codings(response.headers.get_list("content-encoding"))
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLargeError(f"{response.url} announces {declared} bytes (cap {cap})")
        inflater = Inflater(applied)
        body = bytearray()
        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > cap:
                raise TooLargeError(f"{response.url} sent more than {cap} bytes; cut off")
            for piece in inflater.feed(chunk):
                _append(body, piece, cap, response.url)
        for piece in inflater.finish():
            _append(body, piece, cap, response.url)
        return bytes(body)


def _append(body: bytearray, piece: bytes, cap: int, url: httpx.URL) -> None:
    if len(body) + len(piece) > cap:
        raise TooLargeError(f"{url} decompresses to more than {cap} bytes; cut off")
    body += piece


async def _check_location(response: httpx.Response) -> None:
    """Refuse a redirect whose Location cannot be fetched, before httpx parses it."""
    location = response.headers.get("location")
    if response.status_code in _REDIRECTS and location:
        _redirect_target(str(response.request.url), location)


def _redirect_target(current: str, location: str) -> str:
    """The absolute URL a Location header points to, checked like any other URL."""
    try:
        return check_url(urljoin(current, location.strip().replace(" ", "%20")))
    except ValueError as exc:  # urljoin could not split it
        problem = f"the URL cannot be parsed ({exc})"
    except InvalidURLError as exc:
        problem = str(exc)
    raise InvalidURLError(
        f"{current} redirects to {location[:200]!r}, which cannot be fetched: {problem}"
    )
