"""/top, /story and /popular on the real stack: posts from the real publisher, ⭐ presses and
reactions under them through the fake, which sends the bot reaction counts as Telegram does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from bot.domain import ArticleDraft
from bot.services import Services
from sandbox.fakeapi import FakeTelegram
from storage.deliveries import DeliveryRepository
from storage.insight import InsightRepository
from tests.support import ADMIN_ID, CHANNEL_ID, Running, StartAdmin, wait_until

AR_ID = -1001234567891
MANUAL = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}
EN = {"chat": "@example_news", "name": "en"}
# One publication time for every story: storing a story again changes only what the test changes.
PUBLISHED = datetime.now(UTC) - timedelta(minutes=5)
AR = {"chat": "@example_news_ar", "name": "ar", "language": "ar", "languages": ["ar"]}


@pytest.fixture
def editions(fake: FakeTelegram) -> Iterator[FakeTelegram]:
    """The fake with an Arabic edition beside the site's English channel."""
    fake.add_channel(username="example_news_ar", chat_id=AR_ID, title="Example News عربي")
    yield fake


async def publish(
    services: Services, title: str, *, language: str = "en", summary: str | None = None
) -> int:
    """Store a story (published at PUBLISHED) and post it through the real publisher."""
    (result,) = await services.articles.store(
        [
            ArticleDraft(
                guid=f"guid-{title}",
                url=f"https://news.example/{abs(hash(title))}",
                title=title,
                category="World",
                language=language,
                summary=summary,
                published_at=PUBLISHED,
            )
        ]
    )
    await services.publisher.run_pass()
    return result.article.id


async def message_of(services: Services, article_id: int, channel: str) -> int:
    record = await DeliveryRepository(services.db.store).get(article_id, channel)
    assert record is not None and record.message_id is not None
    return record.message_id


async def save(bot: Running, chat: int, message_id: int, article_id: int, readers: range) -> None:
    """Readers press ⭐ under the channel post; wait until each press was answered."""
    for reader in readers:
        user = bot.fake.user(reader, f"Reader {reader}")
        query = bot.fake.press_button(user, chat, message_id, f"fav:{article_id}")
        await bot.fake.wait_for(partial(bot.fake.callback_answers, query))


async def react(
    bot: Running, chat: int, message_id: int, channel: str, reactions: list[list[str]]
) -> None:
    """Readers 900, 901, … react to a channel post; wait until the bot stored the fake's counts
    (Telegram sends the bot anonymous totals)."""
    for offset, chosen in enumerate(reactions):
        bot.fake.react(bot.fake.user(900 + offset, "Reactor"), chat, message_id, chosen)
    expected = bot.fake.reaction_counts(chat, message_id)
    repo = InsightRepository(bot.app.bot_data.services.db.store)

    async def stored() -> bool:
        found = await repo.reactions(channel, message_id)
        return found is not None and found.counts == expected

    await wait_until(stored)


