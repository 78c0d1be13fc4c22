"""The site's article pages as plain text (what "save as text" or a copy-paste of a page gives).

Such text carries the page chrome with it: loading notices, the site's name, icon ligature
names glued to the words beside them (`folder_openInternational News`, `access_time2 months
ago`, `starAdd to favorites`) and the comment/breaking-news furniture at the end. The layout is
stable, so it is read by position: the line with the category/time icons anchors the header
(the title is the line above it), "By …" is the byline, and the body runs to the trailer.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain import ArticleDraft
from bot.domain.errors import NoArticleError
from bot.identity import article_guid
from bot.ingest.dates import parse_date, parse_relative
from bot.ingest.normalise import one_line
from bot.ingest.titles import site_names, strip_site_name

# Whole lines that are chrome wherever they appear.
_CHROME_LINES = frozenset(
    {"no script", "please wait...", "please wait…", "add to favorites", "comments",
     "breaking news", "share", "print", "related news", "related articles", "tags"}
)  # fmt: skip
# The body ends at the first of these trailer lines.
_TRAILER = frozenset({"comments", "breaking news", "related news", "related articles", "tags"})
_ICONS = ("folder_open", "access_time", "star", "person", "visibility", "comment")
_ICON_GLUED = re.compile(r"(?:^|(?<=\s))(" + "|".join(_ICONS) + r")(?=\S)")
_BYLINE = re.compile(r"^by\s+(.+)$", re.IGNORECASE)
# Site names end in a word like "Telegram", "News", "Website"; used only above the title.
_SITE_NAME_HINT = re.compile(r"\b(telegram|website|news network|online)$", re.IGNORECASE)


def _fields(line: str) -> dict[str, str]:
    """Split a meta line like 'folder_openInternational News access_time2 months ago'."""
    found: dict[str, str] = {}
    matches = list(_ICON_GLUED.finditer(line))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        found[match.group(1)] = line[match.end() : end].strip()
    return found


def _clean(lines: list[str]) -> list[str]:
    kept = []
    for raw in lines:
        line = one_line(raw)
        if line.lower() in _CHROME_LINES - _TRAILER:
            continue
        if line.startswith("star") and line[4:].strip().lower() == "add to favorites":
            continue
        kept.append(line)
    return kept


def parse_text_page(
    text: str,
    *,
    tz: ZoneInfo,
    now: datetime,
    source: str | None,
    site_name: str | None = None,
) -> ArticleDraft:
    """The article in a text capture of one of the site's pages; `now` resolves '2 months ago'."""
    lines = _clean(text.splitlines())
    meta_at = next((i for i, line in enumerate(lines) if _ICON_GLUED.search(line)), None)
    header_end = meta_at if meta_at is not None else 0
    fields = _fields(lines[meta_at]) if meta_at is not None else {}
    title_at = next(
        (i for i in range(header_end - 1, -1, -1) if lines[i]),
        None,
    )
    if title_at is None:  # no icon line: the first line that is not the site's name
        title_at = next(
            (i for i, line in enumerate(lines) if line and not _is_site_name(line, site_name)),
            None,
        )
        header_end = title_at if title_at is not None else 0
    if title_at is None:
        raise NoArticleError("no title found in the page text")
    title = strip_site_name(lines[title_at], site_names(site_name))
    rest = lines[max(header_end, title_at) + 1 :]
    byline = None
    body: list[str] = []
    for line in rest:
        if not line:
            continue
        if line.lower() in _TRAILER:
            break
        match = _BYLINE.match(line)
        if byline is None and not body and match:
            byline = match.group(1).strip()
            continue
        body.append(line)
    paragraphs = "\n\n".join(body)
    if not paragraphs:
        raise NoArticleError("no article text found in the page text")
    when = fields.get("access_time", "")
    absolute = parse_date(when, tz) if when else None
    published = absolute or (parse_relative(when, now) if when else None)
    return ArticleDraft(
        # "2 months ago" moves with the clock, so only an absolute date may enter the identity.
        guid=article_guid(None, None, title, absolute),
        title=title,
        category=fields.get("folder_open") or None,
        byline=byline,
        published_at=published or now,
        body=paragraphs,
        source=source,
    )


def _is_site_name(line: str, site_name: str | None) -> bool:
    if site_name and line.casefold() == site_name.casefold():
        return True
    return bool(_SITE_NAME_HINT.search(line))
