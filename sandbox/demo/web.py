"""The demo page's HTTP server, on aiohttp.web: the page, its two static files, three JSON routes.

aiohttp is the project's one HTTP library (client and server), so the page uses it rather than
a parser of our own. The server runs in the bot's own event loop and is careful where it matters
even on loopback: it binds to 127.0.0.1 unless told otherwise; requests are size-limited (the
body by `client_max_size`, the head by the parser's line, field and count limits); the Host
header must name this server (so a web site cannot reach it by DNS rebinding); actions need a
JSON body (so another origin cannot post them without a CORS preflight, and no route answers
OPTIONS or sends an Access-Control header); and every answer carries a strict
Content-Security-Policy that allows only this server's own script and styles.

What aiohttp answers before a request reaches the application (a malformed request line, a
header over the limits) is its own short plain-text 400, sent without these headers and with
the connection closed; nothing of the page is in it.
"""

from __future__ import annotations

import json
import logging
import math
from importlib.resources import files
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler

from sandbox.demo.view import DemoView, UnknownPersonaError

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
# The head: no line or header over 8 KiB, at most 64 headers (browsers send about 15).
MAX_HEADER_LINE_BYTES = 8 * 1024
MAX_HEADERS = 64
IDLE_SECONDS = 10.0  # an idle keep-alive connection is closed after this
SHUTDOWN_GRACE_SECONDS = 0.2  # requests in flight at close() (long polls) are then cancelled
LONG_POLL_SECONDS = 20.0
TOAST_WAIT_SECONDS = 5.0
MAX_TEXT_CHARS = 4096  # Telegram's own limit on a message

_STATIC = {
    "/static/app.js": ("app.js", "text/javascript"),
    "/static/style.css": ("style.css", "text/css"),
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": _CSP,
}
# aiohttp logs a request it cannot parse with a traceback; that is the client's fault, not ours.
_requests_logger = logging.getLogger(f"{__name__}.requests")


def _not_a_client_fault(record: logging.LogRecord) -> bool:
    """Keep a log record unless it is about a request aiohttp could not parse."""
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, HttpProcessingError)


