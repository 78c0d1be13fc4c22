"""The demo page's HTTP server: the standard library's asyncio streams and a tiny parser.

A handful of routes on 127.0.0.1 do not justify a web framework as a dependency of the bot.
The server runs in the bot's own event loop, answers one request per connection, and is
careful where it matters even on loopback: requests are size-limited, the Host header must
name this server (so a web site cannot reach it by DNS rebinding), actions need a JSON body
(so another origin cannot post them without a CORS preflight, which is never granted), and a
strict Content-Security-Policy allows only this server's own script and styles.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.demo.view import DemoView, UnknownPersonaError

logger = logging.getLogger(__name__)

MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 64 * 1024
READ_TIMEOUT_SECONDS = 10.0
LONG_POLL_SECONDS = 20.0
TOAST_WAIT_SECONDS = 5.0
MAX_TEXT_CHARS = 4096  # Telegram's own limit on a message

_STATIC = {
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
}


class HttpError(Exception):
    """A request the server refuses, with the status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


Response = tuple[int, str, bytes]


def _seconds(text: str) -> float:
    """A long poll's wait from the query string, within 0 … LONG_POLL_SECONDS."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("wait must be a number of seconds")
    return min(max(value, 0.0), LONG_POLL_SECONDS)


def _json(status: int, data: Any) -> Response:
    return status, "application/json", json.dumps(data, ensure_ascii=False).encode()


class DemoServer:
    """Serves the page, its static files and the JSON endpoints the page calls."""

    def __init__(self, view: DemoView, host: str = "127.0.0.1", port: int = 0) -> None:
        self._view = view
        self._host, self._port = host, port
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._static = {
            path: (files("sandbox.demo") / "static" / name).read_bytes()
            for path, (name, _type) in _STATIC.items()
        }

    async def start(self) -> None:
        """Bind and start accepting connections."""
        self._server = await asyncio.start_server(
            self._accept, self._host, self._port, limit=MAX_HEADER_BYTES
        )
        self._port = self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{self._host}:{self._port}/"

    async def close(self) -> None:
        """Stop accepting, and end requests in flight (long polls) at once."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # so that close() can end a long poll in flight
        try:
            response = await self._respond(reader)
            await self._write(writer, *response)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # Only close() cancels these tasks; asyncio's stream callback would log a
            # cancelled task as an error, so it ends quietly instead.
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _respond(self, reader: asyncio.StreamReader) -> Response:
        try:
            async with asyncio.timeout(READ_TIMEOUT_SECONDS):
                method, target, headers, body = await _read_request(reader)
            self._check_host(headers.get("host", ""))
            return await self._route(method, target, headers, body)
        except HttpError as exc:
            return _json(exc.status, {"ok": False, "error": str(exc)})
        except (TimeoutError, asyncio.LimitOverrunError, ValueError):
            return _json(400, {"ok": False, "error": "bad request"})

    def _check_host(self, host: str) -> None:
        allowed = {f"{name}:{self._port}" for name in (self._host, "localhost", "127.0.0.1")}
        if host.lower() not in allowed:
            raise HttpError(403, "unexpected Host header")

    async def _route(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> Response:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if method == "GET":
            if path == "/":
                html = self._view.page(self._persona_key(query.get("as", "subscriber")))
                return 200, "text/html; charset=utf-8", html.encode()
            if path in self._static:
                return 200, _STATIC[path][1], self._static[path]
            if path == "/api/state":
                key = self._persona_key(query.get("as", "subscriber"))
                wait = _seconds(query.get("wait", "0"))
                return _json(200, await self._view.changed(key, query.get("etag", ""), wait))
            if path == "/favicon.ico":
                return 204, "text/plain", b""
            raise HttpError(404, "not found")
        if method != "POST":
            raise HttpError(405, "method not allowed")
        if not headers.get("content-type", "").startswith("application/json"):
            raise HttpError(415, "expected application/json")
        data = json.loads(body or b"{}")
        if not isinstance(data, dict):
            raise HttpError(400, "expected a JSON object")
        if path == "/api/send":
            return _json(200, self._send(data))
        if path == "/api/press":
            return _json(200, await self._press(data))
        raise HttpError(404, "not found")

    def _persona_key(self, key: str) -> str:
        try:
            return self._view.persona(key).key
        except UnknownPersonaError:
            raise HttpError(400, f"unknown persona {key!r}") from None

    def _send(self, data: dict[str, Any]) -> dict[str, Any]:
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise HttpError(400, "text is required")
        if len(text) > MAX_TEXT_CHARS:
            raise HttpError(413, f"a message holds at most {MAX_TEXT_CHARS} characters")
        key = self._persona_key(str(data.get("as", "subscriber")))
        return {"ok": True, "update_id": self._view.send(key, text.strip())}

    async def _press(self, data: dict[str, Any]) -> dict[str, Any]:
        where, message_id, callback = data.get("where"), data.get("message_id"), data.get("data")
        if where not in ("channel", "chat") or not isinstance(message_id, int):
            raise HttpError(400, "where must be channel or chat, message_id a number")
        if not isinstance(callback, str) or not callback:
            raise HttpError(400, "data is required")
        key = self._persona_key(str(data.get("as", "subscriber")))
        try:
            query_id = self._view.press(key, where, message_id, callback)
        except ValueError as exc:  # the message is gone
            raise HttpError(400, str(exc)) from None
        answer = await self._view.answer(query_id, TOAST_WAIT_SECONDS)
        return {"ok": True, "query_id": query_id, "answer": answer}

    async def _write(
        self, writer: asyncio.StreamWriter, status: int, content_type: str, body: bytes
    ) -> None:
        head = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            "Connection: close",
            "Cache-Control: no-store",
            "X-Content-Type-Options: nosniff",
            "Referrer-Policy: no-referrer",
            f"Content-Security-Policy: {_CSP}",
        ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, dict[str, str], bytes]:
    """Request line, lower-cased headers and body of one HTTP/1.1 request."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or "0")
    if length < 0 or length > MAX_BODY_BYTES:
        raise HttpError(413, "request body too large")
    body = await reader.readexactly(length) if length else b""
    return method.upper(), target, headers, body
