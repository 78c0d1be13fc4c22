"""The channel post card: layout, escaping, buttons, direction, photo fallback and preview."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rendering import (
    CAPTION_LIMIT,
    RLM,
    TEXT_LIMIT,
    PostButton,
    RenderedPost,
    render_post,
    render_preview_text,
    utf16_len,
)
from bot.rendering.direction import starts_rtl

from .helpers import TelegramHTMLError, make_article, parse_telegram_html

BEIRUT = ZoneInfo("Asia/Beirut")  # UTC+2 in November: NOW (12:05 UTC) shows as 14:05

SAMPLE_TITLE = "Russia, North Korea Strengthen Ties in Pyongyang Meeting"
SAMPLE_PARAGRAPHS = [
    "Russia’s Security Council Secretary, Sergei Shoigu, met with North Korean leader Kim "
    "Jong-un in Pyongyang to discuss strengthening the partnership between their countries, "
    "according to state media KCNA.",
    "During the meeting, Shoigu and Kim engaged in a comprehensive dialogue on various bilateral "
    "and international issues, reaching a consensus on enhancing cooperation to safeguard mutual "
    "interests.",
    "Kim assured Shoigu of North Korea’s commitment to its relationship with Russia and pledged "
    "to expand collaboration in line with their strategic partnership.",
    "Shoigu, who arrived in Pyongyang on Friday leading a Russian delegation, had previously "
    "indicated the beginning of closer ties between Russia and North Korea during a visit in "
    "July.",
    "The two leaders reviewed North Korea’s military parade, which featured nuclear-capable "
    "missiles and attack drones, and visited an exhibition of military equipment marking the "
    "70th anniversary of the Korean War armistice.",
    "Media reports indicate that Shoigu toured factories working on new drone designs, including "
    "one similar to a key offensive drone used by the US Air Force.",
    "The United States and Ukraine have alleged that North Korea is supplying Russia with "
    "ammunition in exchange for economic and military aid, a claim that Moscow and Pyongyang "
    "have denied while reaffirming their commitment to enhanced military cooperation.",
    "Russian President Vladimir Putin attended a summit in Pyongyang in June, where a new "
    "partnership treaty was signed, including a mutual defense clause.",
    "Both Russia and North Korea view themselves as facing significant threats from US-led "
    "military alliances, with Russia accusing NATO of waging a proxy war through Ukraine and "
    "North Korea condemning the expansion of US-led military alliances in the region.",
]
SAMPLE_URL = "https://english.alahednews.com.lb/75123/658/russia-north-korea-ties"
SAMPLE_META = "#InternationalNews · By Staff, Agencies · 27 Nov 2026, 14:05"


def sample_article(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "id": 75123,
        "guid": "https://english.alahednews.com.lb/75123",
        "url": SAMPLE_URL,
        "title": SAMPLE_TITLE,
        "category": "International News",
        "byline": "Staff, Agencies",
        "body": "\n\n".join(SAMPLE_PARAGRAPHS),
    }
    fields.update(overrides)
    return make_article(**fields)


def checked(post: RenderedPost) -> str:
    """Assert the post's HTML is valid Telegram HTML showing exactly `post.plain`."""
    text, _ = parse_telegram_html(post.html)
    assert text == post.plain
    limit = CAPTION_LIMIT if post.photo_url else TEXT_LIMIT
    assert utf16_len(post.plain) <= limit
    return text


# --- the sample article ------------------------------------------------------------------------


def test_sample_article_as_text_post() -> None:
    post = render_post(sample_article(), tz=BEIRUT)
    checked(post)
    assert post.plain == "\n".join([SAMPLE_TITLE, SAMPLE_META, "", "\n\n".join(SAMPLE_PARAGRAPHS)])
    assert post.html.startswith(f"<b>{SAMPLE_TITLE}</b>\n{SAMPLE_META}\n\nRussia’s Security")
    assert post.html.count("<b>") == 1
    assert post.photo_url is None
    assert post.rtl is False
    assert post.buttons == (
        (
            PostButton("⭐ Save", callback_data="fav:75123"),
            PostButton("Read more", url=SAMPLE_URL),
        ),
    )
    assert SAMPLE_URL not in post.plain  # the link is a button, not inline text


