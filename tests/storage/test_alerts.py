"""AlertRepository on both engines: who an alert goes to, claimed windows, how each ended.

The claim must be exclusive across processes: on PostgreSQL two workers claim at the same time
(READ COMMITTED, no lock of ours), and no recipient may be claimed, so alerted, twice.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.domain import Outcome, Recipient
from storage.alerts import AlertRepository
from storage.database import Database
from storage.users import UserRepository
from tests.pgstore import TestStore
from tests.storage.posted import post

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def alert_for(db: Database, readers: range) -> int:
    """A posted story and an alert about it to `readers` (all opted in): the alert's id."""
    article_id = await post(db, "https://news.example/storm", at=NOW, message_id=1)
    async with db.write() as conn:
        for user_id in readers:
            await UserRepository(conn).set_alerts(user_id, True, now=NOW)
        return await AlertRepository(conn).create(article_id, post_url="https://t.me/n/1", now=NOW)


async def test_an_alert_goes_to_opted_in_active_readers_in_their_language(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        async with db.write() as conn:
            users = UserRepository(conn)
            await users.set_alerts(1, True, now=NOW)
            await users.set_language(1, "ar", now=NOW)
            await users.set_alerts(2, True, now=NOW)
            await users.set_alerts(3, False, now=NOW)  # never opted in
            await users.set_alerts(4, True, now=NOW)
            await conn.execute("UPDATE users SET active = 0 WHERE id = $1", 4)  # blocked us
        article_id = await post(db, "https://news.example/a", at=NOW, message_id=1)
        alerts = AlertRepository(db.store)
        assert await alerts.opted_in() == 2
        async with db.write() as conn:
            alert_id = await AlertRepository(conn).create(article_id, post_url=None, now=NOW)
            claimed = await AlertRepository(conn).claim(alert_id, 10, now=NOW)
        assert claimed == [Recipient(1, "ar"), Recipient(2, None)]
        alert = await alerts.get(alert_id)
        assert alert is not None
        assert (alert.article_id, alert.post_url, alert.created_at) == (article_id, None, NOW)
        assert await alerts.get(alert_id + 1) is None
    finally:
        await db.close()


async def test_windows_outcomes_and_the_end_of_an_alert(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        alert_id = await alert_for(db, range(1, 6))
        alerts = AlertRepository(db.store)
        assert await alerts.left_to_send() == 5
        async with db.write() as conn:
            first = await AlertRepository(conn).claim(alert_id, 2, now=NOW)
        assert [r.user_id for r in first] == [1, 2]
        async with db.write() as conn:
            repo = AlertRepository(conn)
            outcomes = [Outcome(1, "sent"), Outcome(2, "blocked", "403: blocked by the user")]
            await repo.record(alert_id, outcomes, now=NOW)
            second = await repo.claim(alert_id, 2, now=NOW)
        assert [r.user_id for r in second] == [3, 4]
        later = NOW + timedelta(minutes=1)
        async with db.write() as conn:  # the bot stopped with 3 and 4 mid-send
            assert await AlertRepository(conn).interrupted_to_uncertain(now=later) == 2
        counts = await alerts.counts(alert_id)
        assert counts == {
            "pending": 1, "sending": 0, "sent": 1, "failed": 0, "blocked": 1, "uncertain": 2,
        }  # fmt: skip
        blocked = await UserRepository(db.store).get(2)
        assert blocked is not None and not blocked.active
        assert await alerts.opted_in() == 4
        assert [a.id for a in await alerts.unfinished()] == [alert_id]
        async with db.write() as conn:
            await AlertRepository(conn).finish(alert_id, now=later)
        assert await alerts.unfinished() == []
        assert await alerts.left_to_send() == 0  # a finished alert's leftovers queue nothing
        finished = await alerts.get(alert_id)
        assert finished is not None and finished.finished_at == later
    finally:
        await db.close()


async def test_a_retraction_cancels_the_recipients_not_yet_alerted(store: TestStore) -> None:
    db = await Database.open(store.settings())
    try:
        alert_id = await alert_for(db, range(1, 4))
        async with db.write() as conn:
            await AlertRepository(conn).claim(alert_id, 1, now=NOW)
            article_id = await conn.fetchval(
                "SELECT article_id FROM alerts WHERE id = $1", alert_id
            )
            await AlertRepository(conn).cancel_pending(int(article_id), now=NOW)
        counts = await AlertRepository(db.store).counts(alert_id)
        assert (counts["sending"], counts["failed"], counts["pending"]) == (1, 2, 0)
    finally:
        await db.close()


async def test_a_claim_skips_what_another_open_transaction_claimed(store: TestStore) -> None:
    # Worker A claims a window and has not committed yet when worker B claims. On PostgreSQL
    # B must pass over A's rows at once (picking them again would alert them twice, and
    # waiting for A would serialise the workers); SQLite's one writer simply lets B go after A.
    db = await Database.open(store.settings())
    try:
        alert_id = await alert_for(db, range(1, 31))
        a_claimed = asyncio.Event()
        a_may_commit = asyncio.Event()

        async def worker_a() -> list[int]:
            async with db.write() as conn:
                claimed = await AlertRepository(conn).claim(alert_id, 10, now=NOW)
                a_claimed.set()
                await asyncio.wait_for(a_may_commit.wait(), timeout=10)
            return [r.user_id for r in claimed]

        async def worker_b() -> list[int]:
            await a_claimed.wait()
            try:
                async with db.write() as conn:
                    claimed = await AlertRepository(conn).claim(alert_id, 10, now=NOW)
                return [r.user_id for r in claimed]
            finally:
                a_may_commit.set()

        async def release_a_if_b_waits() -> None:  # SQLite: B waits for A's transaction
            await asyncio.sleep(0.5)
            a_may_commit.set()

        a_ids, b_ids, _ = await asyncio.gather(worker_a(), worker_b(), release_a_if_b_waits())
        assert a_ids == list(range(1, 11))
        assert b_ids == list(range(11, 21))
    finally:
        await db.close()


async def test_workers_claiming_at_once_alert_each_recipient_exactly_once(
    store: TestStore,
) -> None:
    db = await Database.open(store.settings())
    try:
        readers = range(1, 401)
        alert_id = await alert_for(db, readers)

        async def worker() -> list[int]:
            mine: list[int] = []
            while True:
                async with db.write() as conn:
                    repo = AlertRepository(conn)
                    claimed = await repo.claim(alert_id, 7, now=NOW)
                if not claimed:
                    return mine
                mine += [r.user_id for r in claimed]
                async with db.write() as conn:
                    sent = [Outcome(r.user_id, "sent") for r in claimed]
                    await AlertRepository(conn).record(alert_id, sent, now=NOW)

        claims = await asyncio.gather(*(worker() for _ in range(4)))
        everyone = [user_id for mine in claims for user_id in mine]
        assert sorted(everyone) == list(readers)  # each recipient claimed once, none left out
        assert (await AlertRepository(db.store).counts(alert_id))["sent"] == len(readers)
    finally:
        await db.close()
