"""Editions on the real stack: one desk, several channels in the fake Telegram, one SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain import ArticleDraft, DeliveryState
from bot.rendering import RLM
from bot.services import Services
from sandbox.fakeapi import FakeTelegram
from storage.deliveries import DeliveryRepository
from tests.support import ADMIN_ID, CHANNEL, CHANNEL_ID, StartAdmin, wait_until

AR_ID, SPORT_ID = -1001234567891, -1001234567892
QUIET = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}
EN = {"chat": CHANNEL, "name": "en"}
AR = {"chat": "@example_news_ar", "name": "ar", "language": "ar", "languages": ["ar", "en"]}
SPORT = {
    "chat": "@example_sport",
    "name": "sport",
    "categories": ["sport"],
    "topics": {"Football": 7},
    "default_topic": 3,
    "show_byline": False,
    "hashtags": "none",
    "footer": "Follow @example_sport",
}


@pytest.fixture
def editions(fake: FakeTelegram) -> Iterator[FakeTelegram]:
    """The fake with the Arabic edition's channel and a sport forum group beside the site's."""
    fake.add_channel(username="example_news_ar", chat_id=AR_ID, title="Example News عربي")
    fake.add_group(SPORT_ID, "Example Sport", username="example_sport", bot_is_admin=True)
    yield fake


def draft(n: int, **changes: Any) -> ArticleDraft:
    base = ArticleDraft(
        guid=f"site-{n}",
        url=f"https://news.example/a/{n}",
        title=f"Story number {n}",
        category="World",
        byline="Staff",
        published_at=datetime.now(UTC) - timedelta(minutes=30 - n),
        summary=f"The lead of story {n}.",
    )
    return base.model_copy(update=changes)


def texts(fake: FakeTelegram, chat: int) -> list[str]:
    return [m.text or m.caption or "" for m in fake.messages(chat) if not m.deleted]


async def store(services: Services, *drafts: ArticleDraft) -> list[int]:
    return [result.article.id for result in await services.articles.store(drafts)]


def window_around_now(minutes: int = 60) -> str:
    """Quiet hours "HH:MM-HH:MM" in the test site's zone, now in the middle."""
    now = datetime.now(ZoneInfo("Asia/Beirut"))
    start, end = now - timedelta(minutes=minutes), now + timedelta(minutes=minutes)
    return f"{start:%H:%M}-{end:%H:%M}"