def test_sample_article_with_photo_cuts_the_caption_at_a_sentence() -> None:
    post = render_post(sample_article(image_url="https://example.com/p.jpg"), tz=BEIRUT)
    checked(post)
    assert post.photo_url == "https://example.com/p.jpg"
    assert post.plain == "\n".join(
        [SAMPLE_TITLE, SAMPLE_META, "", "\n\n".join(SAMPLE_PARAGRAPHS[:4]) + " …"]
    )
    text_post = post.as_text_post()
    checked(text_post)
    assert text_post.photo_url is None
    assert text_post.plain.endswith(SAMPLE_PARAGRAPHS[-1])  # the whole body fits in 4096
    assert text_post.buttons == post.buttons


def test_sample_preview() -> None:
    post = render_post(
        sample_article(body=SAMPLE_PARAGRAPHS[0], image_url="https://x.io/p.jpg"), tz=BEIRUT
    )
    assert render_preview_text(post) == "\n".join(
        [
            SAMPLE_TITLE,
            SAMPLE_META,
            "",
            SAMPLE_PARAGRAPHS[0],
            "",
            "[photo: https://x.io/p.jpg]",
            f"[⭐ Save] [Read more → {SAMPLE_URL}]",
        ]
    )


# --- escaping ----------------------------------------------------------------------------------

NASTY = '<b>x</b> & "q" <script>alert(1)</script> &amp; <a href="evil">'


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": NASTY},
        {"body": NASTY},
        {"summary": NASTY},
        {"byline": NASTY},
        {"category": NASTY},
        {"title": "a < b", "body": "x > y && z", "byline": '"Quoted" & Co'},
        {"url": 'https://example.com/?a=1&b=<2>&c="3"'},
    ],
)
def test_article_text_is_escaped_into_valid_telegram_html(overrides: dict[str, Any]) -> None:
    article = make_article(**overrides)
    post = render_post(article, tz=BEIRUT, breaking=True, breaking_label="<i>🔴</i> & co")
    text = checked(post)
    for field in ("title", "body", "summary"):
        value = overrides.get(field)
        if value is not None:
            assert value in text  # shown literally, not interpreted as markup
    assert "<script>" not in post.html
    assert not any(ord(char) < 0x20 and char != "\n" for char in post.plain)
    assert "<i>🔴</i> &amp; co" not in post.html  # the label is text too
    assert "&lt;i&gt;🔴&lt;/i&gt; &amp; co" in post.html


def test_control_characters_are_stripped() -> None:
    article = make_article(title="Control\x00chars\x1b here", body="Bell\x07 and\x0c feed\x7f")
    post = render_post(article, tz=BEIRUT)
    checked(post)
    assert post.plain.split("\n") == [
        "Controlchars here",
        "#InternationalNews · By Staff, Agencies · 27 Nov 2026, 14:05",
        "",
        "Bell and",  # a form feed is a line break, so it starts a paragraph
        "",
        "feed",
    ]


def test_url_is_a_button_with_raw_ampersands_never_html() -> None:
    post = render_post(make_article(url="https://example.com/?a=1&b=<2>"), tz=BEIRUT)
    read_more = post.buttons[0][1]
    assert read_more.url == "https://example.com/?a=1&b=%3C2%3E"
    assert "example.com" not in post.html


@pytest.mark.parametrize(
    "source",
    [
        "<u>underline</u>",
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "a & b",
        "a < b",
        "<br/>",
        '<a href="x" onclick="y">z</a>',
        "<!-- comment -->",
    ],
)
def test_the_checker_rejects_what_telegram_rejects(source: str) -> None:
    with pytest.raises(TelegramHTMLError):
        parse_telegram_html(source)


def test_the_checker_accepts_the_subset() -> None:
    assert parse_telegram_html('<b>a &amp; <i>b</i></b> <a href="u">&lt;c&gt;</a>') == (
        "a & b <c>",
        ["a & b"],
    )


# --- layout details ----------------------------------------------------------------------------


def test_breaking_label_is_a_bold_first_line() -> None:
    post = render_post(make_article(), tz=BEIRUT, breaking=True)
    _, bold = parse_telegram_html(post.html)
    assert bold == ["🔴 BREAKING", "A title"]
    assert post.plain.startswith("🔴 BREAKING\nA title\n")


