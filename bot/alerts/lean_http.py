"""A small HTTP/1.1 keep-alive client that POSTs ready-made JSON to one Bot API method.

Only the alert fan-out uses it (see `bot/alerts/sender.py` for why it does not go through
python-telegram-bot). It does one thing: send `body` to a fixed URL over a bounded pool of
persistent connections (plain or TLS, verified with httpx's default context) and hand back the
status code and raw answer. Everything else — retries, what an answer means — is the caller's.

Errors say whether the request can have reached the server: `NotSentError` (the connection could
not be opened, so nothing was sent) or `MaybeSentError` (the request was written, then the
connection failed, timed out or answered nonsense — the message may have gone out). Neither
message contains the URL: it holds the bot token. Nothing here logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx

from bot.domain.errors import MaybeSentError, NotSentError

# Connecting (and the TLS handshake) may take longer than an answer on a busy machine; nothing
# has been sent yet, so waiting longer here never makes a message ambiguous.
MIN_CONNECT_SECONDS = 5.0
KEEPALIVE_SECONDS = 5.0  # an idle connection older than this is closed, not reused (as httpx)
_MAX_HEAD = 64 * 1024
_MAX_BODY = 4 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer."""

    status: int
    body: bytes


def proxied(url: str) -> bool:
    """Whether the environment (HTTP(S)_PROXY) routes `url` through a proxy; this client
    does not speak to proxies, so such a deployment keeps using python-telegram-bot."""
    parts = urlsplit(url)
    return bool(getproxies().get(parts.scheme)) and not proxy_bypass(parts.hostname or "")


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = time.monotonic()

    def usable(self, now: float) -> bool:
        """Still open on both sides, and not idle for so long the server may drop it."""
        return (
            now - self.idle_since < KEEPALIVE_SECONDS
            and not self.reader.at_eof()
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()

    async def exchange(self, request: bytes) -> tuple[Answer, bool]:
        """Write one request, read its answer; also say whether the connection stays usable."""
        self.writer.write(request)
        await self.writer.drain()
        while True:
            head = await self.reader.readuntil(b"\r\n\r\n")
            status, version, headers = _parse_head(head)
            if status >= 200:
                break  # a 1xx interim answer is followed by the real one
        encoding = headers.get("transfer-encoding", "").lower()
        if encoding == "chunked":
            body = await self._read_chunked()
        elif encoding:
            raise MaybeSentError(f"unsupported transfer-encoding {encoding!r}")
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if not 0 <= length <= _MAX_BODY:
                raise MaybeSentError("answer too large")
            body = await self.reader.readexactly(length)
        else:  # delimited by the end of the connection
            return Answer(status, await self.reader.read(_MAX_BODY)), False
        keep = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
        return Answer(status, body), keep

    async def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                while await self.reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > _MAX_BODY:
                raise MaybeSentError("answer too large")
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


def _parse_head(head: bytes) -> tuple[int, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    if not version.startswith("HTTP/1."):
        raise MaybeSentError("not an HTTP/1.x answer")
    status = int(rest[:3])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return status, version, headers


class JsonPoster:
    """POST JSON bodies to one URL over at most `max_connections` keep-alive connections."""

    def __init__(
        self,
        url: str,
        *,
        max_connections: int,
        timeout: float,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("expected an http:// or https:// URL")
        self._host = parts.hostname
        self._tls = parts.scheme == "https"
        self._port = parts.port or (443 if self._tls else 80)
        default_port = self._port == (443 if self._tls else 80)
        host_header = parts.netloc.rpartition("@")[2] if not default_port else self._host
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self._head = (
            f"POST {path} HTTP/1.1\r\nHost: {host_header}\r\n"
            "User-Agent: newsdesk-alerts\r\nAccept: application/json\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode("latin-1")
        self._timeout = timeout
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: list[_Connection] = []
        self._ssl = ssl_context  # None: httpx's default (certifi's roots), made when first used

    async def post(self, body: bytes) -> Answer:
        """Send `body`; raises NotSentError or MaybeSentError when no complete answer came back."""
        request = b"%s%d\r\n\r\n%s" % (self._head, len(body), body)
        async with self._slots:
            connection = self._take_idle() or await self._connect()
            try:
                async with asyncio.timeout(self._timeout):
                    answer, keep = await connection.exchange(request)
            except MaybeSentError:
                connection.close()
                raise
            except TimeoutError:
                connection.close()
                raise MaybeSentError("timed out waiting for the answer") from None
            except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    ValueError) as exc:  # fmt: skip
                connection.close()
                raise MaybeSentError(
                    f"connection failed after sending: {type(exc).__name__}"
                ) from None
            except BaseException:  # cancelled mid-answer: the connection is in an unknown state
                connection.close()
                raise
            if keep:
                connection.idle_since = time.monotonic()
                self._idle.append(connection)
            else:
                connection.close()
            return answer

    def _take_idle(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()  # the most recently used: the others may expire
            if connection.usable(now):
                return connection
            connection.close()
        return None

    async def _connect(self) -> _Connection:
        if self._tls and self._ssl is None:
            self._ssl = httpx.create_ssl_context()  # as python-telegram-bot's httpx client
        try:
            async with asyncio.timeout(max(self._timeout, MIN_CONNECT_SECONDS)):
                reader, writer = await asyncio.open_connection(
                    self._host,
                    self._port,
                    ssl=self._ssl if self._tls else None,
                    server_hostname=self._host if self._tls else None,
                    limit=_MAX_HEAD,
                )
        except TimeoutError:
            raise NotSentError("timed out connecting") from None
        except OSError as exc:  # refused, unreachable, DNS, TLS (ssl.SSLError is an OSError)
            raise NotSentError(f"could not connect: {type(exc).__name__}: {exc}") from None
        return _Connection(reader, writer)  # asyncio sets TCP_NODELAY on TCP sockets

    async def close(self) -> None:
        """Close the idle connections (those in use close when their request ends)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
