"""JSON Lines import: one article per line, as an editor or the site's export writes them.

Each line is validated on its own so that one bad line is reported by number and the rest are
still stored. Unknown fields are ignored (exports often carry ids of their own); a missing title
or identity is a rejection, never a guess.

Lines are split on the byte b"\\n" alone and decoded one by one: JSON strings may hold U+2028,
U+0085 or a form feed, which `str.splitlines` would treat as line ends (breaking the line and
every later line number), and one invalid UTF-8 byte must reject its own line, not the file.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.domain import ArticleDraft
from bot.identity import article_guid
from bot.ingest.drafts import ParsedInput, Rejection
from bot.ingest.links import clean_url

_Text = Annotated[str, Field(max_length=200_000)]


class ImportLine(BaseModel):
    """The accepted shape of one line."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: Annotated[str, Field(min_length=1, max_length=2_000)]
    guid: Annotated[str, Field(max_length=2_000)] | None = None
    url: Annotated[str, Field(max_length=2_000)] | None = None
    category: Annotated[str, Field(max_length=200)] | None = None
    byline: Annotated[str, Field(max_length=500)] | None = None
    published_at: datetime | None = None
    summary: _Text | None = None
    body: _Text | None = None
    image_url: Annotated[str, Field(max_length=2_000)] | None = None
    language: Annotated[str, Field(max_length=35)] | None = None
    breaking: bool = False

    @field_validator("url", "image_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value


def _first_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{loc}: {'required' if err['type'] == 'missing' else message}")
    return "; ".join(parts)


def split_lines(data: bytes) -> Iterator[tuple[int, str | UnicodeDecodeError]]:
    """Number and decode each line: (number, text), or (number, the decoding error).

    Only b"\\n" ends a line; a trailing b"\\r" (Windows files) and a UTF-8 byte-order mark on
    the first line are dropped; a last line without a newline is still a line.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            yield number, raw.removesuffix(b"\r").decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, exc


def parse_jsonl(
    data: bytes, *, name: str, tz: ZoneInfo, now: datetime, source: str = "import"
) -> ParsedInput:
    """Read JSON Lines bytes into drafts; naive times are in `tz`, missing ones become `now`.

    The guids of lines without a time are listed in `undated`, so that storing them keeps the
    time an existing article already has (a second import of the same file changes nothing).
    """
    parsed = ParsedInput()
    for number, raw in split_lines(data):
        where = f"{name}:{number}"
        if isinstance(raw, UnicodeDecodeError):
            reason = f"not UTF-8 text (byte {raw.start + 1} of the line)"
            parsed.rejections.append(Rejection(where, reason))
            continue
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            parsed.rejections.append(Rejection(where, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(value, dict):
            parsed.rejections.append(Rejection(where, "expected a JSON object"))
            continue
        try:
            line = ImportLine.model_validate(value)
        except ValidationError as exc:
            parsed.rejections.append(Rejection(where, _first_error(exc)))
            continue
        if not line.guid and not line.url:
            parsed.rejections.append(Rejection(where, "needs a guid or a url"))
            continue
        published = line.published_at or now
        if published.tzinfo is None:
            published = published.replace(tzinfo=tz)
        guid = article_guid(line.guid, line.url, line.title, published)
        if line.published_at is None:
            parsed.undated.add(guid)
        else:
            parsed.undated.discard(guid)  # the last line of a guid wins, as when storing
        parsed.drafts.append(
            ArticleDraft(
                # Identity from the URL as given (stored keys stay); the stored link is clean.
                guid=guid,
                url=clean_url(line.url),
                title=line.title,
                category=line.category or None,
                byline=line.byline or None,
                published_at=published,
                summary=line.summary or None,
                body=line.body or None,
                image_url=line.image_url,
                language=line.language or None,
                source=source,
                is_breaking=line.breaking,
            )
        )
    return parsed