def test_not_breaking_has_no_label_even_if_the_article_is_flagged() -> None:
    post = render_post(make_article(is_breaking=True), tz=BEIRUT)
    assert "BREAKING" not in post.plain


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Staff, Agencies", "By Staff, Agencies"),
        ("By Staff, Agencies", "By Staff, Agencies"),
        ("by Jane Doe", "by Jane Doe"),
        ("BY: Jane Doe", "BY: Jane Doe"),
        ("Byron Smith", "By Byron Smith"),
    ],
)
def test_byline_is_not_doubled(byline: str, expected: str) -> None:
    post = render_post(make_article(byline=byline), tz=BEIRUT)
    assert post.plain.split("\n")[1] == f"#InternationalNews · {expected} · 27 Nov 2026, 14:05"


def test_meta_line_without_byline_or_hashtag() -> None:
    post = render_post(make_article(byline=None, category="!!!"), tz=BEIRUT)
    assert post.plain.split("\n")[1] == "27 Nov 2026, 14:05"


def test_date_only_article_shows_its_date_without_a_time() -> None:
    # 1 Dec 2026 given without a time: stored as 00:00 UTC, which Beirut would show as 02:00.
    day = datetime(2026, 12, 1, tzinfo=UTC)
    post = render_post(make_article(published_at=day, date_only=True), tz=BEIRUT)
    assert post.plain.split("\n")[1] == "#InternationalNews · By Staff, Agencies · 1 Dec 2026"
    timed = render_post(make_article(published_at=day), tz=BEIRUT)
    assert timed.plain.split("\n")[1].endswith("1 Dec 2026, 02:00")


def test_summary_wins_over_body() -> None:
    post = render_post(make_article(summary="The summary.", body="The body."), tz=BEIRUT)
    assert post.plain.endswith("\n\nThe summary.")
    assert "The body." not in post.plain


def test_article_without_lead_has_no_blank_line() -> None:
    post = render_post(make_article(summary=None, body=None), tz=BEIRUT)
    assert post.plain == "A title\n#InternationalNews · By Staff, Agencies · 27 Nov 2026, 14:05"


@pytest.mark.parametrize("url", [None, "", "javascript:alert(1)", "/relative"])
def test_no_read_more_without_an_http_url(url: str | None) -> None:
    post = render_post(make_article(url=url), tz=BEIRUT)
    assert post.buttons == ((PostButton("⭐ Save", callback_data="fav:1"),),)


def test_custom_labels() -> None:
    post = render_post(
        make_article(id=42), tz=BEIRUT, save_label="⭐ حفظ", read_more_label="اقرأ المزيد"
    )
    assert [button.text for button in post.buttons[0]] == ["⭐ حفظ", "اقرأ المزيد"]
    assert post.buttons[0][0].callback_data == "fav:42"


def test_reply_markup() -> None:
    post = render_post(make_article(id=9), tz=BEIRUT)
    assert post.reply_markup() == InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("⭐ Save", callback_data="fav:9"),
                InlineKeyboardButton("Read more", url="https://example.com/news/1"),
            ]
        ]
    )
    no_buttons = RenderedPost(html="x", plain="x", photo_url=None, buttons=(), rtl=False)
    assert no_buttons.reply_markup() is None


def test_callback_data_fits_telegram() -> None:
    post = render_post(make_article(id=2**62), tz=BEIRUT)
    data = post.buttons[0][0].callback_data
    assert data is not None
    assert len(data.encode()) <= 64


def test_post_button_needs_exactly_one_action() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        PostButton("x")
    with pytest.raises(ValueError, match="exactly one"):
        PostButton("x", url="https://a.b", callback_data="y")


def test_unusable_image_url_gives_a_text_post() -> None:
    post = render_post(make_article(image_url="data:image/png;base64,AAAA"), tz=BEIRUT)
    assert post.photo_url is None
    assert post.as_text_post() is post


def test_as_text_post_of_a_hand_built_photo_post_drops_the_photo() -> None:
    post = RenderedPost(
        html="<b>x</b>", plain="x", photo_url="https://a.b/p.jpg", buttons=(), rtl=False
    )
    assert post.as_text_post() == RenderedPost(
        html="<b>x</b>", plain="x", photo_url=None, buttons=(), rtl=False
    )


