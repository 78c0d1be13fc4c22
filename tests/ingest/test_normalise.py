"""The HTML-to-text sanitiser and the date parser on the cases feeds throw at them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.ingest.dates import parse_date, parse_relative
from bot.ingest.normalise import extract_html, title_text

TZ = ZoneInfo("Europe/Rome")


def test_scripts_styles_and_tags_go_paragraphs_stay() -> None:
    html = (
        "<p>First <b>bold</b> &amp; <a href='/x'>linked</a>.</p><script>alert(1)</script>"
        "<style>p{}</style><div>Second<br>line</div><img src='/i.jpg'><!-- note -->"
        "<iframe src='https://evil.example'>frame text</iframe>&lt;b&gt;shown&lt;/b&gt;"
    )
    extracted = extract_html(html, base_url="https://news.example/a/")
    assert extracted.text == "First bold & linked.\n\nSecond\nline\n\n<b>shown</b>"
    assert extracted.first_image == "https://news.example/i.jpg"


def test_titles_decode_entities_exactly_once() -> None:
    assert title_text("AT&amp;amp;T &lt;b&gt;", is_html=True) == "AT&amp;T <b>"
    assert title_text("<div>Wall\n  news</div>", is_html=True) == "Wall news"
    assert title_text("Plain & <simple>", is_html=False) == "Plain & <simple>"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mer, 16 nov 2022 00:38:15 +0100", datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)),
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("2019-05-18 10:58:46 +0300", datetime(2019, 5, 18, 7, 58, 46, tzinfo=UTC)),
        ("2022-07-28T02:43:00.000000000Z", datetime(2022, 7, 28, 2, 43, tzinfo=UTC)),
        ("Friday, January 29, 2021 04:42 PM", datetime(2021, 1, 29, 16, 42, tzinfo=TZ)),
        ("Tue, 10 Jun 2003 04:00:00", datetime(2003, 6, 10, 4, 0, tzinfo=TZ)),
        ("mar, 15 nov 2022 10:00:00 CET", datetime(2022, 11, 15, 9, 0, tzinfo=UTC)),
    ],
)
def test_dates_as_feeds_write_them(raw: str, expected: datetime) -> None:
    assert parse_date(raw, TZ) == expected


def test_unparseable_and_relative_dates() -> None:
    assert parse_date("sometime soon", TZ) is None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_relative("2 months ago", now) == now - timedelta(days=60)
    assert parse_relative("an hour ago", now) == now - timedelta(hours=1)
    assert parse_relative("yesterday", now) == now - timedelta(days=1)


def test_line_breaks_in_the_source_are_spaces_except_br_and_pre() -> None:
    # daringfireball.json wraps quotations at 65 columns inside one <p>.
    extracted = extract_html(
        "<p>Pundits have long suspected that two roadblocks stood in the way\n"
        "of Apple becoming a carrier.</p><pre>line one\n  line two</pre><p>a<br>b</p>"
    )
    assert extracted.text == (
        "Pundits have long suspected that two roadblocks stood in the way of Apple becoming a "
        "carrier.\n\nline one\nline two\n\na\nb"
    )
    assert [block.kind for block in extracted.blocks] == ["prose", "code", "prose"]
