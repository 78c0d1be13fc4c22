"""Every real-world feed of the corpus through the real parsing path, checked against MANIFEST."""

from __future__ import annotations

import csv
import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import NotAFeedError
from bot.ingest.entries import ParsedFeed
from bot.ingest.feeds import parse_feed

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TZ = ZoneInfo("Asia/Beirut")
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as _f:
    MANIFEST = {row["file"]: row for row in csv.DictReader(_f, delimiter="\t")}
FEEDS = sorted(name for name in MANIFEST if name.startswith("feeds/"))
# Whole files that hold nothing readable, and the error each must give.
BROKEN = {
    "feeds/reuters_mostread_invalid.xml": "unreadable feed",
    "feeds/scriptingnews_rss_in_json.json": "RSS-in-JSON",
}
# A web-development blog whose articles show HTML code samples (syntax-highlighted, so the
# escaped form is split by markup): its text rightly contains "<img src=…>".
ABOUT_HTML = {"feeds/3960_org_de.json"}
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# Markup left in text. Bodies may *mention* a tag ("the <a> element" in a web-dev blog, escaped
# in the feed and decoded once; a plist sample), so text is checked for the common markup.
_MARKUP = re.compile(r"<(?:p|br|img|script|style|iframe|div|span|figure)\b[^>]*>")
_DOUBLE_ENTITY = re.compile(r"&(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);", re.IGNORECASE)


def parse(name: str, url: str | None = None) -> ParsedFeed:
    return parse_feed((CORPUS / name).read_bytes(), url=url, tz=TZ, now=NOW, source="corpus")


def test_the_manifest_lists_every_corpus_feed() -> None:
    on_disk = {f"feeds/{p.name}" for p in (CORPUS / "feeds").iterdir()}
    assert on_disk == set(FEEDS)
    assert len(FEEDS) == 53


@pytest.mark.parametrize("name", FEEDS)
def test_corpus_feed_parses_with_clean_titles_and_absolute_links(name: str) -> None:
    row = MANIFEST[name]
    if name in BROKEN:
        with pytest.raises(NotAFeedError, match=BROKEN[name]):
            parse(name)
        return
    parsed = parse(name)
    raw = (CORPUS / name).read_bytes().decode("utf-8", errors="replace")
    if row["kind"] == "jsonfeed":
        items = json.loads((CORPUS / name).read_bytes())["items"]
        assert len(parsed.drafts) == len(items)
        # JSON Feed titles are plain text by the spec ("Die Rückkehr von <i> und <b>" is a
        # title about those tags): they must come through exactly, not be "cleaned".
        assert [d.title for d in parsed.drafts] == [" ".join(i["title"].split()) for i in items]
        raw = "\n".join(str(value) for item in items for value in item.values())
    else:
        # Every entry feedparser sees is either an article or a named rejection, except empty
        # <item/> elements: the PCMag feed nests one in each item, and they are dropped before
        # parsing because they cut the real item short (its feedburner:origLink was lost).
        empty = len(re.findall(r"<item\s*/>", raw))
        assert len(parsed.drafts) + len(parsed.rejections) >= int(row["entries"]) - empty
        assert len(parsed.drafts) >= int(row["with_title"])
    for draft in parsed.drafts:
        assert draft.title.strip()
        assert row["kind"] == "jsonfeed" or not _TAG.search(draft.title), draft.title
        assert not _DOUBLE_ENTITY.search(draft.title), draft.title
        for text in (draft.summary, draft.body):
            if name in ABOUT_HTML:
                continue
            for markup in _MARKUP.findall(text or ""):  # only where the feed *escaped* it
                escaped = {html.escape(markup, quote=False), html.escape(markup)}
                assert any(form in raw for form in escaped), (markup, (text or "")[:200])
        for link in (draft.url, draft.image_url):
            assert link is None or re.match(r"^https?://[^/]+", link), link
        assert draft.published_at.tzinfo is not None
    with_link = int(row["with_link"] or 0)
    assert sum(1 for d in parsed.drafts if d.url) >= with_link
    assert len({d.guid for d in parsed.drafts}) == len(parsed.drafts)


def test_gzip_bytes_saved_as_the_body_are_unpacked() -> None:
    parsed = parse("feeds/gzipped_body_invalid_chars.xml.gz")
    assert len(parsed.drafts) == 25
    assert parsed.drafts[0].title == "NSOperation"


