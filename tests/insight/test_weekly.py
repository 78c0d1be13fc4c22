"""The weekly report, over the fake Telegram: a chart and the week's numbers to every editor,
in their language, once per week across restarts, never before its time.

The desk's clock is the app's (`build_application(clock=...)`): the week is posted through the
real publisher with the clock set to each post's time, readers' saves, reactions and starts are
written through the store's own repositories at their times, and the report's time comes by
setting the clock and calling the service the newsroom job calls (one test runs the job itself).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import build_application, running
from bot.config import Settings
from bot.domain import ArticleDraft, Sighting
from bot.domain.insight import SendState
from bot.insight.weekly import KIND
from bot.services import Services
from sandbox.fakeapi import FakeTelegram, Fault, RecordedCall
from storage.favorites import FavoriteRepository
from storage.insight import InsightRepository
from storage.insight_sends import InsightSendRepository
from storage.users import UserRepository
from tests.support import ADMIN_ID, CHANNEL, HandlerErrors, Running, wait_until

BEIRUT = ZoneInfo("Asia/Beirut")  # the test site's zone: UTC+2 in November
ARABIC_EDITOR = 5151
PNG = b"\x89PNG\r\n\x1a\n"
LINK = f"https://t.me/{CHANNEL.removeprefix('@')}/"
RLM = "\u200f"


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A moment of late November 2026 in Beirut (week 48 is Mon 23 – Sun 29)."""
    return datetime(2026, month, day, hour, minute, tzinfo=BEIRUT)


REPORT_TIME = local(30, 9)  # Monday 30 November, 09:00: "mon 09:00"


@dataclass
class Clock:
    """The desk's clock, moved by the test."""

    at: datetime

    def __call__(self) -> datetime:
        return self.at.astimezone(UTC)


@asynccontextmanager
async def desk(
    fake: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock, **sections: Any
) -> AsyncIterator[Running]:
    """The real bot on the fake, with the test's clock; editors ADMIN_ID and ARABIC_EDITOR."""
    sections.setdefault("telegram", {"admins": [ADMIN_ID, ARABIC_EDITOR]})
    sections.setdefault("publishing", {"enabled": False, "max_posts_per_minute": 6000})
    errors = HandlerErrors()
    settings = make_settings(fake.base_url, **sections)
    app = build_application(settings, clock=clock, error_handlers=(errors,))
    async with running(app):
        yield Running(app, fake, errors.errors)
    errors.reraise()


def services_of(bot: Running) -> Services:
    return bot.app.bot_data.services


async def post(
    bot: Running,
    clock: Clock,
    guid: str,
    at: datetime,
    *,
    lag: float,
    category: str | None = None,
    fault: Fault | None = None,
) -> int:
    """Store a story published `lag` seconds before `at` and post it through the publisher."""
    services = services_of(bot)
    clock.at = at
    draft = ArticleDraft(
        guid=guid,
        url=f"https://news.example/{guid}",
        title=TITLES.get(guid, f"Story {guid}"),
        category=category,
        published_at=at.astimezone(UTC) - timedelta(seconds=lag),
    )
    [stored] = await services.articles.store([draft])
    if fault is not None:
        bot.fake.fail_next("sendMessage", fault)
    await services.publisher.run_pass()
    return stored.article.id


TITLES = {
    "a": "Ceasefire talks resume in Doha after a week of shelling along the border",
    "b": "Parliament delays the budget vote again as the finance committee walks out",
    "c": "Cup final tonight: everything you need to know before the kick-off <live>",
    "d": "Storm warning for the coast overnight; schools closed on Monday",
}


async def message_id(services: Services, article_id: int) -> int:
    [stats] = await InsightRepository(services.db.store).story(article_id)
    assert stats.message_id is not None
    return stats.message_id


