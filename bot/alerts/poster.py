"""POST ready-made JSON to one Bot API method over one aiohttp session.

Only the alert fan-out uses it (see `bot/alerts/sender.py` for why it does not go through
python-telegram-bot). It does one thing: send `body` to a fixed URL over a bounded pool of
keep-alive connections (plain or TLS, verified with httpx's default context, as
python-telegram-bot's own client does) and hand back the status code and raw answer.
Everything else — retries, what an answer means — is the caller's.

Errors say whether the request can have reached the server: `NotSentError` (the connection
could not be opened, or a free one did not come in time, so nothing was sent) or
`MaybeSentError` (the request was written, then the connection failed, timed out or answered
nonsense — the message may have gone out). Neither message contains the URL: it holds the bot
token. Nothing here logs.

Lean on purpose, because at 1000 alerts a second every microsecond of a request is a
millisecond of the bot's CPU each second (profile in the commit that introduced this module):
one session and one `TCPConnector` sized to the in-flight bound, and a semaphore of that size
in front of it, so no request ever waits inside aiohttp's pool (where a wait would also blur
"not sent" into a timeout); the URL parsed once; headers built once, aiohttp's automatic ones
skipped; no cookie jar, no decompression, one `ClientTimeout` for the session's life; the
answer read as bytes and parsed only by the caller, only when it is not a success.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
import httpx
from multidict import CIMultiDict
from yarl import URL

from bot.domain.errors import MaybeSentError, NotSentError

# Connecting (and the TLS handshake) may take longer than an answer on a busy machine; nothing
# has been sent yet, so waiting longer here never makes a message ambiguous.
MIN_CONNECT_SECONDS = 5.0
# An idle connection older than this is closed, not reused (as httpx): a server that dropped
# it meanwhile would turn the next alert on it into a "maybe sent".
KEEPALIVE_SECONDS = 5.0
_HEADERS = CIMultiDict(
    {
        "User-Agent": "newsdesk-alerts",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
)
# aiohttp would add these to every request; the Bot API needs none of them.
_SKIPPED = ("Accept-Encoding",)


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete HTTP answer."""

    status: int
    body: bytes


class JsonPoster:
    """POST JSON bodies to one URL over at most `max_connections` keep-alive connections."""

    def __init__(
        self,
        url: str,
        *,
        max_connections: int,
        timeout: float,
        connect_timeout: float | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("expected an http:// or https:// URL")
        self._url = URL(url, encoded=True)
        self._tls = parts.scheme == "https"
        self._max_connections = max_connections
        # Nothing is sent while connecting, so the connect wait may be longer than an answer's.
        # One object for the session's life: aiohttp reads it on every request, never copies it.
        connect = max(timeout, MIN_CONNECT_SECONDS) if connect_timeout is None else connect_timeout
        self._timeout = aiohttp.ClientTimeout(total=None, connect=connect, sock_read=timeout)
        self._slots = asyncio.Semaphore(max_connections)
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        """The session, made on first use: aiohttp wants a running event loop for it."""
        if self._tls and self._ssl is None:
            self._ssl = httpx.create_ssl_context()  # as python-telegram-bot's httpx client
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            limit_per_host=0,
            keepalive_timeout=KEEPALIVE_SECONDS,
            ssl=self._ssl if self._tls and self._ssl is not None else True,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            headers=_HEADERS,
            skip_auto_headers=_SKIPPED,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )
        return self._session

    async def post(self, body: bytes) -> Answer:
        """Send `body`; raises NotSentError or MaybeSentError when no complete answer came back."""
        session = self._session or self._open()
        async with self._slots:
            try:
                response = await session.post(self._url, data=body)
                # No `async with`: reading the whole answer gives the connection back, and a
                # failed (or cancelled) read closes it; the context manager only cost time.
                return Answer(response.status, await response.read())
            except aiohttp.ClientConnectorError as exc:  # refused, unreachable, DNS, TLS
                raise NotSentError(f"could not connect: {_cause(exc)}") from None
            except aiohttp.ConnectionTimeoutError:  # connecting, or waiting for a free one
                raise NotSentError("timed out connecting") from None
            except (TimeoutError, aiohttp.ServerTimeoutError):
                raise MaybeSentError("timed out waiting for the answer") from None
            except (aiohttp.ClientError, OSError, ValueError) as exc:
                raise MaybeSentError(
                    f"connection failed after sending: {type(exc).__name__}"
                ) from None

    async def close(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def _cause(exc: aiohttp.ClientConnectorError) -> str:
    """What went wrong connecting, without aiohttp's message (which names host and port only,
    but says it in a sentence that hides the cause: "Cannot connect to host ...")."""
    return f"{type(exc.os_error).__name__}: {exc.os_error.strerror or exc.os_error}"
