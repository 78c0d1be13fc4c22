"""A real HTTP server on 127.0.0.1 (port 0) that tests program route by route, and settings.

The server is the standard library's, run in a thread: the code under test talks real HTTP to
it through httpx, exactly as it talks to a news site. Routes are plain functions that write the
response; every request is recorded so tests can assert on the headers the fetcher sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.config import Settings, parse_settings

Route = Callable[["Handler"], None]


@dataclass
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    """The programmable server: `routes[path] = function(handler)`."""

    url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def hits(self, path: str) -> list[Seen]:
        """Requests received for `path`."""
        return [seen for seen in self.requests if urlsplit(seen.path).path == path]


class Handler(BaseHTTPRequestHandler):
    """Dispatches to the route for the path (absolute-form paths too, as a proxy receives)."""

    protocol_version = "HTTP/1.1"
    server: Any

    def do_GET(self) -> None:
        local: LocalServer = self.server.local
        local.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = local.routes.get(urlsplit(self.path).path)
        if route is None:
            self.reply(404, b"not found", content_type="text/plain")
            return
        route(self)

    def reply(
        self,
        status: int,
        body: bytes = b"",
        *,
        content_type: str = "application/rss+xml",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Send a complete response."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def trickle(self, *, total: int, every: float) -> None:
        """Announce `total` bytes, then send one byte per `every` seconds until stopped."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        local: LocalServer = self.server.local
        try:
            for _ in range(total):
                if local.stopping.wait(every):
                    return
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:
            return  # the client gave up, as it should

    def endless(self, *, chunk: int = 65_536, limit: int = 50_000_000) -> None:
        """Send a body with no length that goes on until the client hangs up (or `limit`)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Connection", "close")
        self.end_headers()
        block = b"<rss>" + b"x" * chunk
        sent = 0
        try:
            while sent < limit and not self.server.local.stopping.is_set():
                self.wfile.write(block)
                sent += len(block)
        except OSError:
            return

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test output is for failures."""


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A LocalServer on 127.0.0.1 and a free port, stopped after the test."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    local = LocalServer(url=f"http://127.0.0.1:{httpd.server_address[1]}")
    httpd.local = local  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield local
    local.stopping.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def make_settings(
    tmp_path: Path, *, sources: list[dict[str, Any]] | None = None, **fetching: Any
) -> Settings:
    """Valid settings for source tests: fast timeouts, private addresses allowed by default."""
    return parse_settings(
        {
            "telegram": {
                "token": "123456:TEST-token-not-real",
                "channel": "@example_news",
                "admins": [4242],
            },
            "storage": {"path": str(tmp_path / "t.sqlite3")},
            "site": {"name": "Example News", "timezone": "Asia/Beirut"},
            "publishing": {"backlog_max_age_hours": 24},
            "fetching": {
                "connect_timeout_seconds": 2.0,
                "total_timeout_seconds": 2.0,
                "max_bytes": 200_000,
                "allow_private_addresses": True,
                **fetching,
            },
            "sources": sources or [],
        }
    )
