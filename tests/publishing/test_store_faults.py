"""PostgreSQL going away under the running bot: every article still posted exactly once.

PostgreSQL only (a SQLite file does not go away). The server itself is shared with other
sessions and is never stopped: a test cuts its own database's connections
(`pg_terminate_backend`) or makes that database refuse new ones (`ALLOW_CONNECTIONS false`),
from an admin connection to the maintenance database. The bot is the real Application against
the fake Bot API, with the product's own error handler (which answers readers) before the
test's recorder.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import asyncpg

from bot.app import build_application, running
from bot.config import Settings
from bot.context import NewsdeskApp
from bot.domain import DeliveryState
from bot.domain.errors import StoreUnavailableError
from bot.services import Services
from handlers.errors import report_error
from sandbox.fakeapi import FakeTelegram, Fault
from storage.deliveries import DeliveryRepository
from tests.pgstore import PgServer
from tests.publishing.test_publisher import QUIET, channel_texts, draft, stored
from tests.support import ADMIN_ID, CHANNEL_ID, HandlerErrors, wait_until

TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = $1 AND pid <> pg_backend_pid()"
)
DOWN_WORDS = "cannot reach its news store"
BACK_WORDS = "answers again; publishing resumes"


@asynccontextmanager
async def pg_bot(
    fake: FakeTelegram, make_settings: Callable[..., Settings], url: str
) -> AsyncIterator[tuple[NewsdeskApp, HandlerErrors]]:
    """The bot on `url`, with the product's error handler and a recorder after it."""
    recorder = HandlerErrors()
    fake.user(ADMIN_ID, "Editor")  # an editor who has opened the bot, so notices reach them
    settings = make_settings(fake.base_url, publishing=QUIET, storage={"url": url})
    app = build_application(settings, error_handlers=(report_error, recorder))
    async with running(app):
        yield app, recorder
    # Only the outage itself may have reached the error handlers (jobs, the reader's command).
    assert all(isinstance(error, StoreUnavailableError) for error in recorder.errors), (
        recorder.errors
    )


async def publish_all(services: Services, ids: list[int], within: float = 30.0) -> None:
    """Run passes until every article is recorded posted; a pass the store cut short is
    followed by the next one, as the job would."""

    async def all_posted() -> bool:
        try:
            await services.publisher.run_pass()
        except StoreUnavailableError:
            return False
        repo = DeliveryRepository(services.db.store)
        states = [(await repo.get(article_id)) for article_id in ids]
        return all(d is not None and d.state is DeliveryState.POSTED for d in states)

    await wait_until(all_posted, within, "every article recorded as posted")


async def assert_each_posted_once(fake: FakeTelegram, services: Services, ids: list[int]) -> None:
    """Each article is in the channel once, and its record names that very message."""
    titles = [text.splitlines()[0] for text in channel_texts(fake)]
    assert sorted(titles) == sorted(f"Story number {n}" for n in range(1, len(ids) + 1))
    by_title = {m.text.splitlines()[0]: m.message_id for m in fake.messages(CHANNEL_ID) if m.text}
    repo = DeliveryRepository(services.db.store)
    for n, article_id in enumerate(ids, start=1):
        delivery = await repo.get(article_id)
        assert delivery is not None and delivery.state is DeliveryState.POSTED
        assert delivery.message_id == by_title[f"Story number {n}"]


async def refuse_connections(admin: asyncpg.Connection, database: str) -> None:
    """Make `database` refuse new connections and end its sessions (one still logging in
    when the first cut ran is cut on the next)."""
    await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')

    async def none_left() -> bool:
        await admin.fetchval(TERMINATE, database)
        left = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
        )
        return await admin.fetchval(left, database) == 0

    await wait_until(none_left, 10.0, "every session of the database ended")


def admin_notices(fake: FakeTelegram, words: str) -> list[str]:
    """The bot's messages to the editor that contain `words`."""
    return [
        str(call.params["text"])
        for call in fake.calls
        if call.method == "sendMessage"
        and call.params.get("chat_id") == ADMIN_ID
        and words in str(call.params.get("text"))
    ]


async def test_cut_connections_mid_publish_posts_each_article_once(
    fake: FakeTelegram,
    make_settings: Callable[..., Settings],
    pg_server: PgServer,
    pg_database: str,
) -> None:
    database = urlsplit(pg_database).path.lstrip("/")
    async with pg_bot(fake, make_settings, pg_database) as (app, _):
        services = app.bot_data.services
        ids = await stored(services, *(draft(n, age_minutes=30 - n) for n in range(1, 9)))
        # Each post is made at once and answered 0.3 s later: the cuts land while a post
        # exists in the channel and the bot has not recorded it yet.
        fake.fail_next("sendMessage", Fault.timeout(0.3), times=len(ids))
        admin = await asyncpg.connect(pg_server.url, timeout=5)
        try:
            passes = asyncio.create_task(publish_all(services, ids))
            for posted in (2, 5):
                await wait_until(lambda n=posted: len(channel_texts(fake)) >= n, 15.0)
                assert await admin.fetchval(TERMINATE, database) >= 1
            await passes
        finally:
            await admin.close()
        await assert_each_posted_once(fake, services, ids)
        assert admin_notices(fake, DOWN_WORDS) == []  # a cut the pool healed is no outage


async def test_outage_tells_editors_once_answers_readers_and_loses_nothing(
    fake: FakeTelegram,
    make_settings: Callable[..., Settings],
    pg_server: PgServer,
    pg_database: str,
) -> None:
    database = urlsplit(pg_database).path.lstrip("/")
    admin = await asyncpg.connect(pg_server.url, timeout=5)
    try:
        async with pg_bot(fake, make_settings, pg_database) as (app, _):
            services = app.bot_data.services
            ids = await stored(services, *(draft(n, age_minutes=30 - n) for n in range(1, 5)))
            # The first post is made, then its answer is held while the database goes away:
            # its record has to wait for the store to come back.
            fake.fail_next("sendMessage", Fault.timeout(1.0))
            first_pass = asyncio.create_task(services.publisher.run_pass())
            await wait_until(lambda: len(channel_texts(fake)) >= 1, 15.0)
            await refuse_connections(admin, database)

            await wait_until(lambda: admin_notices(fake, DOWN_WORDS), 15.0, "the outage notice")
            reader = fake.user(1300)
            since = fake.call_count
            fake.send_text(reader, "/latest")
            answer = await wait_until(
                lambda: next(
                    (
                        c
                        for c in fake.calls_since(since)
                        if c.method == "sendMessage" and c.params.get("chat_id") == reader.id
                    ),
                    None,
                ),
                15.0,
                "the reader's answer",
            )
            assert answer.params["text"] == (
                "newsdesk can't reach its news store right now — please try again in a minute."
            )
            assert len(channel_texts(fake)) == 1  # nothing else went out meanwhile

            await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
            await wait_until(lambda: admin_notices(fake, BACK_WORDS), 30.0, "the back notice")
            await asyncio.gather(first_pass, return_exceptions=True)
            await publish_all(services, ids)
            await assert_each_posted_once(fake, services, ids)
            down = admin_notices(fake, DOWN_WORDS)
            assert len(down) == 1 and len(admin_notices(fake, BACK_WORDS)) == 1
            assert database in down[0] and "not currently accepting connections" in down[0]
    finally:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        await admin.close()
