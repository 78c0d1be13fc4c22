"""Feed dates: date-only values, the feed's own offset for zone-less times, undated feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.ingest.entries import ParsedFeed
from bot.ingest.feeds import parse_feed

SITE = ZoneInfo("Asia/Beirut")
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def rss(*dates: str | None, channel: str = "") -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>https://n.example/{n}</link>"
        + (f"<pubDate>{d}</pubDate>" if d else "")
        + "</item>"
        for n, d in enumerate(dates)
    )
    return (
        f"<rss version='2.0'><channel><title>N</title><link>https://n.example/</link>"
        f"{channel}{items}</channel></rss>"
    ).encode()


def parse(body: bytes, *, hold_undated: bool = True) -> ParsedFeed:
    return parse_feed(body, url=None, tz=SITE, now=NOW, source="s", hold_undated=hold_undated)


def test_a_date_without_a_time_is_that_day_shown_without_a_time() -> None:
    drafts = parse(rss("Fri, 03 May 2019", "Sat, 04 May 2019 10:30:00 +0200")).drafts
    assert drafts[0].date_only is True
    assert drafts[0].published_at == datetime(2019, 5, 3, tzinfo=UTC)
    assert drafts[1].date_only is False
    atom = (
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><entry><title>T</title>"
        b"<id>urn:a:1</id><link href='https://a.example/1'/><published>2019-05-03</published>"
        b"</entry></feed>"
    )
    (draft,) = parse(atom).drafts
    assert (draft.published_at, draft.date_only) == (datetime(2019, 5, 3, tzinfo=UTC), True)


def test_a_zone_less_time_is_in_the_offset_the_feed_states_elsewhere() -> None:
    body = rss("2019-05-03T10:00:00", "Fri, 03 May 2019 09:00:00 +0530")
    drafts = parse(body).drafts
    ist = timezone(timedelta(hours=5, minutes=30))
    assert drafts[0].published_at == datetime(2019, 5, 3, 10, 0, tzinfo=ist)
    channel = "<lastBuildDate>Fri, 03 May 2019 12:00:00 -0400</lastBuildDate>"
    (only,) = parse(rss("03 May 2019 08:15", channel=channel)).drafts
    assert only.published_at == datetime(2019, 5, 3, 8, 15, tzinfo=timezone(timedelta(hours=-4)))


def test_a_zone_less_time_in_a_feed_without_any_offset_is_in_the_site_zone() -> None:
    (draft,) = parse(rss("2019-05-03 10:00")).drafts
    assert draft.published_at == datetime(2019, 5, 3, 10, 0, tzinfo=SITE)


def test_a_feed_without_any_dates_is_held_when_fetched() -> None:
    parsed = parse(rss(None, None, None))
    assert [d.hold_reason for d in parsed.drafts] == ["no publication date"] * 3
    assert all(d.published_at == NOW for d in parsed.drafts)


def test_a_feed_without_any_dates_is_accepted_when_an_editor_imports_it() -> None:
    parsed = parse(rss(None, None), hold_undated=False)
    assert [(d.hold_reason, d.published_at) for d in parsed.drafts] == [(None, NOW)] * 2


def test_one_undated_item_in_a_dated_feed_keeps_the_first_seen_rule() -> None:
    parsed = parse(rss("Fri, 03 May 2019 10:00:00 GMT", None))
    undated = parsed.drafts[1]
    assert undated.hold_reason is None and undated.published_at == NOW
    assert parsed.undated == {undated.guid}


def test_a_json_feed_uses_the_same_rules() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
        b'{"id": "1", "url": "https://j.example/1", "title": "A", "date_published": "2020-02-01"},'
        b'{"id": "2", "url": "https://j.example/2", "title": "B",'
        b' "date_published": "2020-02-02T10:00:00"},'
        b'{"id": "3", "url": "https://j.example/3", "title": "C",'
        b' "date_published": "2020-02-02T09:00:00+01:00"}]}'
    )
    a, b, _ = parse(body).drafts
    assert (a.published_at, a.date_only) == (datetime(2020, 2, 1, tzinfo=UTC), True)
    assert b.published_at == datetime(2020, 2, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    undated = (
        b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": "x", "title": "X"}]}'
    )
    assert parse(undated).drafts[0].hold_reason == "no publication date"
