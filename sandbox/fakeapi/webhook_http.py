"""One webhook POST over kept-alive connections, and Telegram's words for its failures.

``webhook`` decides what to send and when; this module only speaks HTTP. Connections are kept
alive between POSTs as Telegram's are (a bot's server sees a few long-lived connections, not
one per update); one the bot closed while idle is replaced once, without counting a failure.
Every open connection is tracked so that ``cut`` can wake a worker waiting on an answer that
will never come when the fake stops.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """One update ready to go: its JSON and where it goes."""

    update_id: int
    data: bytes
    host: str
    port: int
    target: str
    secret: str | None
    generation: int


@dataclass(frozen=True)
class Answer:
    """The bot's HTTP answer to a POST."""

    status: int
    reason: str
    body: bytes
    content_type: str
    retry_after: float | None


class Connections:
    """Kept-alive connections to the webhook, and every open one so ``cut`` can reach it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[http.client.HTTPConnection] = []
        self._open: set[http.client.HTTPConnection] = set()
        self._cut = False

    def take(
        self, host: str, port: int, timeout: float
    ) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection to ``host:port`` (reused: True) or a new one."""
        with self._lock:
            if self._cut:
                raise ConnectionAbortedError("the fake Telegram is stopping")
            while self._idle:
                conn = self._idle.pop()
                if (conn.host, conn.port, conn.timeout) == (host, port, timeout):
                    return conn, True
                self._close(conn)  # kept for a webhook since replaced
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            self._open.add(conn)
            return conn, False

    def connected(self, conn: http.client.HTTPConnection) -> None:
        """Connect ``conn`` if it is new; refuse when ``cut`` came first.

        A socket still connecting is not yet there to be shut down, so the worker checks the
        flag once it is: either ``cut`` sees the socket, or the worker sees the flag.
        """
        if conn.sock is None:
            conn.connect()
        with self._lock:
            if self._cut:
                raise ConnectionAbortedError("the fake Telegram is stopping")

    def give_back(self, conn: http.client.HTTPConnection, *, keep: bool) -> None:
        """Return a connection after an answer; closed unless ``keep`` and still running."""
        with self._lock:
            if keep and not self._cut:
                self._idle.append(conn)
            else:
                self._close(conn)

    def cut(self) -> None:
        """Shut every open socket, waking workers blocked on an answer."""
        with self._lock:
            self._cut = True
            for conn in list(self._open):
                sock = conn.sock
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

    def close_all(self) -> None:
        """Close what is left once the workers are done."""
        with self._lock:
            for conn in list(self._open):
                self._close(conn)
            self._idle.clear()

    def _close(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        self._open.discard(conn)


def describe(exc: BaseException) -> str:
    """Telegram's wording for a delivery that got no HTTP answer."""
    if isinstance(exc, ConnectionRefusedError):
        return "Connection refused"
    if isinstance(exc, TimeoutError):
        return "Read timeout expired"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "Webhook connection closed"
    if isinstance(exc, ConnectionResetError | BrokenPipeError):
        return "Connection reset by peer"
    if isinstance(exc, http.client.HTTPException):
        return "Wrong response from the webhook: malformed HTTP answer"
    return str(exc) or type(exc).__name__


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header, capped at an hour as Telegram caps them."""
    if value is None or not value.strip().isdigit():
        return None
    return float(min(int(value), 3600))


def post(connections: Connections, job: Job, timeout: float) -> Answer | str:
    """POST one update; the answer, or Telegram's description of why there is none."""
    headers = {"Content-Type": "application/json", "Content-Length": str(len(job.data))}
    if job.secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = job.secret
    while True:
        try:
            conn, reused = connections.take(job.host, job.port, timeout)
        except ConnectionAbortedError as exc:
            return describe(exc)
        try:
            connections.connected(conn)
            conn.request("POST", job.target, body=job.data, headers=headers)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            connections.give_back(conn, keep=False)
            stale = isinstance(exc, ConnectionResetError | BrokenPipeError)
            if reused and stale:
                continue  # the bot closed a kept-alive connection meanwhile: a fresh one
            return describe(exc)
        connections.give_back(conn, keep=not response.will_close)
        return Answer(
            response.status,
            response.reason,
            body,
            response.getheader("Content-Type", ""),
            retry_after(response.getheader("Retry-After")),
        )
