"""The daily digest on the real stack: articles posted by the real publisher, ⭐ saves pressed
in the fake Telegram, the clock moved by the test, the digest read from the fake's channel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import build_application, running
from bot.config import Settings
from bot.context import NewsdeskApp
from bot.control.editors import Actor
from bot.domain import ArticleDraft
from bot.domain.insight import SendState
from bot.rendering import RLM
from bot.services import Services, open_services
from sandbox.fakeapi import FakeTelegram, Fault, StoredMessage
from storage.breaking import BreakingPostRepository
from storage.insight import InsightRepository
from storage.insight_sends import InsightSendRepository
from tests.support import ADMIN_ID, CHANNEL_ID, HandlerErrors, Running, wait_until

AR_ID = -1001234567891
SPORT_ID = -1001234567892
QUIET = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}
# 10:00 in Beirut (the test site's zone, UTC+2 in December); the digest is due at 20:00.
MORNING = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
EVENING = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
DAY = "2026-12-03"
DIGEST = {**QUIET, "digest_at": "20:00"}
TITLE_EN = "📰 Today's top stories · 3 Dec 2026"


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


Desk = Callable[..., Any]


@pytest.fixture
def clock() -> Clock:
    return Clock(MORNING)


@pytest.fixture
def desk(fake: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock) -> Desk:
    """Start the real bot on the test's clock (several times, on one store, for restarts)."""

    @asynccontextmanager
    async def start(**sections: Any) -> AsyncIterator[Running]:
        sections.setdefault("publishing", DIGEST)
        errors = HandlerErrors()
        settings = make_settings(fake.base_url, **sections)
        app = build_application(settings, clock=clock, error_handlers=(errors,))
        async with running(app):
            yield Running(app, fake, errors.errors)
        errors.reraise()

    return start


@pytest.fixture
def editions(fake: FakeTelegram) -> Iterator[FakeTelegram]:
    fake.add_channel(username="example_news_ar", chat_id=AR_ID, title="Example News عربي")
    fake.add_group(SPORT_ID, "Example Sport", username="example_sport", bot_is_admin=True)
    yield fake


def services_of(bot: Running) -> Services:
    return bot.app.bot_data.services


async def post(bot: Running, clock: Clock, *titles: str, language: str = "en") -> list[int]:
    """Store articles and let the real publisher post them, a minute apart; their ids."""
    services = services_of(bot)
    ids = []
    for title in titles:
        draft = ArticleDraft(
            guid=f"g-{title}",
            url=f"https://news.example/{len(title)}",
            title=title,
            category="World",
            language=language,
            published_at=clock.now - timedelta(minutes=5),
            summary="The lead.",
        )
        (stored,) = await services.articles.store([draft])
        report = await services.publisher.run_pass()
        assert stored.article.id in report.posted
        ids.append(stored.article.id)
        clock.now += timedelta(minutes=1)
    return ids


def message_of(fake: FakeTelegram, article_id: int, chat: int = CHANNEL_ID) -> StoredMessage:
    for message in fake.messages(chat):
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            if any(button.get("callback_data") == f"fav:{article_id}" for button in row):
                return message
    raise AssertionError(f"no post of article {article_id}")


async def save(bot: Running, article_id: int, readers: int, chat: int = CHANNEL_ID) -> None:
    """`readers` different readers press ⭐ under the article's post (the real handler)."""
    message = message_of(bot.fake, article_id, chat)
    for n in range(readers):
        user = bot.fake.user(9000 + article_id * 100 + n)
        query = bot.fake.press_button(user, chat, message.message_id, f"fav:{article_id}")
        await bot.fake.wait_for(lambda query=query: bot.fake.callback_answers(query))


async def react(bot: Running, channel: str, article_id: int, total: int, chat: int) -> None:
    """Reaction counts as Telegram reports them, written through the store's API (until the
    reaction intake lands)."""
    message = message_of(bot.fake, article_id, chat)
    async with services_of(bot).db.write() as conn:
        await InsightRepository(conn).record_reactions(
            channel, message.message_id, {"👍": total}, at=datetime.now(UTC)
        )


def digests(fake: FakeTelegram, chat: int = CHANNEL_ID) -> list[StoredMessage]:
    return [m for m in fake.messages(chat) if (m.text or "").lstrip(RLM).startswith("📰")]


async def record(bot: Running, channel: str = "example_news") -> Any:
    return await InsightSendRepository(services_of(bot).db.store).get("digest", channel, DAY)


