"""Retraction, and the control room: /status, /pause, /resume, /post, /retry, /skip, /audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain import DeliveryState
from bot.services import Services
from sandbox.fakeapi import FakeTelegram, Fault
from storage.deliveries import DeliveryRepository
from tests.sources.conftest import LocalServer
from tests.sources.conftest import server as local_server  # noqa: F401 - a fixture
from tests.support import (
    ADMIN_ID,
    CHANNEL,
    CHANNEL_ID,
    Running,
    StartAdmin,
    site_article,
    wait_until,
)


async def state(services: Services, article_id: int) -> DeliveryState | None:
    delivery = await DeliveryRepository(services.db.store).get(article_id)
    return delivery.state if delivery else None


async def _is_posted(services: Services, article_id: int) -> bool:
    return await state(services, article_id) is DeliveryState.POSTED


async def publish_breaking(bot: Running, text: str) -> int:
    editor = bot.fake.user(ADMIN_ID, "Editor")
    preview = await bot.command(editor, f"/breaking {text}")
    await bot.press(
        editor, preview, preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    )
    post = bot.fake.messages(CHANNEL_ID)[-1]
    assert post.reply_markup is not None
    return int(post.reply_markup["inline_keyboard"][0][0]["callback_data"].removeprefix("fav:"))


async def test_retract_deletes_unpins_and_favorites_say_unavailable(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor, reader = fake.user(ADMIN_ID, "Editor"), fake.user(555, "Reader")
    async with admin_bot() as bot:
        article_id = await publish_breaking(bot, "Wrong report")
        (post,) = fake.messages(CHANNEL_ID)
        assert post.pinned
        saved = fake.press_button(reader, CHANNEL_ID, post.message_id, f"fav:{article_id}")
        assert "Saved" in (await fake.wait_for(lambda: fake.callback_answers(saved)))["text"]

        question = await bot.command(editor, f"/retract {article_id}")
        assert "Retract article" in bot.shown(question)
        assert fake.message(CHANNEL_ID, post.message_id).deleted is False  # type: ignore[union-attr]
        yes = question.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        done = await bot.press(editor, question, yes)
        assert "retracted" in bot.shown(done)

        gone = fake.message(CHANNEL_ID, post.message_id)
        assert gone is not None and gone.deleted and not gone.pinned
        assert fake.calls_of("unpinChatMessage") and fake.calls_of("deleteMessage")
        # The reader's ⭐ still exists in old clients' view: it now says the story is gone.
        query = fake.press_button(reader, CHANNEL_ID, post.message_id, f"fav:{article_id}")
        answer = await fake.wait_for(lambda: fake.callback_answers(query))
        assert "no longer available" in answer["text"]
        assert await state(bot.app.bot_data.services, article_id) is DeliveryState.SKIPPED
        again = await bot.command(editor, f"/retract {article_id}")
        assert "retracted already" in bot.shown(again)


async def test_scheduled_unpin(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    async with admin_bot(breaking={"unpin_after_hours": 2}) as bot:
        await publish_breaking(bot, "Pinned for two hours")
        (post,) = fake.messages(CHANNEL_ID)
        assert post.pinned
        assert await bot.admin.pins.unpin_due() == 0  # not yet
        later = datetime.now(UTC) + timedelta(hours=2, minutes=1)
        assert await bot.admin.pins.unpin_due(later) == 1
        unpinned = fake.message(CHANNEL_ID, post.message_id)
        assert unpinned is not None and not unpinned.pinned and not unpinned.deleted


async def test_status_pause_resume(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    publishing = {"interval_seconds": 1, "max_posts_per_minute": 600}
    async with admin_bot(publishing=publishing) as bot:
        services = bot.app.bot_data.services
        status = bot.shown(await bot.command(editor, "/status"))
        assert "Publishing is running" in status
        assert "posted today 0" in status and "Up " in status and "newsdesk" in status

        assert "paused" in bot.shown(await bot.command(editor, "/pause"))
        article_id = await site_article(services, 1)
        # Two publisher ticks (1 s apart) go by while paused: nothing is posted.
        job = bot.app.job_queue.get_jobs_by_name("publisher")[0]  # type: ignore[union-attr]
        first = job.next_t
        await fake.wait_for(
            lambda: (
                job.next_t is not None
                and first is not None
                and (job.next_t - first).total_seconds() >= 2
            ),
            timeout=5,
        )
        assert fake.messages(CHANNEL_ID) == []
        assert "paused by an editor" in bot.shown(await bot.command(editor, "/status"))

        assert "resumed" in bot.shown(await bot.command(editor, "/resume"))
        await wait_until(lambda: _is_posted(services, article_id))
        status = bot.shown(await bot.command(editor, "/status"))
        assert "posted today 1" in status and "Last post: never" not in status


async def test_post_retry_skip_and_audit(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing={"max_posts_per_minute": 600}) as bot:
        services = bot.app.bot_data.services
        first, second, third = [await site_article(services, n) for n in (1, 2, 3)]
        assert "will not be posted" in bot.shown(await bot.command(editor, f"/skip {third}"))
        assert await state(services, third) is DeliveryState.SKIPPED

        posted = await bot.command(editor, f"/post {first}")
        assert "https://t.me/example_news/" in bot.shown(posted)
        assert await state(services, first) is DeliveryState.POSTED
        (post,) = fake.messages(CHANNEL_ID)
        assert post.disable_notification is True  # /post is a routine post, pushed early
        assert "posted already" in bot.shown(await bot.command(editor, f"/post {first}"))

        fake.fail_next("sendMessage", Fault.bad_request("Bad Request: message is too long"))
        failed = await bot.command(editor, f"/post {second}")
        assert "Not posted" in bot.shown(failed)
        async with services.db.write() as conn:  # as a pass that failed would leave it
            channel = CHANNEL.removeprefix("@")  # the one channel's name in the store
            assert await DeliveryRepository(conn).claim(
                second, channel=channel, now=datetime.now(UTC)
            )
            await DeliveryRepository(conn).mark_failed(
                second,
                channel=channel,
                error="test",
                retry_at=datetime.now(UTC) + timedelta(hours=1),
                now=datetime.now(UTC),
            )
        retried = await bot.command(editor, f"/retry {second}")
        assert "queued again" in bot.shown(retried)
        await wait_until(lambda: _is_posted(services, second))
        assert "only failed or uncertain" in bot.shown(
            await bot.command(editor, f"/retry {first}")
        )

        await services.publisher.run_pass()
        assert len(fake.messages(CHANNEL_ID)) == 2
        assert "nothing changed" in bot.shown(await bot.command(editor, f"/skip {first}"))

        audit = bot.shown(await bot.command(editor, "/audit"))
        lines = audit.splitlines()[1:]
        assert "skip article" in lines[0] and "refused" in lines[0]
        assert any(
            f"post article {first}" in line and "posted https://t.me/" in line for line in lines
        )
        assert any("retry" in line for line in lines)
        assert all("Editor" in line for line in lines)


async def test_post_url_to_a_private_address_is_refused(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(fetching={"allow_private_addresses": False}) as bot:
        answer = await bot.command(editor, "/post http://127.0.0.1:9/article")
        assert "Could not read that page" in bot.shown(answer)
        assert fake.messages(CHANNEL_ID) == []


async def test_retracting_a_story_pushed_again_as_breaking_deletes_both_posts(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        services = bot.app.bot_data.services
        article_id = await site_article(services, 7)
        assert (await services.publisher.run_pass()).posted == [article_id]  # the routine post
        preview = await bot.command(editor, f"/breaking {article_id}")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        await bot.press(editor, preview, publish)
        assert len([m for m in fake.messages(CHANNEL_ID) if not m.deleted]) == 2

        question = await bot.command(editor, f"/retract {article_id}")
        yes = question.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await bot.press(editor, question, yes)
        assert [m for m in fake.messages(CHANNEL_ID) if not m.deleted] == []


async def test_odd_article_numbers_get_an_answer_not_a_crash(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        for text in ("/retract ²", "/breaking ²", "/post ²", "/post 99999999999999999999999"):
            answer = await bot.command(editor, text)
            assert bot.shown(answer), text  # a reply came; the fixture fails on handler errors
        assert fake.messages(CHANNEL_ID) == []


async def test_audit_stays_within_telegrams_limit_whatever_people_typed(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "🦊" * 300)  # a display name is whatever its owner typed
    async with admin_bot() as bot:
        for n in range(15):  # under the flood guard's 20 in 10 s
            await bot.command(editor, "/resume" if n % 2 else "/pause 🔥🔥🔥")
        answer = await bot.command(editor, "/audit")
        assert answer.ok  # Telegram (the fake) accepted it: under 4096 UTF-16 units
        assert "Last admin actions" in bot.shown(answer)


@pytest.fixture
def article_site(local_server: LocalServer) -> Iterator[str]:  # noqa: F811 - the fixture
    """The local web server with one real news page (from the corpus) at /article."""
    page = (Path(__file__).parents[1] / "corpus" / "pages" / "reuters_2020.html").read_bytes()
    local_server.routes["/article"] = lambda h: h.reply(
        200, page, content_type="text/html; charset=utf-8"
    )
    yield f"{local_server.url}/article"


async def test_post_url_fetches_stores_and_posts_the_page(
    fake: FakeTelegram, admin_bot: StartAdmin, article_site: str
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(fetching={"allow_private_addresses": True}) as bot:
        answer = await bot.command(editor, f"/post {article_site}")
        assert "https://t.me/example_news/" in bot.shown(answer)
        (post,) = fake.messages(CHANNEL_ID)
        assert "Parasite" in (post.text or post.caption or "")
        services = bot.app.bot_data.services
        article = await services.articles.get(1)
        assert article is not None and "Parasite" in article.title
        assert await state(services, article.id) is DeliveryState.POSTED
