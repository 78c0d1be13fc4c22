"""Content rules the double enforces like Telegram: HTML parse mode, UTF-16 limits, keyboards."""

from __future__ import annotations

import pytest

from sandbox.fakeapi import HtmlParseError, parse_html, utf16_len
from tests.support import CHANNEL_ID as CHANNEL


def test_utf16_len_counts_surrogate_pairs() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("👋") == 2
    assert utf16_len("مرحبا") == 5


def test_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html(
        '👋 <b>مرحبا</b> <a href="https://example.com/?a=1&amp;b=2">link</a> &lt;3 &#x1F600;&#33;'
    )
    assert text == "👋 مرحبا link <3 😀!"
    assert entities == [
        {"offset": 3, "length": 5, "type": "bold"},
        {"offset": 9, "length": 4, "type": "text_link", "url": "https://example.com/?a=1&b=2"},
    ]


@pytest.mark.parametrize(
    ("markup", "entity"),
    [
        ("<strong>x</strong>", {"type": "bold"}),
        ("<em>x</em>", {"type": "italic"}),
        ("<ins>x</ins>", {"type": "underline"}),
        ("<del>x</del>", {"type": "strikethrough"}),
        ('<span class="tg-spoiler">x</span>', {"type": "spoiler"}),
        ("<tg-spoiler>x</tg-spoiler>", {"type": "spoiler"}),
        ("<code>x</code>", {"type": "code"}),
        (
            '<pre><code class="language-python">x</code></pre>',
            {"type": "pre", "language": "python"},
        ),
        ("<blockquote>x</blockquote>", {"type": "blockquote"}),
        ("<blockquote expandable>x</blockquote>", {"type": "expandable_blockquote"}),
        (
            '<tg-emoji emoji-id="5368324170671202286">x</tg-emoji>',
            {"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"},
        ),
        ("<B>x</B>", {"type": "bold"}),
    ],
)
def test_each_supported_tag(markup: str, entity: dict[str, str]) -> None:
    text, entities = parse_html(markup)
    assert text == "x"
    assert entities == [{"offset": 0, "length": 1, **entity}]


def test_nested_tags_and_bare_ampersand() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b> Q&A")
    assert text == "bold both Q&A"
    assert entities == [
        {"offset": 0, "length": 9, "type": "bold"},
        {"offset": 5, "length": 4, "type": "italic"},
    ]


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("👋 <b", "Unclosed start tag at byte offset 5"),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ("&#0;", "Invalid numeric HTML entity at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
    ],
)
async def test_bad_html_is_rejected(api, markup: str, reason: str) -> None:
    with pytest.raises(HtmlParseError, match=r"byte offset|end tag"):
        parse_html(markup)
    description = await api.error(
        "sendMessage", 400, chat_id=CHANNEL, text=markup, parse_mode="HTML"
    )
    assert description == f"Bad Request: can't parse entities: {reason}"


async def test_html_over_http_and_markdown_passthrough(fake, api) -> None:
    result = await api.ok(
        "sendMessage", chat_id=CHANNEL, text="🇸🇦 <b>عاجل</b>\n", parse_mode="HTML"
    )
    assert result["text"] == "🇸🇦 عاجل"
    assert result["entities"] == [{"offset": 5, "length": 4, "type": "bold"}]
    plain = await api.ok(
        "sendMessage", chat_id=CHANNEL, text="*not parsed*", parse_mode="MarkdownV2"
    )
    assert plain["text"] == "*not parsed*"
    raw = await api.ok("sendMessage", chat_id=CHANNEL, text="<b>as is</b>")
    assert raw["text"] == "<b>as is</b>"
    assert "entities" not in raw


async def test_text_limits_count_utf16(api) -> None:
    assert await api.ok("sendMessage", chat_id=CHANNEL, text="👋" * 2048)
    assert await api.error("sendMessage", 400, chat_id=CHANNEL, text="👋" * 2048 + "x") == (
        "Bad Request: message is too long"
    )
    assert await api.ok(
        "sendMessage", chat_id=CHANNEL, text=f"<b>{'a' * 4096}</b>", parse_mode="HTML"
    )
    for empty in ("", "   \n", "<b></b>"):
        assert (
            await api.error("sendMessage", 400, chat_id=CHANNEL, text=empty, parse_mode="HTML")
            == "Bad Request: message text is empty"
        )


async def test_caption_limit(api) -> None:
    url = "https://example.com/p.jpg"
    assert await api.ok("sendPhoto", chat_id=CHANNEL, photo=url, caption="é" * 1024)
    assert await api.error("sendPhoto", 400, chat_id=CHANNEL, photo=url, caption="😀" * 513) == (
        "Bad Request: message caption is too long"
    )


def _keyboard(**button: str) -> dict[str, list[list[dict[str, str]]]]:
    return {"inline_keyboard": [[{"text": "B", **button}]]}


async def test_inline_keyboard_rules(api) -> None:
    async def send(markup: object) -> tuple[int, dict[str, object]]:
        status, body = await api("sendMessage", chat_id=CHANNEL, text="k", reply_markup=markup)
        return status, body

    assert (await send(_keyboard(callback_data="é" * 32)))[0] == 200  # 64 bytes
    assert (await send(_keyboard(url="tg://resolve?domain=example_news")))[0] == 200
    assert (await send(_keyboard(url="https://example.com")))[0] == 200
    cases = [
        (_keyboard(callback_data="é" * 32 + "x"), "Bad Request: BUTTON_DATA_INVALID"),
        (_keyboard(callback_data=""), "Bad Request: BUTTON_DATA_INVALID"),
        (_keyboard(url="javascript:alert(1)"), "Bad Request: BUTTON_URL_INVALID"),
        (_keyboard(url="example.com"), "Bad Request: BUTTON_URL_INVALID"),
        (
            _keyboard(url="https://e.com", callback_data="x"),
            "Bad Request: can't parse inline keyboard button: exactly one action is allowed",
        ),
        (_keyboard(), "Bad Request: text buttons are unallowed in the inline keyboard"),
    ]
    for markup, description in cases:
        status, body = await send(markup)
        assert (status, body["description"]) == (400, description), markup