async def test_digest_at_digest_at_ranked_linked_and_silent(
    fake: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    async with desk() as bot:
        clock.now = MORNING - timedelta(days=1)  # yesterday's best story is not today's
        (old,) = await post(bot, clock, "Yesterday's big story")
        clock.now = MORNING
        a, _bravo, c, d, e, f, g = await post(
            bot, clock, "Alpha", "Bravo", "Charlie <&> Co", "Delta", "Echo", "Foxtrot", "Golf"
        )
        await save(bot, old, 5)
        await save(bot, c, 2)
        await save(bot, e, 1)
        await react(bot, "example_news", e, 3, CHANNEL_ID)  # 1 + 3: first
        await react(bot, "example_news", a, 2, CHANNEL_ID)  # 2, older than c: after c
        async with services_of(bot).db.write() as conn:  # retracted: never listed
            await BreakingPostRepository(conn).retract(g, reason="wrong", now=clock.now)
        await react(bot, "example_news", g, 50, CHANNEL_ID)

        clock.now = EVENING - timedelta(minutes=1)  # 19:59: not yet
        assert await services_of(bot).digests.run_due() == []
        clock.now = EVENING + timedelta(seconds=5)
        await services_of(bot).digests.run_due()
        (digest,) = digests(fake)

        lines = (digest.text or "").split("\n")
        assert lines[0] == TITLE_EN and lines[1] == ""
        ranked = [e, c, a, f, d]  # score, then the newer post first; five, the default size
        assert lines[2:] == [
            "1. Echo · ⭐ 1 · ❤️ 3",
            "2. Charlie <&> Co · ⭐ 2",
            "3. Alpha · ❤️ 2",
            "4. Foxtrot",
            "5. Delta",
        ]
        links = [x["url"] for x in digest.entities if x["type"] == "text_link"]
        message_ids = [message_of(fake, article).message_id for article in ranked]
        assert links == [f"https://t.me/example_news/{mid}" for mid in message_ids]
        bold = [x for x in digest.entities if x["type"] == "bold"]
        assert bold and bold[0]["offset"] == 0
        assert "Charlie &lt;&amp;&gt; Co" in (digest.raw_text or "")  # escaped, shown as typed
        assert digest.disable_notification is True  # a digest is not news

        sent = await record(bot)
        assert sent.state is SendState.SENT and sent.message_id == digest.message_id
        # Later the same day: never a second one.
        clock.now = EVENING + timedelta(hours=3)
        assert await services_of(bot).digests.run_due() == []
        assert len(digests(fake)) == 1


async def test_arabic_channel_gets_an_arabic_digest_right_to_left(
    editions: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    ar = {"chat": "@example_news_ar", "name": "ar", "language": "ar", "digest_size": 3}
    en = {"chat": "@example_news", "name": "en", "digest_at": "off"}
    async with desk(channels=[en, ar]) as bot:
        ids = await post(
            bot,
            clock,
            "روسيا تعزز العلاقات",
            "انتخابات بلدية",
            "ارتفاع الأسعار",
            "أمطار غزيرة",
            language="ar",
        )
        await save(bot, ids[2], 2, chat=AR_ID)
        clock.now = EVENING
        await services_of(bot).digests.run_due()
        (digest,) = digests(editions, AR_ID)
        lines = (digest.text or "").split("\n")
        assert lines[0] == f"{RLM}📰 أبرز أخبار اليوم · 3 كانون الأول 2026"
        assert lines[2:] == [
            f"{RLM}1. ارتفاع الأسعار · ⭐ 2",
            f"{RLM}2. أمطار غزيرة",
            f"{RLM}3. انتخابات بلدية",
        ]
        links = [x["url"] for x in digest.entities if x["type"] == "text_link"]
        assert (
            links[0]
            == f"https://t.me/example_news_ar/{message_of(editions, ids[2], AR_ID).message_id}"
        )
        assert digests(editions) == []  # the English edition has none ("off")
        assert await record(bot, "en") is None


async def test_fewer_than_three_stories_skip_the_day(
    fake: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    async with desk() as bot:
        await post(bot, clock, "One", "Two")
        clock.now = EVENING
        (result,) = await services_of(bot).digests.run_due()
        assert result.line() == "example_news: skipped: only 2 stories posted today"
        skipped = await record(bot)
        assert skipped.state is SendState.SKIPPED
        assert skipped.detail == "only 2 stories posted today"
        await post(bot, clock, "Three", "Four")  # later posts do not bring it back
        assert await services_of(bot).digests.run_due() == []
        assert digests(fake) == []


async def test_once_across_restarts_and_late_after_downtime(
    fake: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    async with desk() as bot:
        await post(bot, clock, "One", "Two", "Three")
    # Down at 20:00, back at 21:30 the same day: the job sends it late, at once.
    clock.now = EVENING + timedelta(minutes=90)
    async with desk() as bot:
        await wait_until(lambda: digests(fake), what="the late digest")
    async with desk() as bot:  # started again the same evening
        job = bot.app.job_queue.get_jobs_by_name("digest")[0]  # type: ignore[union-attr]
        first = job.next_t
        await wait_until(lambda: job.next_t != first, what="the digest job's first run")
        assert await services_of(bot).digests.run_due() == []
        assert len(digests(fake)) == 1
    # After local midnight, a new day: yesterday's is not made again, today's waits for 20:00.
    clock.now = EVENING + timedelta(hours=6, minutes=30)
    async with desk() as bot:
        assert await services_of(bot).digests.run_due() == []
        assert len(digests(fake)) == 1


async def test_two_processes_race_for_the_day_and_one_posts(
    fake: FakeTelegram, desk: Desk, clock: Clock, make_settings: Callable[..., Settings]
) -> None:
    async with desk() as bot:
        await post(bot, clock, "One", "Two", "Three")
        clock.now = EVENING - timedelta(hours=1)  # before digest_at: only explicit requests
        other_app: NewsdeskApp = build_application(
            make_settings(fake.base_url, publishing=DIGEST), clock=clock
        )
        async with other_app.bot:  # a `newsdesk digest` typed meanwhile: no lease
            other = await open_services(
                settings_of(bot), other_app.bot, clock=clock, take_lease=False
            )
            try:
                results = await asyncio.gather(
                    services_of(bot).digests.make("example_news"),
                    other.digests.make("example_news"),
                )
            finally:
                await other.close()
        assert sorted(r.before for r in results) == [False, True]
        assert len(digests(fake)) == 1
        (winner,) = [r for r in results if not r.before]
        assert winner.state is SendState.SENT


def settings_of(bot: Running) -> Settings:
    return services_of(bot).settings


async def test_a_crash_between_claim_and_send_is_uncertain_and_told(
    fake: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    async with desk() as bot:
        await post(bot, clock, "One", "Two", "Three")
        async with services_of(bot).db.write() as conn:  # claimed, then the process died
            assert await InsightSendRepository(conn).claim(
                "digest", "example_news", DAY, now=clock.now
            )
    clock.now = EVENING
    async with desk() as bot:
        notice = await bot.fake.wait_for(
            lambda: next(
                (c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == ADMIN_ID),
                None,
            )
        )
        assert "Not sure the daily digest reached example_news" in notice.params["text"]
        assert "the bot stopped while sending it" in notice.params["text"]
        assert (await record(bot)).state is SendState.UNCERTAIN
        assert await services_of(bot).digests.run_due() == []
    assert digests(fake) == []


async def test_an_unanswered_send_is_uncertain_never_resent(
    fake: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    async with desk() as bot:
        await post(bot, clock, "One", "Two", "Three")
        clock.now = EVENING - timedelta(hours=1)
        fake.fail_next("sendMessage", Fault.drop_connection(applied=True))
        result = await services_of(bot).digests.make("example_news")
        assert result.state is SendState.UNCERTAIN and result.troubled
        assert len(digests(fake)) == 1  # Telegram did post it; we cannot know
        told = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == ADMIN_ID]
        assert len(told) == 1 and "Telegram did not answer in time" in told[0].params["text"]
        clock.now = EVENING
        assert await services_of(bot).digests.run_due() == []
        assert len(digests(fake)) == 1


async def test_429_is_waited_out_and_forum_digest_goes_to_the_default_topic(
    editions: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    sport = {"chat": str(SPORT_ID), "name": "sport", "default_topic": 3, "languages": []}
    async with desk(channels=[sport]) as bot:
        await post(bot, clock, "One", "Two", "Three")
        editions.fail_next("sendMessage", Fault.retry_after(1))
        clock.now = EVENING
        (result,) = await services_of(bot).digests.run_due()
        assert result.state is SendState.SENT
        sends = editions.calls_of("sendMessage")[-2:]
        assert [c.status for c in sends] == [429, 200]
        assert sends[1].at - sends[0].at >= 1.0
        assert sends[1].params.get("message_thread_id") == 3
        (digest,) = digests(editions, SPORT_ID)
        links = [x["url"] for x in digest.entities if x["type"] == "text_link"]
        assert all(link.startswith("https://t.me/c/1234567892/") for link in links)


async def test_a_paused_channel_waits_and_gets_it_late_after_resume(
    fake: FakeTelegram, desk: Desk, clock: Clock
) -> None:
    async with desk() as bot:
        await post(bot, clock, "One", "Two", "Three")
        # The editors' /pause, as its command calls it (a typed command would be dated by
        # the fake's real clock, far from this test's, and held as sent while offline).
        editor = Actor(ADMIN_ID, "Editor")
        await bot.admin.control.pause(editor)
        clock.now = EVENING
        (waiting,) = await services_of(bot).digests.run_due()
        assert waiting.state is None and "paused by an editor" in (waiting.detail or "")
        assert await record(bot) is None and digests(fake) == []
        await bot.admin.control.resume(editor)
        clock.now = EVENING + timedelta(hours=1)
        edition = services_of(bot).publisher.edition()
        await edition.articles.set_paused("Forbidden: bot was kicked")  # as after a 403
        (lost,) = await services_of(bot).digests.run_due()
        assert lost.state is None and "the channel refuses posts" in (lost.detail or "")
        await edition.articles.set_paused(None)  # a post went through again
        (late,) = await services_of(bot).digests.run_due()
        assert late.state is SendState.SENT and len(digests(fake)) == 1