async def week_48(bot: Running, clock: Clock) -> dict[str, int]:
    """Week 48 as the desk lived it; the article ids by letter.

    Posts (Beirut): Mon 2 (lags 1 and 5 min), Wed 1 (10 min), Sun 23:30 1 (20 min); one the
    Sunday before and one just after midnight on Monday 30 are outside. Thursday's post may
    have gone out (uncertain), Friday's was refused (failed). New saves per local day: Mon 2,
    Tue 1 (00:01 Beirut, still Monday in UTC), Wed 5. Five readers started the bot in the week
    (one the week before); three have alerts on now.
    """
    services = services_of(bot)
    ids = {"e": await post(bot, clock, "e", local(22, 23, 50), lag=30, category="Politics")}
    ids["a"] = await post(bot, clock, "a", local(23, 10), lag=60, category="Politics")
    ids["b"] = await post(bot, clock, "b", local(23, 15), lag=300, category="Politics")
    ids["c"] = await post(bot, clock, "c", local(25, 12), lag=600, category="Sports")
    ids["d"] = await post(bot, clock, "d", local(29, 23, 30), lag=1200)
    ids["f"] = await post(bot, clock, "f", local(30, 0, 30), lag=10, category="Sports")
    lost = Fault.drop_connection(applied=False)
    ids["g"] = await post(bot, clock, "g", local(26, 9), lag=60, fault=lost)
    refused = Fault.bad_request("Bad Request: message is too long")
    ids["h"] = await post(bot, clock, "h", local(27, 9), lag=60, fault=refused)
    async with services.db.write() as conn:
        favorites = FavoriteRepository(conn)
        await favorites.save_pairs([(u, ids["e"]) for u in range(1, 10)], now=local(22, 23, 55))
        await favorites.save_pairs([(1, ids["a"]), (2, ids["a"])], now=local(23, 23, 59))
        await favorites.save_pairs([(3, ids["a"])], now=local(24, 0, 1))
        await favorites.save_pairs([(u, ids["c"]) for u in range(1, 6)], now=local(25, 13))
        await favorites.save_pairs([(1, ids["d"])], now=local(30, 0, 10))
        insight = InsightRepository(conn)
        for letter, counts in (("a", {"👍": 3, "🔥": 1}), ("b", {"👍": 2}), ("d", {"😢": 1})):
            mid = await message_id(services, ids[letter])
            await insight.record_reactions("example_news", mid, counts, at=local(29, 12))
        users = UserRepository(conn)
        starts = [Sighting(100 + n, "en", local(23 + n, 8), True) for n in range(5)]
        starts.append(Sighting(99, "en", local(22, 8), True))
        await users.record_seen(starts)
        for reader in (100, 101, 99):
            await users.set_alerts(reader, True, now=local(29, 8))
    return ids


async def editors_start(bot: Running, clock: Clock) -> None:
    """Both editors opened the bot (on the report's morning, outside the week)."""
    clock.at = REPORT_TIME - timedelta(minutes=5)
    for user_id, language in ((ADMIN_ID, "en"), (ARABIC_EDITOR, "ar")):
        await bot.command(bot.fake.user(user_id, "Editor", language_code=language), "/start")
    users = services_of(bot).subscribers.users

    async def seen() -> bool:
        records = [await users.get(ADMIN_ID), await users.get(ARABIC_EDITOR)]
        return all(record is not None and record.language_code for record in records)

    await wait_until(seen, 15.0, "both editors stored as seen (sightings are written in batches)")


async def report_of(bot: Running, editor: int, since: int = 0) -> tuple[bytes | None, str]:
    """The picture an editor got (bytes as uploaded) and the report's HTML (caption + text)."""
    fake = bot.fake

    def photo() -> RecordedCall | None:
        return next(
            (
                c
                for c in fake.calls[since:]
                if c.method == "sendPhoto" and c.params.get("chat_id") == editor and c.ok
            ),
            None,
        )

    call = await fake.wait_for(photo)
    caption = str(call.params.get("caption", ""))
    largest = call.result_or_error["photo"][-1]["file_id"]
    picture = fake.file_bytes(largest)
    if "follow" not in caption and "التالية" not in caption:
        return picture, caption
    index = fake.calls.index(call)
    text = await bot.answer(editor, index + 1)
    return picture, f"{caption}\n{text.params['text']}"


def day_lines(posts: list[int], saves: list[int]) -> list[str]:
    names = ["Mon 23", "Tue 24", "Wed 25", "Thu 26", "Fri 27", "Sat 28", "Sun 29"]
    return [f"{name} Nov: 📰 {p} · ⭐ {s}" for name, p, s in zip(names, posts, saves, strict=True)]


