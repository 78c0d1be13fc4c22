"""`newsdesk import FILE...`: read each file with the reader for its type, store the drafts.

Readers are chosen by file suffix in one table, so feeds and pages (a later step) plug in here
without the CLI changing. A file is stored in one transaction: a crash mid-file stores none of it,
and a bad line never prevents the good ones from being stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.articles import ArticleService, tally
from bot.ingest.drafts import ParsedInput, Rejection
from bot.ingest.jsonl import parse_jsonl
from storage.articles import UpsertOutcome

Reader = Callable[[bytes, str, ZoneInfo, datetime], ParsedInput]


def _read_jsonl(data: bytes, name: str, tz: ZoneInfo, now: datetime) -> ParsedInput:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ParsedInput(rejections=[Rejection(name, f"not UTF-8 text (byte {exc.start})")])
    return parse_jsonl(text, name=name, tz=tz, now=now)


READERS: dict[str, Reader] = {".jsonl": _read_jsonl}


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
    paths: Sequence[Path], service: ArticleService, *, tz: ZoneInfo, now: datetime
) -> ImportReport:
    """Import every file; problems are collected in the report, never raised."""
    report = ImportReport()
    for path in paths:
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            known = ", ".join(sorted(READERS))
            report.rejections.append(
                Rejection(str(path), f"unsupported file type {path.suffix!r} (expected {known})")
            )
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.rejections.append(Rejection(str(path), f"cannot read: {exc.strerror}"))
            continue
        parsed = reader(data, str(path), tz, now)
        report.rejections.extend(parsed.rejections)
        counts = tally(await service.store(parsed.drafts))
        report.new += counts[UpsertOutcome.NEW]
        report.updated += counts[UpsertOutcome.UPDATED]
        report.unchanged += counts[UpsertOutcome.UNCHANGED]
    return report
