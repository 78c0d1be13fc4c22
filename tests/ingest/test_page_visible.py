"""Bylines, times and photos a page shows only in its visible article (issue 17.5-17.7).

Read through the real page reader, in shapes other than the corpus': the bounded rules take a
marked byline, a date stamp by the headline and the picture captioned with the headline, and
leave alone update stamps, comment authors, related-story pictures and bylines inside prose.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain import ArticleDraft
from bot.ingest.pages import parse_html_page

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {n} of the story says something the reader wants to know about the case, "
    "at some length, so that the extractor takes it for the article's own text.</p>"
    for n in range(1, 6)
)


def _page(head: str, article: str, *, after: str = "") -> ArticleDraft:
    page = (
        "<html><head><title>Storm closes the harbour</title>"
        f"{head}</head><body><article><h1>Storm closes the harbour</h1>{article}{BODY}"
        f"</article>{after}</body></html>"
    )
    return parse_html_page(
        page.encode(), url=None, tz=ZoneInfo("Asia/Beirut"), now=NOW, source="t"
    )


@pytest.mark.parametrize(
    ("marked", "byline"),
    [
        ('<a rel="author" href="/staff/jd">By Jane Doe and John Roe</a>', "Jane Doe, John Roe"),
        ('<span itemprop="author">Par Ana Lima (avec Rui Costa)</span>', "Ana Lima, Rui Costa"),
        ('<div class="article__byline">Von Eva Maier &amp; Jan Kühn</div>', "Eva Maier, Jan Kühn"),
        ('<span class="writer-name">كتب محمد علي</span>', "محمد علي"),
    ],
)
def test_a_marked_visible_byline_names_the_people(marked: str, byline: str) -> None:
    assert _page("", marked).byline == byline


def test_comment_authors_and_prose_are_not_bylines() -> None:
    comments = '<section class="comments"><span class="comment-author">Troll 99</span></section>'
    prose = "<p><b>Jane Doe is a political scientist at the University of Lisbon.</b></p>"
    draft = _page("", prose, after=comments)
    assert draft.byline is None


def test_a_byline_that_names_the_outlet_gives_way_to_the_visible_one() -> None:
    head = '<meta name="author" content="Harbour Times, Hamburg, Germany">'
    head += '<meta property="og:site_name" content="Harbour Times">'
    assert _page(head, '<p class="author">Von Clara Berg</p>').byline == "Clara Berg"


def test_an_opening_credit_line_is_the_byline_not_the_lead() -> None:
    head = '<meta name="description" content="Interview by Sam Reed Why did the harbour close">'
    draft = _page(head, "<p><strong>Interview by Sam Reed</strong></p>")
    assert draft.byline == "Sam Reed"
    assert not (draft.summary or draft.body or "").startswith("Interview")


@pytest.mark.parametrize(
    ("stamp", "when", "date_only"),
    [
        (
            '<time datetime="2021-03-04T08:15:00+01:00">4 March</time>',
            "2021-03-04T08:15+01:00",
            False,
        ),
        ('<span class="publish-date">04.03.2021 08:15</span>', "2021-03-04T08:15+00:00", False),
        ('<div class="date">2021年3月4日</div>', "2021-03-04", True),
        ('<span class="pubtime">2021/03/04 08:15:30</span>', "2021-03-04T08:15:30+00:00", False),
    ],
)
def test_a_stamp_by_the_headline_dates_an_otherwise_undated_page(
    stamp: str, when: str, date_only: bool
) -> None:
    draft = _page("", stamp)
    assert draft.hold_reason is None
    assert draft.date_only is date_only
    if date_only:
        assert draft.published_at.date().isoformat() == when
    else:
        assert draft.published_at == datetime.fromisoformat(when)


@pytest.mark.parametrize(
    "stamp",
    [
        '<span class="date">Last updated 04.03.2021 08:15</span>',
        '<span class="updated-time">04.03.2021 08:15</span>',
        '<span class="strytmstmp">04.03.2021 08:15</span>',  # says nothing of a date
    ],
)
def test_update_stamps_and_unmarked_text_leave_the_page_held(stamp: str) -> None:
    draft = _page("", stamp)
    assert draft.hold_reason is not None and "date" in draft.hold_reason


def test_the_metadata_date_wins_over_a_visible_stamp() -> None:
    head = '<meta property="article:published_time" content="2020-01-02T03:04:05+02:00">'
    draft = _page(head, '<span class="date">04.03.2021 08:15</span>')
    assert draft.published_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))


def test_the_picture_captioned_with_the_headline_is_the_photo() -> None:
    related = '<ul><li><img src="https://cdn.example.com/other.jpg" alt="Another story"></li></ul>'
    picture = '<img src="/img/harbour.jpg" alt="Storm closes the harbour">'
    draft = _page('<link rel="canonical" href="https://news.example.com/a/1">', picture)
    assert draft.image_url == "https://news.example.com/img/harbour.jpg"
    assert _page("", related).image_url is None
