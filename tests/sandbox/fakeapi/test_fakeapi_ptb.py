"""python-telegram-bot against the double: results de-serialise and faults map to PTB errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from sandbox.fakeapi import FakeTelegram, Fault
from tests.support import CHANNEL_ID as CHANNEL
from tests.support import TOKEN


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    """An initialised PTB Bot talking to the double."""
    async with Bot(token=TOKEN, base_url=fake.base_url) as ptb_bot:
        yield ptb_bot


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Read", url="https://example.com/story")],
            [InlineKeyboardButton("Like", callback_data="like:1")],
        ]
    )


async def test_get_me_and_send_message(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "newsdesk_bot", True)
    message = await bot.send_message(
        "@example_news",
        "<b>Breaking</b> 👋 news",
        parse_mode=ParseMode.HTML,
        reply_markup=_keyboard(),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert message.text == "Breaking 👋 news"
    assert message.parse_entities() == {message.entities[0]: "Breaking"}
    assert message.chat.id == CHANNEL
    assert message.sender_chat is not None
    assert message.reply_markup == _keyboard()
    stored = fake.message(CHANNEL, message.message_id)
    assert stored is not None
    assert stored.link_preview_options == {"is_disabled": True}


async def test_send_photo_edit_pin_and_commands(bot: Bot, fake: FakeTelegram) -> None:
    photo = await bot.send_photo(CHANNEL, "https://example.com/a.jpg", caption="Photo")
    assert photo.photo[-1].width == 800
    assert photo.caption == "Photo"
    text = await bot.send_message(CHANNEL, "draft")
    edited = await bot.edit_message_text("final", chat_id=CHANNEL, message_id=text.message_id)
    assert isinstance(edited, type(text))
    assert edited.text == "final"
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("final", chat_id=CHANNEL, message_id=text.message_id)
    assert await bot.pin_chat_message(CHANNEL, text.message_id) is True
    assert fake.messages(CHANNEL)[1].pinned
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("latest", "Latest news")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "latest"]
    member = await bot.get_chat_member(CHANNEL, bot.id)
    assert member.status == ChatMemberStatus.ADMINISTRATOR
    chat = await bot.get_chat("@example_news")
    assert chat.title == "Example News"


async def test_answer_callback_query(bot: Bot, fake: FakeTelegram) -> None:
    post = await bot.send_message(CHANNEL, "story", reply_markup=_keyboard())
    query_id = fake.press_button(fake.user(8), CHANNEL, post.message_id, "like:1")
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "like:1"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == post.message_id
    assert await update.callback_query.answer("Thanks!") is True
    answer = fake.callback_answers(query_id)
    assert answer is not None
    assert answer["text"] == "Thanks!"


@pytest.mark.parametrize(
    ("fault", "error", "check"),
    [
        (Fault.retry_after(5), RetryAfter, lambda e: e.retry_after == timedelta(seconds=5)),
        (Fault.bad_request("Bad Request: can't parse entities: x"), BadRequest, None),
        (Fault.forbidden("Forbidden: bot was kicked from the channel chat"), Forbidden, None),
        (Fault.chat_migrated(-100999), ChatMigrated, lambda e: e.new_chat_id == -100999),
        (Fault.server_error(502), NetworkError, None),
        (Fault.drop_connection(), NetworkError, None),
    ],
)
async def test_faults_raise_ptb_errors(bot: Bot, fake: FakeTelegram, fault, error, check) -> None:
    fake.fail_next("sendMessage", fault)
    with pytest.raises(error) as caught:
        await bot.send_message(CHANNEL, "x")
    if check is not None:
        assert check(caught.value)
    assert (await bot.send_message(CHANNEL, "after")).text == "after"


async def test_timeout_is_ambiguous(bot: Bot, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", Fault.timeout(30, applied=True))
    with pytest.raises(TimedOut):
        await bot.send_message(CHANNEL, "maybe posted", read_timeout=0.3)
    assert [m.text for m in fake.messages(CHANNEL)] == ["maybe posted"]


async def test_real_errors_map_too(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("@missing", "x")
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await bot.send_message(CHANNEL, "<b>oops", parse_mode=ParseMode.HTML)
    fake.kick_from_channel(CHANNEL)
    with pytest.raises(Forbidden, match=r"(?i)not a member of the channel chat"):
        await bot.send_message(CHANNEL, "x")


async def test_wrong_token_is_invalid() -> None:
    with FakeTelegram(token=TOKEN) as fake, pytest.raises(InvalidToken):
        async with Bot(token="123456:OTHER", base_url=fake.base_url):
            pass


async def test_application_polls_and_replies(fake: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Welcome!")

    app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("start", start))
    ann = fake.user(77, first_name="Ann")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        fake.send_text(ann, "/start")
        call = await fake.wait_for_call("sendMessage", where=lambda p: p["chat_id"] == 77)
        await app.updater.stop()
        await app.stop()
    assert call.result_or_error["text"] == "Welcome!"
    assert call.result_or_error["chat"]["type"] == "private"
    assert fake.pending_update_count == 0  # PTB confirmed the update with its next offset


async def test_edit_message_media_replaces_photo_and_caption(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_photo(
        CHANNEL, "https://e.com/old.jpg", caption="<b>Old</b>", parse_mode="HTML"
    )
    edited = await bot.edit_message_media(
        InputMediaPhoto("https://e.com/new.jpg", caption="<b>New</b>", parse_mode="HTML"),
        CHANNEL,
        sent.message_id,
    )
    assert isinstance(edited, Message) and edited.caption == "New"
    stored = fake.message(CHANNEL, sent.message_id)
    assert stored is not None and stored.photo_source == {
        "kind": "url",
        "url": "https://e.com/new.jpg",
    }
    assert stored.edit_date is not None
    text = await bot.send_message(CHANNEL, "plain")
    with pytest.raises(BadRequest, match="no media"):
        await bot.edit_message_media(
            InputMediaPhoto("https://e.com/x.jpg"), CHANNEL, text.message_id
        )