def test_time_is_shown_in_the_site_zone() -> None:
    post = render_post(make_article(), tz=ZoneInfo("UTC"))
    assert "27 Nov 2026, 12:05" in post.plain


# --- limits ------------------------------------------------------------------------------------


def test_enormous_title_is_cut_and_the_lead_dropped() -> None:
    title = "Word " * 3000
    post = render_post(make_article(title=title, image_url="https://a.b/p.jpg"), tz=BEIRUT)
    checked(post)
    _, bold = parse_telegram_html(post.html)
    assert bold[0].startswith("Word Word")
    assert bold[0].endswith("…")
    assert "First paragraph" not in post.plain
    assert utf16_len(post.plain) > CAPTION_LIMIT - 10  # the title uses the room it has
    assert post.buttons[0][1].url == "https://example.com/news/1"
    text_post = post.as_text_post()
    checked(text_post)
    assert utf16_len(text_post.plain) > TEXT_LIMIT - 10


def test_long_lead_is_cut_first_and_the_title_kept_whole() -> None:
    body = "\n".join(f"Paragraph {n} says something. It goes on a while." for n in range(500))
    post = render_post(make_article(title="Kept title", body=body), tz=BEIRUT)
    checked(post)
    assert post.plain.startswith("Kept title\n")
    assert post.plain.endswith(" …")
    assert utf16_len(post.plain) > TEXT_LIMIT * 2 // 3


# --- right-to-left -----------------------------------------------------------------------------

ARABIC = {
    "language": "ar-LB",
    "title": "روسيا وكوريا الشمالية تعززان العلاقات",
    "category": "International News",  # a Latin hashtag: the meta line starts with "#"
    "byline": "المحرر",
    "body": "2024 عام التحالفات.\n🔥 اشتعال الجبهة.\nNATO تتهم روسيا.\nأهلاً وسهلاً.",
}


def test_rtl_lines_that_start_neutral_or_ltr_get_an_rlm() -> None:
    post = render_post(
        make_article(**ARABIC),
        tz=BEIRUT,
        breaking=True,
        breaking_label="🔴 عاجل",
        byline_prefix="",
    )
    checked(post)
    assert post.rtl is True
    assert post.plain.split("\n") == [
        RLM + "🔴 عاجل",
        "روسيا وكوريا الشمالية تعززان العلاقات",
        RLM + "#InternationalNews · المحرر · 27 تشرين الثاني 2026, 14:05",
        "",
        RLM + "2024 عام التحالفات.",
        "",
        RLM + "🔥 اشتعال الجبهة.",
        "",
        RLM + "NATO تتهم روسيا.",
        "",
        "أهلاً وسهلاً.",
    ]
    assert post.html.startswith(RLM + "<b>🔴 عاجل</b>\n<b>روسيا")  # the mark is outside the tag


def test_rtl_detected_from_title_without_language() -> None:
    post = render_post(make_article(**{**ARABIC, "language": None}), tz=BEIRUT)
    assert post.rtl is True
    assert all(starts_rtl(line) for line in post.plain.split("\n") if line)


def test_english_article_gets_no_rlm() -> None:
    body = "2024 was a year.\n🔥 Fire.\n#tag line."
    post = render_post(make_article(body=body), tz=BEIRUT, breaking=True)
    assert post.rtl is False
    assert RLM not in post.plain
    assert RLM not in post.html


def test_rlm_counts_toward_the_limit() -> None:
    body = "\n".join("1 سطر" for _ in range(2000))  # every paragraph starts with a digit
    post = render_post(make_article(**{**ARABIC, "body": body}), tz=BEIRUT)
    checked(post)
    assert post.plain.count(RLM) > 100
    assert utf16_len(post.plain) <= TEXT_LIMIT


def test_arabic_post_has_arabic_byline_word_and_month() -> None:
    article = make_article(**{**ARABIC, "byline": "المحرر"})
    meta = render_post(article, tz=BEIRUT).plain.split("\n")[1]
    assert "بقلم المحرر" in meta
    assert "تشرين الثاني" in meta
    assert "By" not in meta and "Nov" not in meta
