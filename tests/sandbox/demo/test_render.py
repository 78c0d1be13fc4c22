"""Messages → page HTML, rebuilt from text and entities: article content never scripts the page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from sandbox.demo.entities import entities_to_html
from sandbox.demo.render import bubble, pinned_bar
from sandbox.fakeapi import StoredMessage, parse_html

UTC = ZoneInfo("UTC")


def _html(telegram_html: str, *, commands: bool = False) -> str:
    """What the page shows for a message the bot sent with this HTML."""
    text, entities = parse_html(telegram_html)
    return entities_to_html(text, entities, commands=commands)


def _message(**fields: object) -> StoredMessage:
    base: dict[str, object] = {
        "chat_id": -100,
        "message_id": 5,
        "date": 1_700_000_000,
        "sender": {"id": 1, "is_bot": True, "first_name": "Newsdesk"},
        "from_bot": True,
    }
    base.update(fields)
    return StoredMessage(**base)  # type: ignore[arg-type]


def test_markup_is_rebuilt_and_text_is_escaped() -> None:
    shown = _html("<b>A &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b> <i>x</i>")
    assert shown == "<b>A &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b> <i>x</i>"


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", "vbscript:x"],
)
def test_only_safe_link_schemes_become_links(href: str) -> None:
    text = "read"
    shown = entities_to_html(text, [{"type": "text_link", "offset": 0, "length": 4, "url": href}])
    assert "href=" not in shown
    assert 'class="link blocked"' in shown
    assert "<script>" not in shown


def test_a_link_keeps_its_address_escaped_and_opens_apart() -> None:
    shown = _html('<a href="https://x.example/a?b=1&amp;c=&quot;2&quot;">go</a>')
    assert 'href="https://x.example/a?b=1&amp;c=&quot;2&quot;"' in shown
    assert 'rel="noopener noreferrer nofollow"' in shown


def test_offsets_are_utf16_units() -> None:
    # The emoji is two UTF-16 units: an offset counted in code points would shift the bold.
    shown = _html("😀🇱🇧 <b>bold</b> after")
    assert shown == "😀🇱🇧 <b>bold</b> after"


def test_crossing_entities_are_split_not_lost() -> None:
    text = "abcdef"
    entities = [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "italic", "offset": 2, "length": 4},
    ]
    assert entities_to_html(text, entities) == "<b>ab<i>cd</i></b><i>ef</i>"


def test_garbage_entities_are_ignored_and_the_text_still_shows() -> None:
    entities = [
        {"type": "bold", "offset": -3, "length": 2},
        {"type": "bold", "offset": 99, "length": 2},
        {"type": "bold", "offset": 1, "length": "x"},
        {"type": "made_up", "offset": 0, "length": 3},
    ]
    assert entities_to_html("a<b>", entities) == "a&lt;b&gt;"


def test_hashtags_links_and_commands_are_found_like_a_client_does() -> None:
    shown = _html(
        "\u200f#ثقافة · #Local_News see https://t.me/x?start=a_1. Send /help", commands=True
    )
    assert '<span class="hashtag">#ثقافة</span>' in shown
    assert '<span class="hashtag">#Local_News</span>' in shown
    assert 'href="https://t.me/x?start=a_1"' in shown  # the full stop is not part of it
    assert 'data-cmd="/help"' in shown
    assert "data-cmd" not in _html("Send /help")  # a channel post has no bot commands
    assert "<a" not in _html('<a href="https://a.example">#tag https://b.example</a>')[3:]


def test_a_channel_post_bubble_shows_photo_marks_and_buttons() -> None:
    caption = "<b>Title &amp; more</b>\nbody"
    text, entities = parse_html(caption)
    message = _message(
        caption=text,
        entities=entities,
        photo=[{"file_id": "p", "width": 800, "height": 450}],
        photo_source={"kind": "url", "url": "https://img.example/a.jpg"},
        reply_markup={
            "inline_keyboard": [
                [
                    {"text": "⭐ Save", "callback_data": 'fav:1"><script>'},
                    {"text": "Read more", "url": "https://news.example/a"},
                    {"text": "Evil", "url": "javascript:alert(1)"},
                ]
            ]
        },
        disable_notification=True,
        edit_date=1_700_000_100,
        pinned=True,
    )
    shown = bubble(message, UTC, where="channel")
    assert '<img src="https://img.example/a.jpg" alt="Title &amp; more"' in shown
    assert 'data-cb="fav:1&quot;&gt;&lt;script&gt;"' in shown
    assert 'href="https://news.example/a"' in shown
    assert "javascript:" not in shown
    assert ">edited<" in shown
    assert "📌" in shown
    assert "🔕" in shown
    assert 'class="msg in has-photo pinned"' in shown
    assert "Title &amp; more" in pinned_bar([message])


def test_a_photo_that_is_not_a_web_address_gets_the_placeholder() -> None:
    message = _message(
        caption="x",
        photo=[{"file_id": "p"}],
        photo_source={"kind": "url", "url": "javascript:alert(1)"},
    )
    shown = bubble(message, UTC, where="channel")
    assert "<img" not in shown
    assert 'class="photo broken"' in shown


def test_deleted_and_unpinned_messages_leave_no_pinned_bar() -> None:
    assert pinned_bar([_message(text="a", pinned=True, deleted=True), _message(text="b")]) == ""
