"""Breaking news from an editor's command to a loud, pinned, stored channel post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import DeliveryState
from sandbox.fakeapi import FakeTelegram
from storage.breaking import PreviewRepository
from storage.deliveries import DeliveryRepository
from tests.support import ADMIN_ID, CHANNEL_ID, StartAdmin, site_article

BREAKING_TEXT = "Earthquake hits the capital\nBuildings evacuated. https://news.example/quake"


def channel_posts(fake: FakeTelegram) -> list[str]:
    return [m.text or m.caption or "" for m in fake.messages(CHANNEL_ID) if not m.deleted]


async def test_preview_then_publish_posts_loud_pinned_stored_and_links(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        preview = await bot.command(editor, f"/breaking {BREAKING_TEXT}")
        assert bot.shown(preview).startswith("🔴 BREAKING")
        assert "Earthquake hits the capital" in bot.shown(preview)
        assert channel_posts(fake) == []  # nothing goes out before Publish
        keyboard = preview.params["reply_markup"]["inline_keyboard"]
        publish, cancel = (b["callback_data"] for b in keyboard[-1])
        assert publish.startswith("brk:pub:") and cancel.startswith("brk:cancel:")

        answer = await bot.press(editor, preview, publish)

        (post,) = fake.messages(CHANNEL_ID)
        assert (post.text or "").startswith("🔴 BREAKING\nEarthquake hits the capital")
        assert post.disable_notification is False  # loud
        assert post.pinned
        assert f"https://t.me/example_news/{post.message_id}" in bot.shown(answer)
        services = bot.app.bot_data.services
        buttons = post.reply_markup["inline_keyboard"][0] if post.reply_markup else []
        article_id = int(buttons[0]["callback_data"].removeprefix("fav:"))
        article = await services.articles.get(article_id)
        assert article is not None and article.is_breaking
        assert article.url == "https://news.example/quake"
        delivery = await DeliveryRepository(services.db.store).get(article_id)
        assert delivery is not None and delivery.state is DeliveryState.POSTED
        assert delivery.message_id == post.message_id
        # The preview's buttons are gone once it is answered.
        stored = fake.message(ADMIN_ID, preview.result_or_error["message_id"])
        assert stored is not None and stored.reply_markup is None


async def test_cancel_posts_nothing(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        preview = await bot.command(editor, "/breaking Never mind")
        cancel = preview.params["reply_markup"]["inline_keyboard"][-1][1]["callback_data"]
        answer = await bot.press(editor, preview, cancel)
        assert "Cancelled" in bot.shown(answer)
        publish = cancel.replace("cancel", "pub")
        again = await bot.press(editor, preview, publish)  # a stale Publish after Cancel
        assert "cancelled" in bot.shown(again)
        assert channel_posts(fake) == []


async def test_stale_preview_cannot_be_published(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        preview = await bot.command(editor, "/breaking Old news by now")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        preview_id = int(publish.rsplit(":", 1)[1])
        services = bot.app.bot_data.services
        old = datetime.now(UTC) - timedelta(minutes=11)
        async with services.db.write() as conn:  # the preview was shown 11 minutes ago
            await conn.execute(
                "UPDATE breaking_previews SET created_at = $1 WHERE id = $2",
                old.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                preview_id,
            )
        answer = await bot.press(editor, preview, publish)
        assert "older than 10 minutes" in bot.shown(answer)
        assert channel_posts(fake) == []


async def test_double_press_posts_once(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        preview = await bot.command(editor, "/breaking Pressed twice")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        message_id = preview.result_or_error["message_id"]
        first = fake.press_button(editor, ADMIN_ID, message_id, publish)
        second = fake.press_button(editor, ADMIN_ID, message_id, publish)
        await fake.wait_for(lambda: fake.callback_answers(first) and fake.callback_answers(second))
        await fake.wait_for(
            lambda: [
                c
                for c in fake.calls_of("sendMessage")
                if c.params["chat_id"] == ADMIN_ID and "Already published" in c.params["text"]
            ]
        )
        await fake.wait_for(
            lambda: [c for c in fake.calls_of("sendMessage") if "Published:" in c.params["text"]]
        )
        assert len(channel_posts(fake)) == 1


async def test_same_text_within_ten_minutes_asks_first(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        first = await bot.command(editor, "/breaking Polls close at 8")
        await bot.press(
            editor, first, first.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        )
        second = await bot.command(editor, "/breaking  polls close AT 8 ")
        publish = second.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        question = await bot.press(editor, second, publish)
        assert "Post it again?" in bot.shown(question)
        assert len(channel_posts(fake)) == 1
        again = question.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert again.startswith("brk:again:")
        done = await bot.press(editor, question, again)
        assert "Published:" in bot.shown(done)
        assert len(channel_posts(fake)) == 2


async def test_without_confirm_posts_at_once(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(breaking={"confirm": False, "pin": False}) as bot:
        answer = await bot.command(editor, "/breaking Straight out")
        assert "Published:" in bot.shown(answer)
        (post,) = fake.messages(CHANNEL_ID)
        assert not post.pinned
        assert not fake.calls_of("pinChatMessage")


async def test_breaking_by_article_id_pushes_a_stored_article(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        services = bot.app.bot_data.services
        article_id = await site_article(services, 1, title="Minister resigns")
        preview = await bot.command(editor, f"/breaking {article_id}")
        assert "Minister resigns" in bot.shown(preview)
        # Held for the push: a routine pass meanwhile leaves it alone.
        assert (await services.publisher.run_pass()).posted == []
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        await bot.press(editor, preview, publish)
        (post,) = fake.messages(CHANNEL_ID)
        assert (post.text or "").startswith("🔴 BREAKING\nMinister resigns")
        assert post.disable_notification is False
        article = await services.articles.get(article_id)
        assert article is not None and article.is_breaking
        assert await PreviewRepository(services.db.store).get(1) is not None


async def test_reply_to_a_photo_posts_the_photo(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        photo = fake.send_photo_from_user(editor)  # no caption: the bot says nothing to it
        preview = await bot.command(editor, "/breaking Fire downtown", reply_to=photo)
        assert preview.method == "sendPhoto"
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        await bot.press(editor, preview, publish)
        (post,) = fake.messages(CHANNEL_ID)
        assert post.photo is not None
        assert (post.caption or "").startswith("🔴 BREAKING\nFire downtown")
        assert post.disable_notification is False and post.pinned


async def test_abandoned_preview_of_a_stored_article_releases_it(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        services = bot.app.bot_data.services
        article_id = await site_article(services, 2, title="Held, then forgotten")
        preview = await bot.command(editor, f"/breaking {article_id}")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        preview_id = int(publish.rsplit(":", 1)[1])
        assert (await services.publisher.run_pass()).posted == []  # held while the preview is open
        assert await services.admin.breaking.expire_stale() == 0  # not stale yet
        old = datetime.now(UTC) - timedelta(minutes=11)
        async with services.db.write() as conn:  # nobody answered for 11 minutes
            await conn.execute(
                "UPDATE breaking_previews SET created_at = $1 WHERE id = $2",
                old.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                preview_id,
            )
        assert await services.admin.breaking.expire_stale() == 1
        # It takes its normal, routine turn in the queue again instead of being skipped later.
        assert (await services.publisher.run_pass()).posted == [article_id]
        (post,) = fake.messages(CHANNEL_ID)
        assert (post.text or "").startswith("Held, then forgotten")