async def test_one_article_goes_to_each_edition_in_its_language(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    async with admin_bot(publishing=QUIET, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        english, arabic, french = await store(
            services,
            draft(1),
            draft(2, title="روسيا وكوريا الشمالية تعززان العلاقات", language="ar"),
            draft(3, title="Une histoire", language="fr"),
        )
        report = await services.publisher.run_pass()
        assert sorted(report.posted) == sorted([english, english, arabic])
        assert texts(fake, CHANNEL_ID) == [texts(fake, CHANNEL_ID)[0]]
        assert texts(fake, CHANNEL_ID)[0].startswith("Story number 1")
        ar_posts = fake.messages(AR_ID)
        assert [m.text.splitlines()[0] for m in ar_posts if m.text] == [
            "Story number 1",
            f"{RLM}روسيا وكوريا الشمالية تعززان العلاقات".removeprefix(RLM),
        ]
        # The Arabic edition's buttons are in Arabic; ⭐ is the same callback everywhere.
        ar_buttons = ar_posts[0].reply_markup["inline_keyboard"][0]  # type: ignore[index]
        en_buttons = fake.messages(CHANNEL_ID)[0].reply_markup["inline_keyboard"][0]  # type: ignore[index]
        assert ar_buttons[1]["text"] == "اقرأ المزيد" and en_buttons[1]["text"] == "Read more"
        assert ar_buttons[0]["callback_data"] == en_buttons[0]["callback_data"] == f"fav:{english}"
        # The Arabic article's lead starts with a right-to-left mark where needed.
        assert "كانون" in (ar_posts[1].text or "") or "\u200f" in (ar_posts[1].text or "")
        # French: no edition takes it; skipped with each channel's reason.
        record = await DeliveryRepository(services.db.store).get(french)
        assert record is not None and record.state is DeliveryState.SKIPPED
        assert "no channel takes it" in (record.skip_reason or "")
        assert "language fr" in (record.skip_reason or "")


async def test_section_channel_gets_its_category_in_the_forum_topic(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    async with admin_bot(publishing=QUIET, channels=[EN, SPORT]) as bot:
        services = bot.app.bot_data.services
        await store(
            services,
            draft(1, category="Sport", title="Cup final tonight", byline="Sports Desk"),
            draft(2, category="Football", title="Transfer news"),
            draft(3, category="World"),
        )
        # Only "Sport" is in the sport channel's categories; Football is not.
        await services.publisher.run_pass()
        sport = [
            c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == "@example_sport"
        ]
        assert len(sport) == 1
        # No topic is named for Sport: the default topic.
        assert sport[0].params.get("message_thread_id") == 3
        (post,) = texts(fake, SPORT_ID)
        assert post.splitlines()[0] == "Cup final tonight"
        assert "Sports Desk" not in post and "#Sport" not in post  # show_byline, hashtags off
        assert post.splitlines()[-1] == "Follow @example_sport"
        assert len(texts(fake, CHANNEL_ID)) == 3
        assert all("Follow" not in text for text in texts(fake, CHANNEL_ID))


async def test_topic_by_category(editions: FakeTelegram, admin_bot: StartAdmin) -> None:
    sport = {**SPORT, "categories": ["football", "sport"]}
    async with admin_bot(publishing=QUIET, channels=[EN, sport]) as bot:
        services = bot.app.bot_data.services
        await store(services, draft(1, category="Football"))
        await services.publisher.run_pass()
        (call,) = [
            c for c in editions.calls_of("sendMessage") if c.params["chat_id"] == "@example_sport"
        ]
        assert call.params["message_thread_id"] == 7


async def test_each_channel_once_across_a_restart(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    async with admin_bot(publishing=QUIET, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        first = await store(services, draft(1))
        await services.publisher.run_pass()
        # A crash mid-send in the Arabic edition: its record is left `sending`.
        (second,) = await store(services, draft(2))
        async with services.db.write() as conn:
            await DeliveryRepository(conn).ensure(second, channel="ar", now=datetime.now(UTC))
            await DeliveryRepository(conn).ensure(second, channel="en", now=datetime.now(UTC))
            assert await DeliveryRepository(conn).claim(
                second, channel="ar", now=datetime.now(UTC)
            )
    async with admin_bot(publishing=QUIET, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        await services.publisher.run_pass()
        await services.publisher.run_pass()
        deliveries = DeliveryRepository(services.db.store)
        ar = await deliveries.get(second, "ar")
        en = await deliveries.get(second, "en")
        assert ar is not None and ar.state is DeliveryState.UNCERTAIN  # a person decides
        assert en is not None and en.state is DeliveryState.POSTED
    assert [t.splitlines()[0] for t in texts(fake, CHANNEL_ID)] == [
        "Story number 1",
        "Story number 2",
    ]
    assert [t.splitlines()[0] for t in texts(fake, AR_ID)] == ["Story number 1"]
    assert first


async def test_quiet_hours_hold_and_silent(editions: FakeTelegram, admin_bot: StartAdmin) -> None:
    fake = editions
    quiet = window_around_now()
    held = {**EN, "quiet_hours": quiet, "quiet_mode": "hold", "silent": False}
    hushed = {**AR, "quiet_hours": quiet, "quiet_mode": "silent", "silent": False}
    async with admin_bot(publishing=QUIET, channels=[held, hushed]) as bot:
        services = bot.app.bot_data.services
        (article,) = await store(services, draft(1))
        report = await services.publisher.run_pass()
        assert report.held == ["en"] and report.posted == [article]
        assert fake.messages(CHANNEL_ID) == []
        (post,) = fake.messages(AR_ID)
        assert post.disable_notification is True
        waiting = await DeliveryRepository(services.db.store).get(article, "en")
        assert waiting is not None and waiting.state is DeliveryState.PENDING


async def test_breaking_news_ignores_quiet_hours(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    quiet = window_around_now()
    held = {**EN, "quiet_hours": quiet, "quiet_mode": "hold"}
    hushed = {**AR, "quiet_hours": quiet, "quiet_mode": "silent"}
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(channels=[held, hushed]) as bot:
        preview = await bot.command(editor, "/breaking Earthquake felt in the capital")
        keyboard = preview.params["reply_markup"]["inline_keyboard"]
        # English text: the English edition is chosen by default; the editor adds the Arabic.
        (arabic,) = [b for row in keyboard for b in row if b["text"] == "⬜ ar"]
        query = fake.press_button(
            editor, ADMIN_ID, preview.result_or_error["message_id"], arabic["callback_data"]
        )
        await fake.wait_for(lambda: fake.callback_answers(query), 5)
        publish = keyboard[-1][0]["callback_data"]
        done = await bot.press(editor, preview, publish)
        assert "t.me/example_news/" in bot.shown(done)
        assert "t.me/example_news_ar/" in bot.shown(done)
        for chat in (CHANNEL_ID, AR_ID):
            (post,) = fake.messages(chat)
            assert post.disable_notification is False  # loud
            assert post.pinned


async def test_correction_edits_and_retract_deletes_in_every_channel(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    fake = editions
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=QUIET, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        (article,) = await store(services, draft(1))
        await services.publisher.run_pass()
        await store(services, draft(1, title="Story number 1, corrected"))
        report = await services.publisher.run_pass()
        assert report.corrected == [article, article]
        for chat in (CHANNEL_ID, AR_ID):
            (post,) = fake.messages(chat)
            assert (post.text or "").startswith("Story number 1, corrected")

        question = await bot.command(editor, f"/retract {article}")
        yes = question.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await bot.press(editor, question, yes)
        for chat in (CHANNEL_ID, AR_ID):
            await wait_until(lambda chat=chat: fake.messages(chat)[0].deleted)
