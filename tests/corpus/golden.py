"""Golden files for the real-world corpus (issue 17): load them, render the source, compare.

A golden file (`expected/feeds/<file>.toml`, `expected/pages/<file>.toml`,
`expected/<file>.toml`) says, for some items of one corpus file, what the channel post must
say: title, lead opening, Read more URL, photo, time, byline and hashtag — written by reading
the source, not by copying the program's output. The format, one table per item:

    [[item]]
    title = "Exact title as posted"       # finds the item among the drafts; must match exactly
    lead_start = "The lead's opening"     # the lead starts with this, whitespace collapsed
                                          # ("" = the post has no lead)
    lead_end = "…"                        # optional: the lead ends with this
    read_more = "https://…"               # the Read more button's URL ("" = no button)
    photo = "https://…"                   # the post's photo ("" = a text post)
    time = "2017-01-04T10:27:00-05:00"    # an instant (to the second); "2017-01-04" = date only;
                                          # "" = undated, held back
    byline = "Jane Doe, John Roe"         # people's names, each once ("" = none)
    hashtag = "#Politics"                 # "" = no hashtag

or, for an item that must not be posted at all, only `title` and `skip = "reason"`.

Each page is read by the very reader `newsdesk import` uses, each feed as a subscribed source
reads it (undated feeds held, see `read_source`), every draft is
turned into an article and rendered by `render_post` exactly as the channel would get it, and
each golden item is compared field by field with the post made from the draft of the same
title. The test (`tests/ingest/test_corpus_golden.py`) and the before/after report
(`golden_report.py`) both use this module, so they cannot disagree.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from bot.domain import Article, ArticleDraft
from bot.domain.errors import IngestError
from bot.ingest.drafts import ParsedInput, Rejection
from bot.ingest.feeds import parse_feed
from bot.ingest.importer import READERS
from bot.rendering import render_post

CORPUS = Path(__file__).resolve().parent
EXPECTED = CORPUS / "expected"
# Zone-less fallbacks are read in UTC; `now` is fixed so "2 months ago" and undated items
# come out the same on every run.
TZ = ZoneInfo("UTC")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

FIELDS = ("title", "lead", "read_more", "photo", "time", "byline", "hashtag", "skip")
_POST_KEYS = ("lead_start", "read_more", "photo", "time", "byline", "hashtag")
_KNOWN_KEYS = frozenset({"title", "lead_end", "skip", *_POST_KEYS})
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_META_SEPARATOR = " · "
_DIRECTION_MARKS = "\u200e\u200f"  # RLM/LRM that right-to-left posts put at line starts


class GoldenFormatError(ValueError):
    """A golden file that does not follow the format; the message names the file and key."""


@dataclass(frozen=True)
class GoldenItem:
    """What one item's post must say; `skip` set means it must not be posted at all."""

    title: str
    lead_start: str = ""
    lead_end: str | None = None
    read_more: str = ""
    photo: str = ""
    time: str = ""
    byline: str = ""
    hashtag: str = ""
    skip: str | None = None


@dataclass(frozen=True)
class GoldenFile:
    """One golden file: the corpus file it describes and its items."""

    path: Path
    source: Path
    items: tuple[GoldenItem, ...]

    @property
    def name(self) -> str:
        """The source's path inside the corpus, e.g. "feeds/nytimes_homepage.xml"."""
        return self.source.relative_to(CORPUS).as_posix()


def golden_paths() -> list[Path]:
    """Every golden file, in a stable order."""
    return sorted(EXPECTED.rglob("*.toml"))


def source_of(path: Path) -> Path:
    """The corpus file a golden file describes: the same relative path without ".toml"."""
    return CORPUS / path.relative_to(EXPECTED).with_suffix("")


