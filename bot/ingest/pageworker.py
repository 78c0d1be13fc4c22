"""Article pages are read in a separate, killable process with a hard time limit.

trafilatura is pure Python over lxml: a hostile page of a few megabytes (tens of thousands of
links, table cells or paragraphs) keeps it busy for minutes, and a thread cannot be stopped.
So every HTML page goes to one worker process (`PageReader`), started on first use with the
`spawn` method — a fresh interpreter that inherits neither the event loop, nor the store's
connection, nor any other descriptor — and killed and replaced when a page passes the limit.

A `ProcessPoolExecutor` was not used: it cannot cancel a task that is running, and a worker
killed under it breaks the whole pool. The supervisor here is small: one `Process`, one `Pipe`,
one lock (one page at a time; callers queue, and the wait counts against their limit).

    caller ──(data, url, zone, now, source, type)──▶ worker: parse_html_page
           ◀──("ok", draft) | ("no-article", reason) | ("error", reason)──

The limit counts from the call until the answer; starting a fresh worker (importing
trafilatura, about half a second) has its own allowance and is not counted against the page.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import threading
import time
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import ArticleDraft
from bot.domain.errors import ExtractTimeoutError, NoArticleError

logger = logging.getLogger(__name__)

# Importing trafilatura in a fresh interpreter takes ~0.5 s; a loaded machine may need more.
START_TIMEOUT_SECONDS = 60.0
_READY = "ready"


def _serve(conn: Connection) -> None:
    """The worker's loop: read a page per request until the pipe closes."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from bot.ingest.pages import parse_html_page  # noqa: PLC0415 - only the worker needs it

    conn.send(_READY)
    while True:
        try:
            data, url, zone, now, source, content_type, hold_undated = conn.recv()
        except (EOFError, OSError):
            return
        try:
            draft = parse_html_page(
                data,
                url=url,
                tz=ZoneInfo(zone),
                now=now,
                source=source,
                content_type=content_type,
                hold_undated=hold_undated,
            )
        except NoArticleError as exc:
            reply: tuple[str, Any] = ("no-article", str(exc))
        except Exception as exc:  # any failure is this page's: reported back, worker lives on
            reply = ("error", f"{type(exc).__name__}: {exc}")
        else:
            reply = ("ok", draft.model_dump())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class PageReader:
    """Reads HTML article pages in a worker process, each within `timeout` seconds."""

    def __init__(self, timeout: float, *, start_timeout: float = START_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closed = False
        self.kills = 0  # how many workers were killed for overrunning (for /status and tests)

    @property
    def pid(self) -> int | None:
        """The running worker's process id, None when there is none."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def read(
        self,
        data: bytes,
        *,
        url: str | None,
        tz: ZoneInfo,
        now: datetime,
        source: str | None,
        content_type: str | None = None,
        hold_undated: bool = True,
    ) -> ArticleDraft:
        """The article on the page; `ExtractTimeoutError` past the limit, else `NoArticleError`.

        The arguments are `parse_html_page`'s; the page is read in the worker process.
        """
        asked = time.monotonic()
        if not self._lock.acquire(timeout=self.timeout):
            raise ExtractTimeoutError(self._too_slow())
        try:
            if self._closed:
                raise NoArticleError("the page reader is shut down")
            queued = time.monotonic() - asked  # waiting behind another page counts
            conn = self._ready_worker()  # starting a worker does not
            deadline = time.monotonic() + max(self.timeout - queued, 0.0)
            job = (data, url, tz.key, now, source, content_type, hold_undated)
            try:
                conn.send(job)
                answered = conn.poll(max(deadline - time.monotonic(), 0))
                reply = conn.recv() if answered else None
            except (EOFError, OSError):
                self._stop_worker()
                raise NoArticleError("the page reader stopped unexpectedly") from None
            if reply is None:
                self.kills += 1
                logger.warning(
                    "page extraction passed %.1f s (%d bytes from %s): worker killed",
                    self.timeout,
                    len(data),
                    url or "a file",
                )
                self._stop_worker()
                raise ExtractTimeoutError(self._too_slow())
        finally:
            self._lock.release()
        kind, value = reply
        if kind == "ok":
            return ArticleDraft.model_validate(value)
        if kind == "error":
            logger.error("page extraction failed for %s: %s", url or "a file", value)
            raise NoArticleError("the page could not be read")
        raise NoArticleError(str(value))

    async def aread(
        self,
        data: bytes,
        *,
        url: str | None,
        tz: ZoneInfo,
        now: datetime,
        source: str | None,
        content_type: str | None = None,
        hold_undated: bool = True,
    ) -> ArticleDraft:
        """`read` from the event loop: a thread waits on the pipe, the loop stays free."""
        return await asyncio.to_thread(
            self.read,
            data,
            url=url,
            tz=tz,
            now=now,
            source=source,
            content_type=content_type,
            hold_undated=hold_undated,
        )

    def close(self) -> None:
        """Stop the worker (a page in progress is abandoned); later reads are refused."""
        self._closed = True
        self._stop_worker()

    async def aclose(self) -> None:
        """`close` for the lifecycle hooks."""
        self.close()

    def _too_slow(self) -> str:
        return f"this page could not be read in time (limit {self.timeout:g} s)"

    def _ready_worker(self) -> Connection:
        """The live worker's pipe, starting a fresh worker when there is none."""
        process, conn = self._process, self._conn
        if process is not None and conn is not None and process.is_alive():
            return conn
        self._stop_worker()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(child,), name="newsdesk-pages", daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        try:
            ready = parent.poll(self._start_timeout) and parent.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._stop_worker()
            raise NoArticleError("the page reader could not be started")
        logger.debug("page reader worker %s started", process.pid)
        return parent

    def _stop_worker(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        # Kill before closing the pipe: a reader waiting on it then sees EOF and returns.
        if process is not None and process.is_alive():
            process.kill()
        if conn is not None:
            conn.close()
        if process is None:
            return
        process.join(5)
        if process.exitcode is not None:
            process.close()
