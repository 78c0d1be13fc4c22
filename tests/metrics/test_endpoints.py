"""/healthz, /readyz and /metrics of the real bot, scraped over real HTTP as Prometheus would.

The bot runs against the fake Bot API with `[metrics] port = 0` (a free port); each test does
what a user or the site would (a /start, a post, a ⭐ press, a 429 from Telegram) and reads the
figures that changed, on both engines.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.app import build_application
from bot.config import Settings
from bot.context import NewsdeskApp
from bot.domain import ArticleDraft
from sandbox.fakeapi import FakeTelegram, Fault
from storage.database import Database
from storage.migrate import available_migrations
from storage.sql import Sql
from tests.support import CHANNEL_ID, wait_until

StartBot = Any  # the `start_bot` fixture of tests/conftest.py
METRICS = {"port": 0}
QUIET = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}
Figures = dict[tuple[str, frozenset[tuple[str, str]]], float]


def base_url(app: NewsdeskApp) -> str:
    server = app.bot_data.metrics_server
    assert server is not None and server.port, "the metrics server is not running"
    return f"http://127.0.0.1:{server.port}"


async def get(app: NewsdeskApp, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(base_url(app) + path) as response:
        return response.status, await response.text()


async def scrape(app: NewsdeskApp) -> Figures:
    """Every sample of /metrics, by name and labels."""
    status, text = await get(app, "/metrics")
    assert status == 200, text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(figures: Figures, name: str, **labels: str) -> float:
    return figures.get((name, frozenset(labels.items())), 0.0)


async def post_article(app: NewsdeskApp, *, age_minutes: float = 3) -> int:
    """The site publishes one story; the publisher posts it to the channel."""
    services = app.bot_data.services
    draft = ArticleDraft(
        guid=f"metrics-{age_minutes}",
        url="https://news.example/a/1",
        title="Harbour reopens",
        category="World",
        published_at=datetime.now(UTC) - timedelta(minutes=age_minutes),
        summary="Ships are moving again.",
    )
    [result] = await services.articles.store([draft])
    report = await services.publisher.run_pass()
    assert report.posted == [result.article.id]
    return result.article.id


async def test_health_and_readiness_of_a_running_bot(start_bot: StartBot) -> None:
    async with start_bot(metrics=METRICS) as app:
        assert await get(app, "/healthz") == (200, "ok\n")
        assert await get(app, "/readyz") == (200, "ready\n")
        figures = await scrape(app)
        assert value(figures, "newsdesk_store_up") == 1
        assert value(figures, "newsdesk_leader") == 1
        lease_age = value(figures, "newsdesk_lease_age_seconds")
        assert 0 <= lease_age < 60


async def test_a_start_command_is_counted_and_timed(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(metrics=METRICS) as app:
        before = await scrape(app)
        fake.send_text(fake.user(1501, "Lina"), "/start")

        async def counted() -> Figures | None:
            figures = await scrape(app)
            handled = value(figures, "newsdesk_updates_total", kind="message", outcome="handled")
            return figures if handled == 1 else None

        after = await wait_until(counted, what="the /start update counted")
        timed = value(after, "newsdesk_handler_seconds_count", handler="show_start")
        assert timed == value(before, "newsdesk_handler_seconds_count", handler="show_start") + 1
        sends = value(after, "newsdesk_bot_api_calls_total", method="sendMessage", outcome="ok")
        assert sends >= 1  # the welcome


async def test_a_channel_post_moves_the_posted_gauge_the_api_counter_and_the_lag(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET, metrics=METRICS) as app:
        channel = app.bot_data.services.settings.channels[0].name
        before = await scrape(app)
        assert value(before, "newsdesk_articles", channel=channel, state="posted") == 0
        await post_article(app, age_minutes=3)
        after = await scrape(app)

    assert value(after, "newsdesk_articles", channel=channel, state="posted") == 1
    sends = ("newsdesk_bot_api_calls_total", {"method": "sendMessage", "outcome": "ok"})
    assert value(after, sends[0], **sends[1]) == value(before, sends[0], **sends[1]) + 1
    assert value(after, "newsdesk_publish_lag_seconds_count", channel=channel) == 1
    lag = value(after, "newsdesk_publish_lag_seconds_sum", channel=channel)
    assert 180 <= lag < 240, lag  # published three minutes before it was posted
    assert len([m for m in fake.messages(CHANNEL_ID) if not m.deleted]) == 1


async def test_a_429_is_counted_with_the_seconds_it_asked_for(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET, metrics=METRICS) as app:
        fake.fail_next("sendMessage", Fault.retry_after(1))
        await post_article(app)
        figures = await scrape(app)
    assert [c.status for c in fake.calls_of("sendMessage")] == [429, 200]
    assert value(figures, "newsdesk_bot_api_calls_total", method="sendMessage", outcome="429") == 1
    assert value(figures, "newsdesk_bot_api_retry_after_seconds_total", method="sendMessage") == 1


async def test_a_star_press_is_counted_and_its_answer_in_time(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET, metrics=METRICS) as app:
        article = await post_article(app)
        [post] = [m for m in fake.messages(CHANNEL_ID) if not m.deleted]
        query = fake.press_button(fake.user(1601), CHANNEL_ID, post.message_id, f"fav:{article}")
        await fake.wait_for(lambda: fake.callback_answers(query))

        async def answered() -> Figures | None:
            figures = await scrape(app)
            in_time = value(figures, "newsdesk_press_answers_total", outcome="in_time")
            return figures if in_time == 1 else None

        figures = await wait_until(answered, what="the toast counted as in time")
    assert value(figures, "newsdesk_updates_total", kind="callback_query", outcome="press") == 1
    assert value(figures, "newsdesk_press_answers_total", outcome="dropped") == 0


async def test_not_ready_while_the_schema_is_not_this_code_s(start_bot: StartBot) -> None:
    async with start_bot(metrics=METRICS) as app:
        db = app.bot_data.services.db
        newest = available_migrations(db.engine)[-1].version
        bump = Sql(
            sqlite=f"PRAGMA user_version = {newest + 1}",
            postgres=f"UPDATE schema_version SET version = {newest + 1}",
        )
        restore = Sql(
            sqlite=f"PRAGMA user_version = {newest}",
            postgres=f"UPDATE schema_version SET version = {newest}",
        )
        await db.store.execute(bump)  # a newer newsdesk migrated the store underneath
        try:
            status, text = await get(app, "/readyz")
        finally:
            await db.store.execute(restore)
        assert status == 503
        assert text == (
            f"not ready: the store's schema is at version {newest + 1}, "
            f"this newsdesk needs {newest}\n"
        )
        assert await get(app, "/readyz") == (200, "ready\n")


async def test_not_ready_once_the_store_is_unreachable(start_bot: StartBot) -> None:
    async with start_bot(metrics=METRICS) as app:
        services = app.bot_data.services
        await services.db.close()  # the store goes away under the running bot
        status, text = await get(app, "/readyz")
        assert status == 503
        assert text.startswith("not ready: the store is unreachable ("), text
        assert await get(app, "/healthz") == (200, "ok\n")  # the process itself is alive
        figures = await scrape(app)
        assert value(figures, "newsdesk_store_up") == 0
        assert value(figures, "newsdesk_press_answers_total", outcome="dropped") == 0
        # The operator brings the store back; the bot then stops cleanly (its lease released).
        services.db = await Database.open(services.settings.storage)
        assert await get(app, "/readyz") == (200, "ready\n")


async def test_no_server_unless_a_port_is_configured(start_bot: StartBot) -> None:
    async with start_bot() as app:
        assert app.bot_data.metrics_server is None


def test_two_bots_in_one_process_count_apart(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    one, two = build_application(settings), build_application(settings)
    assert one.bot_data.metrics is not None and two.bot_data.metrics is not None
    one.bot_data.metrics.api_call("sendMessage", "ok", 0.0)
    assert b'method="sendMessage"' in one.bot_data.metrics.render()
    assert b'method="sendMessage"' not in two.bot_data.metrics.render()