@pytest.mark.parametrize(
    ("name", "host"),
    [
        ("feeds/intertwingly.atom", "http://intertwingly.net/blog/"),
        ("feeds/talkingpointsmemo.atom", "http://talkingpointsmemo.com/"),
        ("feeds/relative_links_xmlbase.xml", "https://insanity.industries/post/"),
    ],
)
def test_relative_links_are_resolved(name: str, host: str) -> None:
    assert all((d.url or "").startswith(host) for d in parse(name).drafts)


def test_feedburner_links_are_unwrapped_to_the_original() -> None:
    for name, host in [
        ("feeds/breakingnews_ie_feedburner.xml", "www.breakingnews.ie"),
        ("feeds/reuters_world_feedburner.xml", "www.reuters.com"),
    ]:
        urls = [d.url or "" for d in parse(name).drafts]
        assert urls and all(f"//{host}/" in url for url in urls), urls


def test_titles_with_html_are_plain_text() -> None:
    titles = {d.title for d in parse("feeds/livemint_news.xml").drafts}
    assert "SmartCity Kochi to raise ₹4,000 crore from investors" in titles
    nyt = {d.title for d in parse("feeds/nytimes_homepage.xml").drafts}
    assert "Trump Insists Mexico Will Pay for Wall After U.S. Begins the Work" in nyt
    tpm = {d.title for d in parse("feeds/talkingpointsmemo.atom").drafts}
    assert any("AT&T-Time Warner" in title for title in tpm)


def test_undeclared_legacy_encodings_are_detected() -> None:
    hebrew = parse("feeds/hebrew_windows1255_snippet.xml").drafts[0]
    assert "האם תדפיס נייר של אתר אינטרנט" in (hebrew.summary or "")
    assert hebrew.title.startswith("האם")  # no title in the feed: taken from the text
    uol = parse("feeds/uol_noticias_latin1_undeclared.xml").drafts
    assert any("simulações" in d.title for d in uol)
    assert not any("Ã" in d.title for d in uol)


def test_localised_and_free_form_dates() -> None:
    italian = parse("feeds/ilmessaggero.xml").drafts[0].published_at  # "mer, 16 nov 2022 …"
    assert italian == datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)
    portuguese = parse("feeds/uol_noticias_latin1_undeclared.xml").drafts[0].published_at
    assert portuguese.date().isoformat() == "2018-09-24"
    hindi = parse("feeds/news18_hindi_odd_dates.xml").drafts[0].published_at
    # The item's time has no zone; the channel's own date says +0530, so that is the feed's.
    assert hindi.utcoffset() == timedelta(hours=5, minutes=30)
    assert (hindi.hour, hindi.minute) == (16, 42)


def test_a_feed_without_dates_uses_the_first_seen_time() -> None:
    parsed = parse("feeds/heise_rss090.rdf")
    assert all(d.published_at == NOW for d in parsed.drafts)
    assert parsed.undated == {d.guid for d in parsed.drafts}


def test_images_come_from_the_right_places() -> None:
    podcast = parse("feeds/spiegel_podcast_de.xml").drafts[0]
    assert podcast.image_url is None or not podcast.image_url.endswith(".mp3")
    inline = parse("feeds/ilgiornale.xml").drafts[0]  # only inside the description HTML
    assert inline.image_url and inline.image_url.startswith("https://")
    thumbs = parse("feeds/bbc_urdu_rtl.xml").drafts  # media:thumbnail
    assert all(d.image_url for d in thumbs)
    # JSON Feed `image`: this blog repeats its own icon there when a post has no picture; the
    # icon is never an article's photo, the pictures of posts that have one are.
    banner = {d.title: d.image_url for d in parse("feeds/3960_org_de.json").drafts}
    assert "https://cdn.3960.org/favicon-192x192.png" not in banner.values()
    assert banner["Migrants"] == "https://img.youtube.com/vi/G2dGWH90aew/hqdefault.jpg"


def test_rtl_feed_text_is_intact() -> None:
    urdu = parse("feeds/bbc_urdu_rtl.xml").drafts
    assert all(re.search(r"[\u0600-\u06ff]{3}", d.title) for d in urdu)


def test_json_feed_fields() -> None:
    fireball = parse("feeds/daringfireball.json").drafts
    assert all(d.url and d.url.startswith("https://") for d in fireball)
    escaped = parse("feeds/lukedorny_escaped_uris.json").drafts
    assert all("\\/" not in (d.url or "") for d in escaped)
    assert fireball[0].body or fireball[0].summary