def _seconds(text: str) -> float:
    """A long poll's wait from the query string, within 0 … LONG_POLL_SECONDS."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("wait must be a number of seconds")
    return min(max(value, 0.0), LONG_POLL_SECONDS)


def _param(request: web.Request, name: str, default: str) -> str:
    """The last non-blank value of a query parameter (as `parse_qs` reads it), or `default`."""
    values = [value for value in request.query.getall(name, []) if value]
    return values[-1] if values else default


def _ok(data: dict[str, Any]) -> web.Response:
    return web.json_response(data, dumps=lambda obj: json.dumps(obj, ensure_ascii=False))


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal (ours or aiohttp's 404, 405, 413) as the JSON the page's script reads."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return web.json_response(
            {"ok": False, "error": exc.text or exc.reason}, status=exc.status, headers=headers
        )


async def _add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """The same protective headers on every answer, errors included."""
    response.headers.update(_SECURITY_HEADERS)


class DemoServer:
    """Serves the page, its static files and the JSON endpoints the page calls."""

    def __init__(self, view: DemoView, host: str = "127.0.0.1", port: int = 0) -> None:
        self._view = view
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self._static = {
            path: (files("sandbox.demo") / "static" / name).read_bytes()
            for path, (name, _type) in _STATIC.items()
        }

    def _application(self) -> web.Application:
        app = web.Application(
            client_max_size=MAX_BODY_BYTES, middlewares=[_json_errors, self._check_host]
        )
        app.on_response_prepare.append(_add_security_headers)
        app.router.add_get("/", self._page, allow_head=False)
        for path in _STATIC:
            app.router.add_get(path, self._static_file, allow_head=False)
        app.router.add_get("/favicon.ico", self._favicon, allow_head=False)
        app.router.add_get("/api/state", self._state, allow_head=False)
        app.router.add_post("/api/send", self._send)
        app.router.add_post("/api/press", self._press)
        return app

    async def start(self) -> None:
        """Bind and start accepting connections."""
        if _not_a_client_fault not in _requests_logger.filters:
            _requests_logger.addFilter(_not_a_client_fault)
        runner = web.AppRunner(
            self._application(),
            access_log=None,  # a long poll every 20 s is not news
            logger=_requests_logger,
            handler_cancellation=True,  # a page that goes away ends its long poll
            shutdown_timeout=SHUTDOWN_GRACE_SECONDS,
            keepalive_timeout=IDLE_SECONDS,
            max_line_size=MAX_HEADER_LINE_BYTES,
            max_field_size=MAX_HEADER_LINE_BYTES,
            max_headers=MAX_HEADERS,
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = runner.addresses[0][1]

    @property
    def url(self) -> str:
        """The page's address."""
        return f"http://{self._host}:{self._port}/"

    async def close(self) -> None:
        """Stop accepting, and end requests in flight (long polls) after a short grace."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # -- checks ------------------------------------------------------------------------------

    @web.middleware
    async def _check_host(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Only requests addressed to this server by one of its own names are served."""
        allowed = {f"{name}:{self._port}" for name in (self._host, "localhost", "127.0.0.1")}
        if request.headers.get("Host", "").lower() not in allowed:
            raise web.HTTPForbidden(text="unexpected Host header")
        return await handler(request)

    def _persona_key(self, key: str) -> str:
        try:
            return self._view.persona(key).key
        except UnknownPersonaError:
            raise web.HTTPBadRequest(text=f"unknown persona {key!r}") from None

    @staticmethod
    async def _json_object(request: web.Request) -> dict[str, Any]:
        """The request's JSON object; anything a cross-origin form could post is refused."""
        if request.content_type != "application/json":
            raise web.HTTPUnsupportedMediaType(text="expected application/json")
        body = await request.read()  # over client_max_size: 413
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise web.HTTPBadRequest(text="the body is not JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return data

    # -- routes ------------------------------------------------------------------------------

    async def _page(self, request: web.Request) -> web.Response:
        html = self._view.page(self._persona_key(_param(request, "as", "subscriber")))
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def _static_file(self, request: web.Request) -> web.Response:
        path = request.path
        return web.Response(
            body=self._static[path], content_type=_STATIC[path][1], charset="utf-8"
        )

    async def _favicon(self, _request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _state(self, request: web.Request) -> web.Response:
        key = self._persona_key(_param(request, "as", "subscriber"))
        try:
            wait = _seconds(_param(request, "wait", "0"))
        except ValueError:
            raise web.HTTPBadRequest(text="wait must be a number of seconds") from None
        return _ok(await self._view.changed(key, _param(request, "etag", ""), wait))

    async def _send(self, request: web.Request) -> web.Response:
        data = await self._json_object(request)
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise web.HTTPBadRequest(text="text is required")
        if len(text) > MAX_TEXT_CHARS:
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_TEXT_CHARS,
                actual_size=len(text),
                text=f"a message holds at most {MAX_TEXT_CHARS} characters",
            )
        key = self._persona_key(str(data.get("as", "subscriber")))
        return _ok({"ok": True, "update_id": self._view.send(key, text.strip())})

    async def _press(self, request: web.Request) -> web.Response:
        data = await self._json_object(request)
        where, message_id, callback = data.get("where"), data.get("message_id"), data.get("data")
        if where not in ("channel", "chat") or not isinstance(message_id, int):
            raise web.HTTPBadRequest(text="where must be channel or chat, message_id a number")
        if not isinstance(callback, str) or not callback:
            raise web.HTTPBadRequest(text="data is required")
        edition = data.get("edition", 0)
        if not isinstance(edition, int) or isinstance(edition, bool):
            raise web.HTTPBadRequest(text="edition must be a number")
        key = self._persona_key(str(data.get("as", "subscriber")))
        try:
            query_id = self._view.press(key, where, message_id, callback, edition)
        except ValueError as exc:  # the message is gone
            raise web.HTTPBadRequest(text=str(exc)) from None
        answer = await self._view.answer(query_id, TOAST_WAIT_SECONDS)
        return _ok({"ok": True, "query_id": query_id, "answer": answer})