async def test_top_ranks_stories_by_saves_and_reactions_with_links(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = editions.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        quiet = await publish(services, "Quiet council meeting")
        loud = await publish(services, "Storm hits the coast")
        arabic = await publish(services, "عاصفة على الساحل", language="ar")
        loud_post = await message_of(services, loud, "en")
        await save(bot, CHANNEL_ID, loud_post, loud, range(100, 103))
        await save(
            bot, CHANNEL_ID, await message_of(services, quiet, "en"), quiet, range(200, 201)
        )
        await react(bot, CHANNEL_ID, loud_post, "en", [["👍"]] * 4 + [["🔥"]] * 2)
        await react(bot, AR_ID, await message_of(services, arabic, "ar"), "ar", [["❤"]] * 9)

        shown = bot.shown(await bot.command(editor, "/top"))
        assert shown.startswith("📊 Top stories · today")
        assert shown.index("1. عاصفة على الساحل") < shown.index("2. Storm hits the coast")
        assert "⭐ saves: 3 · reactions: 6" in shown and "⭐ saves: 1 · reactions: 0" in shown
        call = await bot.command(editor, "/top week en")
        assert "Top stories · last 7 days · en" in bot.shown(call)
        assert "عاصفة" not in bot.shown(call)
        assert f'href="https://t.me/example_news/{loud_post}"' in call.params["text"]

        assert "There is no channel “sport”" in bot.shown(await bot.command(editor, "/top sport"))
        usage = bot.shown(await bot.command(editor, "/top today en ar"))
        assert usage.startswith("Usage: /top")


async def test_story_follows_one_story_through_its_posts(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = editions.user(ADMIN_ID, "Editor")
    async with admin_bot(publishing=MANUAL, channels=[EN]) as bot:
        services = bot.app.bot_data.services
        story = await publish(services, "Bridge reopens")
        post = await message_of(services, story, "en")
        await save(bot, CHANNEL_ID, post, story, range(300, 302))
        reactions = [["👍", "custom:5368"], ["👍", "custom:5368", "paid"], ["👍"], ["👍"], ["👍"]]
        await react(bot, CHANNEL_ID, post, "en", reactions)
        reactions[2] = []  # the third reader takes theirs back
        await react(bot, CHANNEL_ID, post, "en", reactions)
        # Counts from a chat the desk does not post to are not ours to keep.
        assert not await services.reactions.record(
            chat_id=-1009, username="elsewhere", message_id=post, counts={"👎": 50},
            at=datetime.now(UTC),
        )  # fmt: skip

        await publish(services, "Bridge reopens", summary="Traffic resumes at noon.")
        await publish(services, "Bridge reopens", summary="Traffic resumes at noon.")  # same

        shown = bot.shown(await bot.command(editor, f"/story {story}"))
        assert shown.startswith(f"📰 Bridge reopens · story {story}")
        assert " · corrected 1×" in shown
        assert "• en: posted " in shown and "min after publication" in shown
        assert "👍 4 · custom emoji 2 · paid ⭐ 1" in shown
        assert "⭐ Saves: 2 (2 in the first hour)" in shown
        assert "Reader" not in shown and "300" not in shown  # numbers only, never who

        assert bot.shown(await bot.command(editor, "/story 999")) == "There is no article 999."
        usage = bot.shown(await bot.command(editor, "/story"))
        assert usage == "Usage: /story <article id>"


async def test_popular_lists_the_most_saved_in_the_readers_language(
    editions: FakeTelegram, admin_bot: StartAdmin
) -> None:
    async with admin_bot(publishing=MANUAL, channels=[EN, AR]) as bot:
        services = bot.app.bot_data.services
        reader = editions.user(700, "Rana", "en")
        nothing = bot.shown(await bot.command(reader, "/popular"))
        assert nothing.startswith("Nothing has been saved in the last 24 hours yet.")

        first = await publish(services, "Museum opens")
        second = await publish(services, "Train strike ends")
        arabic = await publish(services, "افتتاح المتحف", language="ar")
        await save(bot, CHANNEL_ID, await message_of(services, first, "en"), first, range(1, 2))
        await save(bot, CHANNEL_ID, await message_of(services, second, "en"), second, range(2, 5))
        await save(bot, AR_ID, await message_of(services, arabic, "ar"), arabic, range(5, 7))

        shown = bot.shown(await bot.command(reader, "/popular"))
        assert shown.startswith("🔥 Most saved · last 24 hours")
        assert shown.index("Train strike ends") < shown.index("Museum opens")
        assert "⭐ 3 · #World" in shown and "المتحف" not in shown

        arabic_reader = editions.user(701, "Sami", "ar")
        shown = bot.shown(await bot.command(arabic_reader, "/popular"))
        assert "افتتاح المتحف" in shown and "Museum" not in shown
        assert shown.startswith("\u200f🔥")  # right to left from the first line
