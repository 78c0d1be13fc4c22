"""Only editors, only in private chat, only fresh commands change anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.fakeapi import FakeTelegram
from storage.audit import AuditRepository
from storage.state import StateRepository
from tests.support import ADMIN_ID, CHANNEL_ID, StartAdmin

EDITORS_ONLY = "This command is for the editors."
EVERY_COMMAND = [
    "/breaking Fake news",
    "/breaking 1",
    "/retract 1",
    "/status",
    "/pause",
    "/resume",
    "/post 1",
    "/post https://news.example/a",
    "/retry 1",
    "/skip 1",
    "/audit",
]


async def _nothing_changed(bot: object, fake: FakeTelegram) -> None:
    services = bot.app.bot_data.services  # type: ignore[attr-defined]
    assert fake.messages(CHANNEL_ID) == []
    assert await AuditRepository(services.db.store).latest(5) == []
    assert await StateRepository(services.db.store).get("admin.publishing_paused") is None


@pytest.mark.parametrize("user_id", [777, 1087968824, 777000], ids=["reader", "anon", "service"])
async def test_non_editors_are_refused_every_admin_command(
    fake: FakeTelegram, admin_bot: StartAdmin, user_id: int
) -> None:
    reader = fake.user(user_id, "Somebody")
    async with admin_bot() as bot:
        for text in EVERY_COMMAND:
            answer = await bot.command(reader, text)
            assert bot.shown(answer) == EDITORS_ONLY, text
        await _nothing_changed(bot, fake)


async def test_bare_breaking_stays_the_subscribers_list(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    async with admin_bot() as bot:
        for user in (fake.user(777, "Reader"), fake.user(ADMIN_ID, "Editor")):
            answer = await bot.command(user, "/breaking")
            assert bot.shown(answer) == "No breaking news right now."


async def test_a_forged_publish_press_by_a_reader_changes_nothing(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor, reader = fake.user(ADMIN_ID, "Editor"), fake.user(777, "Reader")
    async with admin_bot() as bot:
        preview = await bot.command(editor, "/breaking Only editors publish")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        bot.fake.send_text(reader, "/start")  # the reader's own chat, to press a forged button in
        hello = await bot.answer(777, 0)
        query = fake.press_button(reader, 777, hello.result_or_error["message_id"], publish)
        answer = await fake.wait_for(lambda: fake.callback_answers(query))
        assert answer["text"] == EDITORS_ONLY
        assert fake.messages(CHANNEL_ID) == []


async def test_admin_commands_in_a_group_do_nothing(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    group = fake.add_group()
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        since = len(fake.calls)
        fake.send_text(editor, "/pause", chat=group.id)
        fake.send_text(editor, "/start")  # a marker: handled after the group message
        await bot.answer(ADMIN_ID, since)
        assert not [c for c in fake.calls[since:] if c.params.get("chat_id") == group.id]
        await _nothing_changed(bot, fake)


async def test_a_command_that_waited_while_the_bot_was_down_is_held(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    sent = datetime.now(UTC) - timedelta(minutes=7)
    fake.send_text(editor, "/breaking Yesterday's news", date=sent)  # queued before the start
    async with admin_bot() as bot:
        held = await bot.answer(ADMIN_ID, 0)
        assert "did not run it" in bot.shown(held)
        assert "/breaking Yesterday's news" in bot.shown(held)
        assert fake.messages(CHANNEL_ID) == []
        run = held.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert run.startswith("held:run:")
        preview = await bot.press(editor, held, run)
        assert "Yesterday's news" in bot.shown(preview)  # now it is a fresh preview
        again = await bot.press(editor, held, run)
        assert "decided already" in bot.shown(again)
        assert fake.messages(CHANNEL_ID) == []  # still only a preview: Publish was not pressed


async def test_a_held_pause_is_not_applied_until_confirmed(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    fake.send_text(editor, "/pause", date=datetime.now(UTC) - timedelta(minutes=6))
    async with admin_bot() as bot:
        held = await bot.answer(ADMIN_ID, 0)
        assert bot.admin.control.editor_pause is None
        drop = held.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
        dropped = await bot.press(editor, held, drop)
        assert "Dropped" in bot.shown(dropped)
        assert bot.admin.control.editor_pause is None


@pytest.mark.parametrize(
    "data",
    ["brk:pub:1", "brk:again:1", "brk:cancel:1", "rtr:yes:1", "held:run:1", "unc:again:1"],
)
@pytest.mark.parametrize("user_id", [777, 1087968824], ids=["reader", "anon"])
async def test_every_editors_button_pressed_by_a_non_editor_changes_nothing(
    fake: FakeTelegram, admin_bot: StartAdmin, data: str, user_id: int
) -> None:
    reader = fake.user(user_id, "Somebody")
    async with admin_bot() as bot:
        bot.fake.send_text(reader, "/start")  # the reader's own chat, to press a forged button in
        hello = await bot.answer(user_id, 0)
        query = fake.press_button(reader, user_id, hello.result_or_error["message_id"], data)
        answer = await fake.wait_for(lambda: fake.callback_answers(query))
        assert "editors" in answer["text"]
        await _nothing_changed(bot, fake)
