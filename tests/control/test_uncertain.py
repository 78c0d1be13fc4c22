"""Post again / It is posted under "not sure this reached the channel": the editors' gate in
the service, the audit trail for every decision, and one anchoring for every editor's button."""

from __future__ import annotations

import pytest

from bot.control.editors import Actor
from bot.domain import DeliveryState
from bot.domain.errors import NotAnEditorError
from sandbox.fakeapi import FakeTelegram, FakeUser, Fault, RecordedCall
from storage.audit import AuditRepository
from storage.deliveries import DeliveryRepository
from tests.support import ADMIN_ID, CHANNEL_ID, Running, StartAdmin, site_article, wait_until

STALE = "Sorry, this button no longer works."


async def uncertain_alert(bot: Running, n: int) -> tuple[int, RecordedCall]:
    """Story `n`, lost with its connection mid-post: uncertain, and the editors alerted."""
    services = bot.app.bot_data.services
    article_id = await site_article(services, n)
    since = len(bot.fake.calls)
    bot.fake.fail_next("sendMessage", Fault.drop_connection(applied=False))
    assert (await services.publisher.run_pass()).uncertain == [article_id]
    alert = await bot.fake.wait_for_call(
        "sendMessage", lambda p: p["chat_id"] == ADMIN_ID and "Not sure" in p["text"], since=since
    )
    return article_id, alert


def decisions(alert: RecordedCall) -> tuple[str, str]:
    """The data of "Post again" and "It is posted"."""
    again, done = alert.params["reply_markup"]["inline_keyboard"][0]
    return again["callback_data"], done["callback_data"]


async def press(fake: FakeTelegram, user: FakeUser, alert: RecordedCall, data: str) -> str:
    """Press a button under the alert; the toast the bot answered with."""
    query = fake.press_button(user, ADMIN_ID, alert.result_or_error["message_id"], data)
    answer = await fake.wait_for(lambda: fake.callback_answers(query))
    return str(answer.get("text", ""))


async def state(bot: Running, article_id: int) -> DeliveryState | None:
    delivery = await DeliveryRepository(bot.app.bot_data.services.db.store).get(article_id)
    return delivery.state if delivery else None


async def test_a_reader_cannot_decide_an_uncertain_post(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor, reader = fake.user(ADMIN_ID, "Editor"), fake.user(777, "Reader")
    async with admin_bot() as bot:
        await bot.command(editor, "/start")  # the editor opened the bot: alerts can reach them
        article_id, alert = await uncertain_alert(bot, 1)
        control = bot.admin.control
        for post_again in (True, False):  # the service refuses, whoever calls it
            with pytest.raises(NotAnEditorError):
                await control.decide_uncertain(
                    Actor(reader.id, "Reader"), article_id, post_again=post_again
                )
        for data in decisions(alert):
            assert await press(fake, reader, alert, data) == "This is for the editors."
        assert await state(bot, article_id) is DeliveryState.UNCERTAIN
        assert await AuditRepository(bot.app.bot_data.services.db.store).latest(5) == []
        assert fake.messages(CHANNEL_ID) == []


async def test_an_editors_decisions_are_in_the_audit_trail(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        await bot.command(editor, "/start")
        posted, posted_alert = await uncertain_alert(bot, 1)
        lost, lost_alert = await uncertain_alert(bot, 2)

        done = decisions(posted_alert)[1]
        assert await press(fake, editor, posted_alert, done) == "Recorded as posted."
        assert await state(bot, posted) is DeliveryState.POSTED
        assert await press(fake, editor, posted_alert, done) == (
            "Already decided, or no longer uncertain."
        )
        again = decisions(lost_alert)[0]
        assert await press(fake, editor, lost_alert, again) == "Queued to post again."
        await wait_until(lambda: _is(bot, lost, DeliveryState.POSTED))

        audit = bot.shown(await bot.command(editor, "/audit")).splitlines()[1:]
        assert len(audit) == 3
        assert f"uncertain article {lost} → queued to post again" in audit[0]
        assert f"uncertain article {posted} → refused" in audit[1]
        assert f"uncertain article {posted} → recorded as posted" in audit[2]
        assert all("Editor" in line for line in audit)


async def _is(bot: Running, article_id: int, wanted: DeliveryState) -> bool:
    return await state(bot, article_id) is wanted


@pytest.mark.parametrize("suffix", ["\n", " ", "x", ":1"])
async def test_an_editors_button_with_anything_after_it_does_nothing(
    fake: FakeTelegram, admin_bot: StartAdmin, suffix: str
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        await bot.command(editor, "/start")
        article_id, alert = await uncertain_alert(bot, 1)
        for data in decisions(alert):
            assert await press(fake, editor, alert, data + suffix) == STALE
        assert await state(bot, article_id) is DeliveryState.UNCERTAIN

        preview = await bot.command(editor, "/breaking Only the real button publishes")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        query = fake.press_button(
            editor, ADMIN_ID, preview.result_or_error["message_id"], publish + suffix
        )
        assert (await fake.wait_for(lambda: fake.callback_answers(query)))["text"] == STALE
        assert fake.messages(CHANNEL_ID) == []
        assert await AuditRepository(bot.app.bot_data.services.db.store).latest(5) == []
