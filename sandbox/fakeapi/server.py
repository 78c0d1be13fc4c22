"""HTTP plumbing: a stdlib threaded server speaking keep-alive HTTP/1.1 on a loopback port.

The server runs in its own thread so it keeps answering while a test's event loop is busy or
blocked; that is why it stays on the standard library's threaded server rather than aiohttp.web
(the project's HTTP library, which the demo page uses), whose server lives in an event loop and
would stop answering with it. It owns nothing but sockets: every decision is the dispatcher's.
Two details matter for tests: the request line contains the bot token, so logging is redacted, and
``stop()`` must not hang on idle keep-alive connections or held answers, so open connections
are tracked and shut down and every wait observes the ``stopping`` event. It stays on the
stdlib's threaded server rather than an asyncio one (aiohttp is a dependency now) for that same
reason: a test's event loop may block (a synchronous wait, a slow assertion) while the bot still
needs answers, and an asyncio server on the test's loop would stop with it. Under a benchmark's
storm it serves from its own process: ~3,000 answerCallbackQuery/s at most, 1,600/s at ~40% of
one core (bench/burst.py reports its CPU). Requests from web
pages (a wrong Host, an Origin, browser fetch metadata) are refused first: see ``guard``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sandbox.fakeapi.dispatch import Outcome
from sandbox.fakeapi.guard import allowed_hosts, refusal

logger = logging.getLogger(__name__)

Dispatch = Callable[[str, str, bytes, str], Outcome]
_TOKEN_IN_PATH = re.compile(r"/bot[^/\s]*")
_MAX_BODY = 60 * 1024 * 1024


def redact(text: str) -> str:
    """Hide any bot token in a request line or path."""
    return _TOKEN_IN_PATH.sub("/bot<token>", text)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # The bot opens up to 16 connections at once (and the alert fan-out more); the default
    # listen backlog of 5 overflows under load and turns into connection resets.
    request_queue_size = 256

    def __init__(
        self, address: tuple[str, int], dispatch: Dispatch, stopping: threading.Event
    ) -> None:
        self.dispatch = dispatch
        self.stopping = stopping
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)
        self.hosts = allowed_hosts(address[0], int(self.server_address[1]))

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Client disconnects are routine in tests (timeouts, drops); log them quietly."""
        logger.debug("fake Bot API connection from %s ended with an error", client_address)

    def close_connections(self) -> None:
        """Shut down every open client socket so handler threads wake and exit."""
        with self.connections_lock:
            open_sockets = list(self.connections)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 120  # idle keep-alive connections are closed eventually
    disable_nagle_algorithm = True  # headers and body are separate writes; avoid 40 ms stalls

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        refused = refusal(self.headers, self.server.hosts)
        if refused is not None:
            # Browsers' requests are turned away unread and unrecorded (see sandbox.fakeapi.guard).
            self.close_connection = True
            self._answer(403, {"ok": False, "error_code": 403, "description": refused})
            return
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        path, _, query = self.path.partition("?")
        try:
            outcome = self.server.dispatch(path, query, body, self.headers.get("Content-Type", ""))
        except Exception:
            logger.exception("fake Bot API failed to dispatch %s", redact(path))
            error = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            outcome = Outcome(500, error)
        if outcome.hold > 0:
            self.server.stopping.wait(outcome.hold)
        if outcome.body is None or self.server.stopping.is_set():
            self._drop()
            return
        self._answer(outcome.status, outcome.body)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        # One write per answer, status line to body: send_response/end_headers followed by the
        # body costs two sends, which was the fake's largest cost in a storm of answers (py-spy
        # at 1,600 answerCallbackQuery/s: 23% of its CPU in socket writes).
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.log_request(status)
        head = (
            f"{self.protocol_version} {status} {self.responses.get(status, ('',))[0]}\r\n"
            f"Server: {self.version_string()}\r\nDate: {self.date_time_string()}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        try:
            self.wfile.write(head.encode("latin-1") + data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        if logger.isEnabledFor(logging.DEBUG):  # formatted per request only when it is shown
            logger.debug("fake Bot API: %s", redact(format % args))


class HttpServerThread:
    """The listening socket plus the thread that serves it."""

    def __init__(self, dispatch: Dispatch, stopping: threading.Event, host: str, port: int):
        self._server = _Server((host, port), dispatch, stopping)
        self._stopping = stopping
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram-http",
            daemon=True,
        )

    @property
    def port(self) -> int:
        """The bound port (useful when started on port 0)."""
        return int(self._server.server_address[1])

    def start(self) -> None:
        """Begin serving in the background thread."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, wake held answers, close connections and join the thread."""
        self._stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout)