async def test_each_editor_gets_the_chart_and_the_weeks_numbers_at_the_scheduled_time(
    fake: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    clock = Clock(local(22, 8))
    async with desk(fake, make_settings, clock) as bot:
        ids = await week_48(bot, clock)
        await editors_start(bot, clock)
        services = services_of(bot)
        mids = {k: await message_id(services, ids[k]) for k in "abcd"}

        since = len(fake.calls)
        clock.at = REPORT_TIME - timedelta(seconds=1)
        assert await services.weekly.send_due() == {}  # not before its time
        assert fake.calls_of("sendPhoto") == []

        clock.at = REPORT_TIME
        outcomes = await services.weekly.send_due()
        assert {e: o.state for e, o in outcomes.items()} == {
            ADMIN_ID: SendState.SENT,
            ARABIC_EDITOR: SendState.SENT,
        }
        picture, text = await report_of(bot, ADMIN_ID, since)
        assert picture is not None and picture.startswith(PNG)
        lines = text.split("\n")
        assert lines[0] == "📊 <b>Weekly report</b> · Mon 23 Nov – Sun 29 Nov (2026-W48)"
        assert "<b>This week</b>: posts 4 · new saves 8" in lines
        assert "⏱ Publication → post: median 7 min · p90 20 min" in lines
        days = day_lines([2, 0, 1, 0, 0, 0, 1], [2, 1, 5, 0, 0, 0, 0])
        assert [line for line in lines if line[:3] in {d[:3] for d in days}] == days
        top = [line for line in lines if line[:3] in {"1. ", "2. ", "3. ", "4. ", "5. "}]
        assert top == [
            f'1. <a href="{LINK}{mids["a"]}">{TITLES["a"]}</a> · ⭐ 3 · 👍 4',
            f'2. <a href="{LINK}{mids["c"]}">Cup final tonight: everything you need to know '
            f"before the kick-off &lt;live&gt;</a> · ⭐ 5 · 👍 0",
            # 1 + 1 ties with b's 0 + 2: the story posted later goes first
            f'3. <a href="{LINK}{mids["d"]}">{TITLES["d"]}</a> · ⭐ 1 · 👍 1',
            f'4. <a href="{LINK}{mids["b"]}">{TITLES["b"]}</a> · ⭐ 0 · 👍 2',
        ]
        assert [line for line in lines if line.startswith("• ")] == [
            "• Politics: 📰 2 · ⭐ 3",
            "• Sports: 📰 1 · ⭐ 5",
            "• no category: 📰 1 · ⭐ 1",
        ]
        assert "⚠️ Failed posts: 1 · uncertain: 1" in lines
        assert "👋 Readers who started the bot: 5" in lines
        assert "🔔 Readers with alerts on (now): 3" in lines

        arabic_picture, arabic = await report_of(bot, ARABIC_EDITOR, since)
        assert arabic_picture is not None and arabic_picture.startswith(PNG)
        assert arabic_picture != picture  # its own labels, right to left
        assert arabic.startswith(
            RLM + "📊 <b>التقرير الأسبوعي</b> · الاثنين 23 نوفمبر – الأحد 29 نوفمبر "
            "(\u20662026-W48\u2069)"  # the week kept left to right (isolated)
        )
        assert all(line.startswith(RLM) for line in arabic.split("\n") if line)
        assert RLM + "<b>هذا الأسبوع</b>: المنشورات 4 · الحفظ الجديد 8" in arabic
        assert "الأربعاء 25 نوفمبر: 📰 1 · ⭐ 5" in arabic
        assert f'{RLM}1. <a href="{LINK}{mids["a"]}">' in arabic
        assert RLM + "⚠️ منشورات متعثّرة: 1 · غير مؤكدة: 1" in arabic
        assert "Weekly" not in arabic and "Readers" not in arabic
        # The English report fits a caption: one message, picture and numbers together. The
        # Arabic one does not: its caption holds the headline numbers, the full text follows.
        sent = [
            (c.method, c.params["chat_id"])
            for c in fake.calls[since:]
            if c.ok and c.method in ("sendPhoto", "sendMessage")
        ]
        assert sent == [
            ("sendPhoto", ADMIN_ID),
            ("sendPhoto", ARABIC_EDITOR),
            ("sendMessage", ARABIC_EDITOR),
        ]

        # Numbers only: nobody who saved or started is named.
        for reader in ("100", "101", "99"):
            assert f" {reader}" not in text.replace("📰 ", "").replace("⭐ ", "")
        stored = await InsightSendRepository(services.db.store).get(
            KIND, str(ADMIN_ID), "2026-W48"
        )
        assert stored is not None and stored.state is SendState.SENT
        assert stored.message_id is not None


async def test_once_per_week_per_editor_across_a_restart_and_not_before_its_time(
    fake: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    clock = Clock(local(22, 8))
    async with desk(fake, make_settings, clock) as bot:
        await week_48(bot, clock)
        await editors_start(bot, clock)
        clock.at = REPORT_TIME + timedelta(minutes=1)
        assert len(await services_of(bot).weekly.send_due()) == 2
        assert await services_of(bot).weekly.send_due() == {}  # the next minute's check
    photos = len(fake.calls_of("sendPhoto"))
    assert photos == 2

    clock.at = REPORT_TIME + timedelta(hours=3)  # restarted the same morning
    async with desk(fake, make_settings, clock) as bot:
        [job] = [j for j in bot.app.job_queue.jobs() if j.name == "weekly-report"]
        await job.run(bot.app)  # the newsroom job itself, as the scheduler would run it
        assert await services_of(bot).weekly.send_due() == {}
        clock.at = local(7, 9, month=12)  # a week later: week 49's report
        await job.run(bot.app)
        await fake.wait_for(lambda: len(fake.calls_of("sendPhoto")) == photos + 2)
        sends = InsightSendRepository(services_of(bot).db.store)
        for period in ("2026-W48", "2026-W49"):
            for editor in (ADMIN_ID, ARABIC_EDITOR):
                stored = await sends.get(KIND, str(editor), period)
                assert stored is not None and stored.state is SendState.SENT
    assert len(fake.calls_of("sendPhoto")) == photos + 2


async def test_a_bot_down_at_the_time_sends_up_to_a_day_late_and_no_later(
    fake: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    clock = Clock(REPORT_TIME + timedelta(hours=24, minutes=1))
    async with desk(fake, make_settings, clock) as bot:
        await editors_start(bot, clock)
        clock.at = REPORT_TIME + timedelta(hours=24, minutes=1)
        assert await services_of(bot).weekly.send_due() == {}  # Tuesday 09:01: let go
        clock.at = REPORT_TIME + timedelta(hours=23, minutes=59)
        outcomes = await services_of(bot).weekly.send_due()
        assert {o.state for o in outcomes.values()} == {SendState.SENT}
        _, text = await report_of(bot, ADMIN_ID)
        assert "(2026-W48)" in text and "<b>This week</b>: posts 0 · new saves 0" in text
        assert "⏱ Publication → post: no post with a known publication time" in text
        assert "🏆 No story was posted this week." in text


async def test_an_unreachable_editor_is_not_retried_and_an_interrupted_send_never_repeats(
    fake: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    clock = Clock(REPORT_TIME + timedelta(minutes=1))
    async with desk(fake, make_settings, clock) as bot:
        await editors_start(bot, clock)
        fake.block(ARABIC_EDITOR)
        clock.at = REPORT_TIME + timedelta(minutes=1)
        async with services_of(bot).db.write() as conn:  # a crash left ADMIN_ID's claim
            assert await InsightSendRepository(conn).claim(
                KIND, str(ADMIN_ID), "2026-W48", now=clock()
            )
        outcomes = await services_of(bot).weekly.send_due()
        assert outcomes[ARABIC_EDITOR].state is SendState.SKIPPED
        assert "blocked" in (outcomes[ARABIC_EDITOR].detail or "")
        assert ADMIN_ID not in outcomes
        assert await services_of(bot).weekly.send_due() == {}
    tried = [(c.params["chat_id"], c.status) for c in fake.calls_of("sendPhoto")]
    assert tried == [(ARABIC_EDITOR, 403)]  # once, refused, not again

    since = len(fake.calls)
    async with desk(fake, make_settings, clock) as bot:  # restarted: told, never re-sent
        notice = await bot.answer(ADMIN_ID, since)
        assert notice.params["text"].startswith("⚠️ <b>Not sure this was sent</b> (")
        assert f"weekly report for {ADMIN_ID}, 2026-W48." in notice.params["text"]
        assert notice.params["text"].endswith("I will not send it again.")
        assert await services_of(bot).weekly.send_due() == {}
        sends = InsightSendRepository(services_of(bot).db.store)
        interrupted = await sends.get(KIND, str(ADMIN_ID), "2026-W48")
        assert interrupted is not None and interrupted.state is SendState.UNCERTAIN
    assert len(fake.calls_of("sendPhoto")) == 1


async def test_a_refused_picture_costs_only_the_picture(
    fake: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    clock = Clock(REPORT_TIME + timedelta(minutes=1))
    async with desk(fake, make_settings, clock, telegram={"admins": [ADMIN_ID]}) as bot:
        await editors_start(bot, clock)
        clock.at = REPORT_TIME + timedelta(minutes=1)
        since = len(fake.calls)
        fake.fail_next("sendPhoto", Fault.bad_request("Bad Request: PHOTO_INVALID_DIMENSIONS"))
        outcomes = await services_of(bot).weekly.send_due()
        assert outcomes[ADMIN_ID].state is SendState.SENT
        assert outcomes[ADMIN_ID].detail == "sent without the picture"
        text = await bot.answer(ADMIN_ID, since)
        assert text.method == "sendPhoto" and not text.ok  # refused, then the numbers alone
        report = await fake.wait_for(
            lambda: next((c for c in fake.calls[since:] if c.method == "sendMessage"), None)
        )
        assert report.params["text"].startswith("📊 <b>Weekly report</b>")


async def test_no_weekly_report_when_it_is_switched_off(
    fake: FakeTelegram, make_settings: Callable[..., Settings]
) -> None:
    clock = Clock(REPORT_TIME + timedelta(minutes=1))
    async with desk(fake, make_settings, clock, insight={"weekly_report": ""}) as bot:
        assert [j for j in bot.app.job_queue.jobs() if j.name == "weekly-report"] == []
        assert await services_of(bot).weekly.send_due() == {}
