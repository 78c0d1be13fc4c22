"""`newsdesk import FILE...`: read each file with the reader for its type, store the drafts.

Readers are chosen by file suffix in one table: JSON Lines, feeds (RSS, Atom, RDF, JSON Feed —
through the very parser that fetched feeds use), HTML article pages and the site's text pages.
A file is stored in one transaction: a crash mid-file stores none of it, and a bad line never
prevents the good ones from being stored. HTML pages are read by the time-limited page worker
(`PageReader`), so a hostile page is rejected after the limit instead of stalling the import.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.articles import ArticleService, tally
from bot.domain import UpsertOutcome
from bot.domain.errors import IngestError
from bot.ingest.drafts import ParsedInput, Rejection
from bot.ingest.encoding import decode_text
from bot.ingest.feeds import parse_feed
from bot.ingest.jsonl import parse_jsonl
from bot.ingest.links import with_clean_url
from bot.ingest.pages import parse_html_page
from bot.ingest.pageworker import PageReader
from bot.ingest.textpage import parse_text_page

IMPORT_SOURCE = "import"


class Reader(Protocol):
    """Bytes of one file to drafts; only the HTML page reader uses the page worker."""

    def __call__(
        self,
        data: bytes,
        name: str,
        tz: ZoneInfo,
        now: datetime,
        /,
        pages: PageReader | None = None,
    ) -> ParsedInput: ...


def _read_jsonl(
    data: bytes, name: str, tz: ZoneInfo, now: datetime, /, pages: PageReader | None = None
) -> ParsedInput:
    return parse_jsonl(data, name=name, tz=tz, now=now)


def _read_feed(
    data: bytes, name: str, tz: ZoneInfo, now: datetime, /, pages: PageReader | None = None
) -> ParsedInput:
    try:
        # An editor imports a feed on purpose: undated items are taken as published now.
        parsed = parse_feed(
            data, url=None, tz=tz, now=now, source=IMPORT_SOURCE, hold_undated=False
        )
    except IngestError as exc:
        return ParsedInput(rejections=[Rejection(name, str(exc))])
    rejections = [Rejection(f"{name} {r.where}", r.reason) for r in parsed.rejections]
    return ParsedInput(drafts=parsed.drafts, rejections=rejections)


def _read_html_page(
    data: bytes, name: str, tz: ZoneInfo, now: datetime, /, pages: PageReader | None = None
) -> ParsedInput:
    """An article page, through the time-limited worker when one is given (the import does)."""
    try:
        if pages is None:
            draft = parse_html_page(data, url=None, tz=tz, now=now, source=IMPORT_SOURCE)
        else:
            draft = pages.read(data, url=None, tz=tz, now=now, source=IMPORT_SOURCE)
    except IngestError as exc:
        return ParsedInput(rejections=[Rejection(name, str(exc))])
    return ParsedInput(drafts=[with_clean_url(draft)])


def _read_text_page(
    data: bytes, name: str, tz: ZoneInfo, now: datetime, /, pages: PageReader | None = None
) -> ParsedInput:
    try:
        draft = parse_text_page(decode_text(data), tz=tz, now=now, source=IMPORT_SOURCE)
    except IngestError as exc:
        return ParsedInput(rejections=[Rejection(name, str(exc))])
    return ParsedInput(drafts=[draft])


READERS: dict[str, Reader] = {
    ".jsonl": _read_jsonl,
    **dict.fromkeys((".xml", ".rss", ".atom", ".rdf", ".json", ".gz"), _read_feed),
    ".html": _read_html_page,
    ".htm": _read_html_page,
    ".txt": _read_text_page,
}
# Readers whose `now` is the moment the page was saved ("2 months ago" counts from there).
_FILE_TIME_READERS = frozenset({".txt"})


@dataclass
class ImportReport:
    """What an import did, for the CLI's summary and exit code."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def line(self) -> str:
        """One summary line."""
        return (
            f"new {self.new}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {len(self.rejections)}"
        )


async def import_files(
    paths: Sequence[Path],
    service: ArticleService,
    *,
    tz: ZoneInfo,
    now: datetime,
    page_time: datetime | None = None,
    pages: PageReader | None = None,
    extract_timeout: float = 10.0,
) -> ImportReport:
    """Import every file; problems are collected in the report, never raised.

    `page_time` (the CLI's `--now`) is when text pages were saved; without it, each file's
    modification time is used. HTML pages go through `pages`; without one, a worker limited
    to `extract_timeout` seconds is used for this import and stopped at its end.
    """
    if pages is None:
        own = PageReader(extract_timeout)
        try:
            return await import_files(
                paths, service, tz=tz, now=now, page_time=page_time, pages=own
            )
        finally:
            await own.aclose()
    report = ImportReport()
    for path in paths:
        suffix = path.suffix.lower()
        reader = READERS.get(suffix)
        if reader is None:
            known = ", ".join(sorted(READERS))
            report.rejections.append(
                Rejection(str(path), f"unsupported file type {path.suffix!r} (expected {known})")
            )
            continue
        try:
            data = path.read_bytes()
            when = now
            if suffix in _FILE_TIME_READERS:
                when = page_time or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except OSError as exc:
            report.rejections.append(Rejection(str(path), f"cannot read: {exc.strerror}"))
            continue
        # Parsing a large feed or page takes long enough to matter inside the bot's event loop.
        parsed = await asyncio.to_thread(reader, data, str(path), tz, when, pages=pages)
        report.rejections.extend(parsed.rejections)
        counts = tally(await service.store(parsed.drafts, keep_time_of=parsed.undated))
        report.new += counts[UpsertOutcome.NEW]
        report.updated += counts[UpsertOutcome.UPDATED]
        report.unchanged += counts[UpsertOutcome.UNCHANGED]
    return report
