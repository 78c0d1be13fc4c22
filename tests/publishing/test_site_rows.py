"""Rows the site writes into `articles` itself: every time format, and bad rows set aside.

The table is a public interface. Rows are inserted here with plain SQL, as the site's systems
do, in an order unrelated to their times; the real bot posts them through the fake Bot API. A
row no parser reads is skipped with its reason and the editors are told once; it never stops
the others.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from bot.domain import DeliveryState
from bot.services import Services
from sandbox.fakeapi import FakeTelegram
from storage.deliveries import DeliveryRepository
from tests.support import ADMIN_ID, channel_titles

StartBot = Any  # the `start_bot` fixture of tests/conftest.py
QUIET = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}
PLUS3 = timedelta(hours=3)


def formats(now: datetime) -> list[tuple[str, object]]:
    """(title, published_at as the site writes it), oldest first."""
    at = [now.replace(microsecond=0) - timedelta(minutes=60 - 4 * n) for n in range(14)]
    local = [(t + PLUS3).replace(tzinfo=None) for t in at]  # the same moments at UTC+3
    return [
        ("sqlite datetime UTC", at[0].strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("RFC 822 GMT", format_datetime(at[1], usegmt=True)),
        (
            "RFC 822 +0300",
            format_datetime(at[2].astimezone(UTC) + PLUS3).replace("+0000", "+0300"),
        ),
        ("ISO +0300", local[3].strftime("%Y-%m-%dT%H:%M:%S+0300")),
        ("epoch integer", int(at[4].timestamp())),
        ("epoch text", str(int(at[5].timestamp()))),
        ("epoch milliseconds", str(int(at[6].timestamp()) * 1000)),
        ("ISO +03", local[7].strftime("%Y-%m-%d %H:%M:%S+03")),
        ("naive with space", at[8].strftime("%Y-%m-%d %H:%M:%S")),
        ("RFC 822 without weekday", at[9].strftime("%d %b %Y %H:%M:%S +0000")),
        ("lower-case t and z", at[10].strftime("%Y-%m-%dt%H:%M:%Sz")),
        ("ISO Z with fraction", at[11].strftime("%Y-%m-%dT%H:%M:%S.123456Z")),
        ("basic ISO", at[12].strftime("%Y%m%dT%H%M%SZ")),
        ("newsdesk's own", at[13].strftime("%Y-%m-%dT%H:%M:%S.000Z")),
    ]


async def insert(services: Services, rows: list[tuple[str, object, dict[str, object]]]) -> None:
    """Insert rows the way the site does: plain SQL, its own values."""
    async with services.db.write() as conn:
        for n, (title, published, extra) in enumerate(rows):
            columns = {"guid": f"cms-{title}-{n}", "title": title, "published_at": published}
            columns |= extra
            marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
            # A bare number into a text column: PostgreSQL's assignment cast makes it text,
            # which a bound parameter must already be; SQLite keeps the integer.
            values = [
                str(v) if conn.engine == "postgres" and isinstance(v, int) else v
                for v in columns.values()
            ]
            await conn.execute(
                f"INSERT INTO articles ({', '.join(columns)}) VALUES ({marks})", *values
            )


async def test_every_time_format_is_posted_in_time_order(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    now = datetime.now(UTC)
    expected = formats(now)
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        await insert(services, [(title, when, {}) for title, when in shuffled])
        report = await services.publisher.run_pass()
        assert len(report.posted) == len(expected)
        assert channel_titles(fake) == [title for title, _ in expected]
        stored = await services.db.store.fetch(
            "SELECT title, published_at FROM articles ORDER BY published_at"
        )
    assert [title for title, _ in stored] == [title for title, _ in expected]
    assert all(when.endswith("Z") and len(when) == 24 for _, when in stored)


async def test_an_unreadable_row_is_set_aside_and_the_others_are_posted(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    admin = fake.user(ADMIN_ID, "Editor")
    fake.send_text(admin, "/start")
    now = datetime.now(UTC)
    good = (now - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S UTC")
    huge = "Huge category " * 5000
    rows: list[tuple[str, object, dict[str, object]]] = [
        ("Impossible date", "2026-02-31 10:00:00", {}),
        ("Out of range hour", "2026-12-01 25:61:00 UTC", {}),
        ("Plain garbage", "soon", {}),
        ("Year 99999", "99999-01-01T00:00:00Z", {}),
        ("Good story", good, {}),
        ("", good, {}),  # an empty title
        ("Garbage bookkeeping", good, {"updated_at": "whenever", "created_at": "never"}),
        (
            "Odd columns",
            good,
            {"image_url": "javascript:alert(1)", "category": huge, "language": "@@-!!"},
        ),
        ("Long title " * 2000, good, {}),
    ]
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == ADMIN_ID)
        await insert(services, rows)
        report = await services.publisher.run_pass()
        await services.publisher.run_pass()  # a second pass tells nobody again
        deliveries = DeliveryRepository(services.db.store)
        records = {n + 1: await deliveries.get(n + 1) for n in range(len(rows))}
    assert len(report.posted) == 5  # every readable row, whatever its other columns hold
    titles = channel_titles(fake)
    assert "Good story" in titles and "Garbage bookkeeping" in titles
    for article_id, shown in [
        (1, "'2026-02-31 10:00:00'"),
        (2, "'2026-12-01 25:61:00 UTC'"),
        (3, "'soon'"),
        (4, "'99999-01-01T00:00:00Z'"),
    ]:
        record = records[article_id]
        assert record is not None and record.state is DeliveryState.SKIPPED
        assert record.skip_reason == f"unreadable published_at: {shown}"
    notices = [
        c.params["text"]
        for c in fake.calls_of("sendMessage")
        if c.params["chat_id"] == ADMIN_ID and "set aside" in c.params["text"]
    ]
    assert len(notices) == 1
    assert (
        "4 article(s) set aside" in notices[0] and "unreadable published_at: 'soon'" in notices[0]
    )


async def test_a_fixed_row_is_posted_by_itself(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        await insert(services, [("Fixed later", "next tuesday", {})])
        assert (await services.publisher.run_pass()).posted == []
        when = (datetime.now(UTC) - timedelta(minutes=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
        async with services.db.write() as conn:
            await conn.execute("UPDATE articles SET published_at = $1 WHERE id = 1", when)
        assert (await services.publisher.run_pass()).posted == [1]
    assert channel_titles(fake) == ["Fixed later"]