def _check_time(value: str, where: str) -> None:
    if value == "" or _DATE_ONLY.match(value):
        if value:
            date.fromisoformat(value)
        return
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise GoldenFormatError(f"{where}: time {value!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise GoldenFormatError(f"{where}: time {value!r} has no offset")


def _item(raw: object, where: str) -> GoldenItem:
    if not isinstance(raw, dict):
        raise GoldenFormatError(f"{where}: not a table")
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise GoldenFormatError(f"{where}: unknown key(s) {', '.join(unknown)}")
    if not isinstance(raw.get("title"), str) or not raw["title"]:
        raise GoldenFormatError(f"{where}: no title")
    for key, value in raw.items():
        if not isinstance(value, str):
            raise GoldenFormatError(f"{where}: {key} must be a string")
    if "skip" in raw:
        extra = sorted(set(raw) - {"title", "skip"})
        if extra or not raw["skip"]:
            raise GoldenFormatError(f"{where}: a skip item has a reason and a title only")
        return GoldenItem(title=raw["title"], skip=raw["skip"])
    missing = [key for key in _POST_KEYS if key not in raw]
    if missing:
        raise GoldenFormatError(f"{where}: missing key(s) {', '.join(missing)}")
    _check_time(raw["time"], where)
    return GoldenItem(**raw)


def load_golden(path: Path) -> GoldenFile:
    """Read and check one golden file; a bad one raises GoldenFormatError naming the problem."""
    name = path.relative_to(EXPECTED).as_posix()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GoldenFormatError(f"{name}: {exc}") from None
    unknown = sorted(set(data) - {"item"})
    if unknown:
        raise GoldenFormatError(f"{name}: unknown top-level key(s) {', '.join(unknown)}")
    raw_items = data.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise GoldenFormatError(f"{name}: no [[item]] tables")
    items = tuple(_item(raw, f"{name} item {n}") for n, raw in enumerate(raw_items, 1))
    titles = [item.title for item in items]
    doubled = sorted({title for title in titles if titles.count(title) > 1})
    if doubled:
        raise GoldenFormatError(f"{name}: title(s) listed twice: {doubled}")
    source = source_of(path)
    if not source.is_file():
        raise GoldenFormatError(f"{name}: no corpus file {source.relative_to(CORPUS)}")
    return GoldenFile(path=path, source=source, items=items)


@cache
def read_source(source: Path) -> ParsedInput:
    """The drafts a corpus file gives the channel (cached: pages are slow).

    Pages go through the reader `newsdesk import` uses. Feeds are read as a subscribed source
    reads them: the corpus feeds are real-world sources, and a golden `time = ""` means "held
    back, not posted", which is what a source does with a feed that dates nothing — `import`
    of such a feed is an editor's deliberate choice and stamps the items "now" instead.
    """
    if source.parent.name == "feeds":
        try:
            parsed = parse_feed(source.read_bytes(), url=None, tz=TZ, now=NOW, source="corpus")
        except IngestError as exc:
            return ParsedInput(rejections=[Rejection(source.name, str(exc))])
        return ParsedInput(drafts=parsed.drafts)
    reader = READERS[source.suffix.lower()]
    return reader(source.read_bytes(), source.name, TZ, NOW)


@dataclass(frozen=True)
class Observed:
    """What the channel would get for one draft, one value per golden field."""

    title: str
    lead: str
    read_more: str
    photo: str
    draft: ArticleDraft
    byline: str
    hashtag: str

    @property
    def time(self) -> str:
        """The draft's time as a golden would spell it, plus its hold if it has one."""
        draft = self.draft
        shown = (
            draft.published_at.date().isoformat()
            if draft.date_only
            else draft.published_at.isoformat()
        )
        return shown + (f" (held: {draft.hold_reason})" if draft.hold_reason else "")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def observe(draft: ArticleDraft) -> Observed:
    """Render the draft as the channel would get it and read each field off the post."""
    article = Article(**draft.model_dump(), id=1, created_at=NOW, updated_at=NOW)
    post = render_post(article, tz=TZ)
    lines = [line.lstrip(_DIRECTION_MARKS) for line in post.plain.split("\n")]
    # The card: title, meta line, a blank line, then the lead's paragraphs.
    blank = lines.index("") if "" in lines else len(lines)
    meta = lines[1] if blank > 1 else ""
    tags = [piece for piece in meta.split(_META_SEPARATOR) if piece.startswith("#")]
    urls = [button.url for row in post.buttons for button in row if button.url is not None]
    return Observed(
        title=lines[0],
        lead=_collapse(" ".join(lines[blank + 1 :])),
        read_more=urls[0] if urls else "",
        photo=post.photo_url or "",
        draft=draft,
        byline=_collapse(draft.byline or ""),
        hashtag=tags[0] if tags else "",
    )


def _time_right(expected: str, draft: ArticleDraft) -> bool:
    if expected == "":
        return draft.hold_reason is not None and "date" in draft.hold_reason.casefold()
    if _DATE_ONLY.match(expected):
        return draft.date_only and draft.published_at.date() == date.fromisoformat(expected)
    # To the second: a post shows minutes, and sources disagree on milliseconds
    # (article:published_time 20:28:12 beside JSON-LD 20:28:12.467).
    wanted = datetime.fromisoformat(expected).replace(microsecond=0)
    return not draft.date_only and draft.published_at.replace(microsecond=0) == wanted


def _same_url(got: str, expected: str) -> bool:
    """Equal URLs, a percent-encoded letter counting as the letter (IRIs come both ways)."""
    return unquote(got) == unquote(expected)


def _lead_right(item: GoldenItem, lead: str) -> bool:
    if not item.lead_start.strip():
        return lead == ""
    if not lead.startswith(_collapse(item.lead_start)):
        return False
    return item.lead_end is None or lead.endswith(_collapse(item.lead_end))


@dataclass(frozen=True)
class Mismatch:
    """One field the post gets wrong."""

    field: str
    expected: str
    got: str


@dataclass
class ItemResult:
    """How one golden item fared: found or not, and every wrong field."""

    file: str
    item: GoldenItem
    found: bool
    mismatches: list[Mismatch] = field(default_factory=list)
    titles_found: list[str] = field(default_factory=list)

    @property
    def fields_total(self) -> int:
        """How many fields this item is judged on."""
        return 2 if self.item.skip is not None else len(FIELDS)

    @property
    def fields_right(self) -> int:
        """How many of those the post gets right (none when the item is not found)."""
        return self.fields_total - len(self.mismatches) if self.found else 0

    @property
    def ok(self) -> bool:
        """Every field right."""
        return self.found and not self.mismatches

    def message(self) -> str:
        """A diff a reader can act on: each wrong field with expected and got."""
        head = f"{self.file}: {self.item.title!r}"
        if not self.found:
            shown = [f"    {title!r}" for title in self.titles_found[:60]]
            if len(self.titles_found) > len(shown):
                shown.append(f"    … and {len(self.titles_found) - len(shown)} more")
            found = "\n".join(shown) or "    (none)"
            return f"{head}\n  no draft has this title; titles found:\n{found}"
        lines = [head]
        for wrong in self.mismatches:
            got = wrong.got
            if len(got) > len(wrong.expected) + 120:  # a lead can be 4,000 characters: its ends
                got = f"{got[: len(wrong.expected) + 40]} … {got[-60:]}"
            lines.append(
                f"  {wrong.field}:\n    expected {wrong.expected!r}\n    got      {got!r}"
            )
        return "\n".join(lines)


def check_item(name: str, item: GoldenItem, drafts: list[ArticleDraft]) -> ItemResult:
    """Compare one golden item with the post made from the draft that has its title."""
    # The post shows the title on one line, whitespace collapsed ("　" and "\n" included).
    draft = next((d for d in drafts if _collapse(d.title) == _collapse(item.title)), None)
    if draft is None:
        return ItemResult(name, item, found=False, titles_found=[d.title for d in drafts])
    seen = observe(draft)
    held_expected = item.skip is not None or item.time == ""
    held = draft.hold_reason is not None
    checks: list[tuple[str, bool, str, str]] = [
        ("title", seen.title == item.title, item.title, seen.title),
        ("skip", held == held_expected, "held" if held_expected else "posted", seen.time),
    ]
    if item.skip is None:
        lead_wanted = item.lead_start + ("" if item.lead_end is None else f" … {item.lead_end}")
        checks += [
            ("lead", _lead_right(item, seen.lead), lead_wanted, seen.lead),
            (
                "read_more",
                _same_url(seen.read_more, item.read_more),
                item.read_more,
                seen.read_more,
            ),
            ("photo", _same_url(seen.photo, item.photo), item.photo, seen.photo),
            ("time", _time_right(item.time, draft), item.time, seen.time),
            ("byline", seen.byline == _collapse(item.byline), item.byline, seen.byline),
            ("hashtag", seen.hashtag == item.hashtag, item.hashtag, seen.hashtag),
        ]
    mismatches = [Mismatch(key, want, got) for key, right, want, got in checks if not right]
    mismatches.sort(key=lambda wrong: FIELDS.index(wrong.field))
    return ItemResult(name, item, found=True, mismatches=mismatches)


def check_file(golden: GoldenFile) -> list[ItemResult]:
    """Every item of one golden file against the drafts read from its source."""
    drafts = read_source(golden.source).drafts
    return [check_item(golden.name, item, drafts) for item in golden.items]
