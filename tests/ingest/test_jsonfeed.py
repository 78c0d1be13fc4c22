"""The JSON Feed reader on its own: both versions, missing fields, and shapes it must refuse."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import NotAFeedError
from bot.ingest.entries import ParsedFeed
from bot.ingest.jsonfeed import parse_json_feed

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
SITE = ZoneInfo("Asia/Beirut")
V1 = "https://jsonfeed.org/version/1"
V11 = "https://jsonfeed.org/version/1.1"


def parse(document: Any, *, url: str | None = "https://j.example/feed.json") -> ParsedFeed:
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return parse_json_feed(data, url=url, tz=SITE, now=NOW, source="j")


def item(number: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(number),
        "url": f"https://j.example/{number}",
        "title": f"Story {number}",
        "date_published": "2025-12-31T10:00:00Z",
        **fields,
    }


def test_version_1_1_with_its_authors_list() -> None:
    parsed = parse(
        {
            "version": V11,
            "title": "Example Desk",
            "language": "en",
            "items": [
                item(
                    1,
                    authors=[{"name": "Rana Haddad"}, {"name": "Omar Said"}],
                    content_html="<p>First paragraph.</p><p>Second paragraph.</p>",
                    tags=["Economy"],
                    image="/images/one.jpg",
                )
            ],
        }
    )
    (draft,) = parsed.drafts
    assert parsed.feed_title == "Example Desk"
    assert (draft.guid, draft.url, draft.title) == ("1", "https://j.example/1", "Story 1")
    assert draft.published_at == datetime(2025, 12, 31, 10, 0, tzinfo=UTC)
    assert draft.byline is not None and "Rana Haddad" in draft.byline
    assert "Omar Said" in draft.byline
    assert draft.body is not None and "Second paragraph." in draft.body
    assert draft.image_url == "https://j.example/images/one.jpg"  # relative to the feed
    assert draft.category == "Economy"
    assert draft.language == "en"
    assert parsed.rejections == []


def test_version_1_with_its_single_author_and_plain_text() -> None:
    parsed = parse(
        {
            "version": V1,
            "items": [item(2, author={"name": "Lina Aoun"}, content_text="Plain text body.")],
        }
    )
    (draft,) = parsed.drafts
    assert draft.byline == "Lina Aoun"
    assert "Plain text body." in f"{draft.summary} {draft.body}"  # a one-paragraph text
    assert parsed.feed_title is None


def test_missing_optional_fields_leave_the_draft_empty_there() -> None:
    parsed = parse({"version": V11, "items": [{"id": "7", "title": "Only a title"}]}, url=None)
    (draft,) = parsed.drafts
    assert draft.title == "Only a title"
    assert (draft.url, draft.byline, draft.image_url, draft.language) == (None, None, None, None)
    assert (draft.published_at, parsed.undated) == (NOW, {"7"})  # marked undated for the caller


def test_an_item_with_neither_title_nor_text_is_rejected_and_the_rest_kept() -> None:
    parsed = parse({"version": V11, "items": [item(1), {"id": "2"}, item(3)]})
    assert [d.title for d in parsed.drafts] == ["Story 1", "Story 3"]
    assert [(r.where, r.reason) for r in parsed.rejections] == [
        ("item 2", "entry has neither title nor text")
    ]


def test_items_of_the_wrong_shape_are_rejected_one_by_one() -> None:
    parsed = parse(
        {
            "version": V11,
            "items": [
                "not an object",
                item(2, tags="not a list of tags", authors="nobody", image=42),
                None,
            ],
        }
    )
    assert [d.title for d in parsed.drafts] == ["Story 2"]
    assert parsed.drafts[0].image_url is None
    assert [(r.where, r.reason) for r in parsed.rejections] == [
        ("item 1", "item is not an object"),
        ("item 3", "item is not an object"),
    ]


def test_a_utf8_bom_and_arabic_text_are_read() -> None:
    body = json.dumps({"version": V11, "items": [item(1, title="خبر عاجل")]}, ensure_ascii=False)
    parsed = parse(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert parsed.drafts[0].title == "خبر عاجل"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe{}", "not valid JSON"),
        (b"[1, 2, 3]", "the top level is not an object"),
        (b'"a string"', "the top level is not an object"),
        (b'{"items": []}', "no jsonfeed.org 'version'"),
        (b'{"version": "1.1", "items": []}', "no jsonfeed.org 'version'"),
        (b'{"version": 1.1, "items": []}', "no jsonfeed.org 'version'"),
        (b'{"rss": {"channel": {"item": []}}}', "RSS-in-JSON"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "without an 'items' list"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "'items' list"),
    ],
)
def test_other_json_is_refused_with_a_message_saying_what_it_is(data: bytes, message: str) -> None:
    with pytest.raises(NotAFeedError, match=message):
        parse(data)
