"""The page metadata reader: JSON-LD in its real shapes, OpenGraph, `article:*`, and the rules
that choose a post's fields from them (issue 17.5, 17.6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.domain import ArticleDraft
from bot.ingest.pagefields import clean_url
from bot.ingest.pages import parse_html_page

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {n} of the story tells readers what happened in the town hall meeting, "
    f"who spoke there and what the council decided about the new bridge.</p>"
    for n in range(1, 6)
)


def page(head: str, *, body: str = BODY, ld: object | None = None, raw_ld: str = "") -> bytes:
    """A small article page with the given head, JSON-LD (as data or as raw text) and body."""
    script = ""
    if ld is not None:
        script = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    if raw_ld:
        script += f'<script type="application/ld+json">{raw_ld}</script>'
    return (
        f"<html><head><title>Page title</title>{head}{script}</head>"
        f"<body><article><h1>Shown headline</h1>{body}</article></body></html>"
    ).encode()


def read(data: bytes, *, url: str | None = None, hold_undated: bool = True) -> ArticleDraft:
    return parse_html_page(
        data,
        url=url,
        tz=ZoneInfo("Asia/Beirut"),
        now=NOW,
        source="t",
        hold_undated=hold_undated,
    )


def test_json_ld_in_a_graph_with_a_type_list_and_odd_key_casing() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Town Herald"},
            {
                "@type": ["NewsArticle", "ReportageNewsArticle"],
                "headLine": "Council &quot;approves&quot; the bridge",
                "datePublished": "2024-03-05T09:30:00+02:00",
                "author": [
                    {"@type": "Person", "name": "Jane Doe"},
                    {"@type": "Organization", "name": "Town Herald"},
                    {"@type": "Person", "name": "JOHN ROE"},
                ],
                "image": [
                    {"@type": "ImageObject", "url": "https://img.example/small.jpg",
                     "width": 300, "height": 200},
                    {"@type": "ImageObject", "url": "https://img.example/large.jpg",
                     "width": 1600, "height": 900},
                ],
                "articleSection": ["Local News", "Politics"],
                "mainEntityOfPage": {"@type": "WebPage", "@id": "https://herald.example/a/1"},
            },
        ],
    }  # fmt: skip
    draft = read(page("", ld=ld, body=BODY + "<p>Reporting by John Roe.</p>"))
    assert draft.title == 'Council "approves" the bridge'
    assert draft.published_at == datetime(2024, 3, 5, 7, 30, tzinfo=UTC)
    assert draft.published_at.utcoffset() == timedelta(hours=2)
    assert draft.byline == "Jane Doe, John Roe"  # people only, casing from the article text
    assert draft.image_url == "https://img.example/large.jpg"
    assert draft.category == "Local News"
    assert draft.url == "https://herald.example/a/1"


def test_a_list_of_scripts_cdata_and_an_at_list_image() -> None:
    raw = (
        '<![CDATA[ [{"@type": "BreadcrumbList"}, {"@type": "Article", "headline": "Bridge",'
        ' "datePublished": "2024-03-05", "image": {"@list": ["//img.example/a.jpg"]},'
        ' "author": "Jane Doe"}] ]]>'
    )
    draft = read(page("", raw_ld=raw))
    assert draft.title == "Bridge"
    assert draft.date_only and draft.published_at == datetime(2024, 3, 5, tzinfo=UTC)
    assert draft.image_url == "https://img.example/a.jpg"
    assert draft.byline == "Jane Doe"


def test_opengraph_and_article_meta_when_there_is_no_json_ld() -> None:
    head = (
        '<meta property="og:title" content="Council approves the bridge | Town Herald">'
        '<meta property="og:site_name" content="Town Herald">'
        '<meta property="og:url" content="https://herald.example/a/1?utm_source=fb&amp;id=7#top">'
        '<meta property="og:image" content="https://img.example/bridge.jpg">'
        '<meta property="article:published_time" content="2024-03-05T09:30:00Z">'
        '<meta property="article:section" content="Politics">'
        '<meta name="author" content="Town Herald">'
        '<meta property="og:description" content="The council voted 7-2 for a new bridge.">'
    )
    draft = read(page(head))
    assert draft.title == "Council approves the bridge"
    assert draft.url == "https://herald.example/a/1?id=7"
    assert draft.image_url == "https://img.example/bridge.jpg"
    assert draft.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert draft.category == "Politics"
    assert draft.byline is None  # the site's name is not a byline
    assert draft.summary == "The council voted 7-2 for a new bridge."


def test_canonical_wins_over_og_url_and_a_logo_is_no_photo() -> None:
    head = (
        '<link rel="canonical" href="https://herald.example/a/1">'
        '<meta property="og:url" content="https://herald.example/a/1?ref=og">'
        '<meta property="og:image" content="https://herald.example/static/logo.png">'
        '<meta name="twitter:image" content="https://img.example/photo.jpg">'
    )
    draft = read(page(head))
    assert draft.url == "https://herald.example/a/1"
    assert draft.image_url == "https://img.example/photo.jpg"


def test_a_fetched_page_keeps_its_url_when_the_canonical_is_another_site() -> None:
    head = '<link rel="canonical" href="https://elsewhere.example/a/1">'
    draft = read(page(head), url="https://news.herald.example/a/1?utm_medium=rss")
    assert draft.url == "https://news.herald.example/a/1"
    amp = read(
        page('<link rel="canonical" href="https://www.herald.example/a/1">'),
        url="https://amp.herald.example/a/1",
    )
    assert amp.url == "https://www.herald.example/a/1"


def test_a_zoneless_time_takes_the_offset_the_page_states_elsewhere() -> None:
    head = (
        '<meta property="article:published_time" content="2024-03-05T09:30:00">'
        '<meta property="article:modified_time" content="2024-03-05T11:00:00+03:00">'
    )
    draft = read(page(head))
    assert draft.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=3)))
    alone = read(page('<meta property="article:published_time" content="2024-03-05 09:30">'))
    assert alone.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)  # not the site's zone


def test_a_midnight_print_date_and_persian_digits() -> None:
    midnight = read(page("", ld={"@type": "NewsArticle", "headline": "H",
                                 "datePublished": "2018-12-22T00:00:00+0100"}))  # fmt: skip
    assert midnight.date_only and midnight.published_at == datetime(2018, 12, 22, tzinfo=UTC)
    persian = read(page("", ld={"@type": "NewsArticle", "headline": "H",
                                "datePublished": "۲۰۲۰-۰۵-۱۰T۱۸:۵۹:۰۱+04:30"}))  # fmt: skip
    assert persian.published_at == datetime(2020, 5, 10, 14, 29, 1, tzinfo=UTC)


def test_no_guessed_dates_an_undated_page_is_held_unless_an_editor_asked_for_it() -> None:
    # trafilatura would guess 1 January 2013 from the copyright line and the URL.
    body = BODY + "<p>© 2013 Herald. Posted in /2013/ archive.</p>"
    held = read(page("", body=body))
    assert held.hold_reason is not None and "date" in held.hold_reason
    assert held.published_at == NOW
    posted = read(page("", body=body), hold_undated=False)
    assert posted.hold_reason is None


def test_a_placeholder_or_blurb_description_is_not_the_lead() -> None:
    for description in ("| Town Herald", "Page title", "Read the latest on Town Herald today."):
        head = (
            '<meta property="og:site_name" content="Town Herald">'
            f'<meta property="og:description" content="{description}">'
        )
        draft = read(page(head))
        assert draft.summary is None, description
        assert (draft.body or "").startswith("Paragraph 1 of the story")


def test_a_description_cut_by_its_publisher() -> None:
    cut_copy = (
        "Paragraph 1 of the story tells readers what happened in the town hall meeting, "
        "who spoke there and what the council decided ab"
    )
    draft = read(page(f'<meta property="og:description" content="{cut_copy}">'))
    assert draft.summary is not None
    assert draft.summary.startswith("Paragraph 1 of the story")
    assert draft.summary.endswith("about the new bridge.")  # the body's whole sentence
    elsewhere = (
        "A long summary of the council's decision that the page itself does not repeat " * 2
    )
    cut = read(page(f'<meta property="og:description" content="{elsewhere}fu...">'))
    assert cut.summary is not None and cut.summary.endswith("does not repeat…")
    # A long dek without a full stop is whole: its last word is not chopped on a guess.
    whole = read(page(f'<meta property="og:description" content="{elsewhere}in full">'))
    assert whole.summary == f"{elsewhere}in full"


def test_titles_lose_site_suffixes_in_several_scripts() -> None:
    cases = {
        ("وزير الرى يشهد توقيع عقد - اليوم السابع", "اليوم السابع"): "وزير الرى يشهد توقيع عقد",
        ("地震で津波注意報：朝日新聞デジタル", "朝日新聞デジタル"): "地震で津波注意報",
        ("장동혁, 한동훈 제명ㅣ한국일보", "한국일보"): "장동혁, 한동훈 제명",
    }
    for (og_title, site), wanted in cases.items():
        head = (
            f'<meta property="og:title" content="{og_title}">'
            f'<meta property="og:site_name" content="{site}">'
        )
        assert read(page(head)).title == wanted


def test_clean_url_drops_tracking_and_keeps_the_rest_in_order() -> None:
    url = "https://a.example/s?b=2&utm_source=rss&a=1&fbclid=x&partner=rss&emc=rss#tk.rss_all"
    assert clean_url(url) == "https://a.example/s?b=2&a=1"
    assert clean_url("https://a.example/s?id=5&page=2") == "https://a.example/s?id=5&page=2"
