"""Two worker processes' ⭐ writers on one store at once: every press applied once, none lost.

Each worker has its own `Database` (its own pool on PostgreSQL, its own connection on SQLite)
and its own `SubscriberWriter`. They press the same (user, article) pairs in opposite orders,
with a different kind of change for a pair in each worker (toggle, save, remove), which is what
makes two batches want each other's rows in opposite orders if a batch locks them by kind.

The order in which the two workers' changes of one pair land is the database's choice, so the
expected table is not one fixed set: each pair's final state must be what *some* interleaving of
the two workers' changes gives, starting from nothing saved, in which every change answered
what its worker was told (a toggle that said "Saved" found the pair removed). A lost update (two
toggles both reading "removed") or a change applied twice has no such interleaving.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.subscribers import FavoriteOutcome
from bot.subscribers.writer import SubscriberWriter
from storage.articles import to_db_time
from storage.database import Database
from storage.favorites import Pair
from tests.pgstore import TestStore
from tests.storage.concurrent import open_pg, until_waiting_on_a_lock
from tests.storage.posted import post

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
KINDS = ("toggle", "save", "remove")
ROUNDS = 6
USERS = 100  # × 2 articles: 200 pairs, one batch per round (MAX_BATCH is 500)

Change = tuple[str, FavoriteOutcome]  # (kind, what the worker was told)


def _after(state: bool, change: Change) -> bool | None:
    """The pair's state after `change` from `state`, or None if its answer rules that out."""
    kind, outcome = change
    if kind == "toggle":
        told = outcome is FavoriteOutcome.SAVED
        return told if told != state else None
    if kind == "save":
        return True if outcome is FavoriteOutcome.SAVED else None
    return False if outcome is FavoriteOutcome.REMOVED else None


def explains(first: Sequence[Change], second: Sequence[Change], final: bool) -> bool:
    """Whether some interleaving of the two workers' changes, from removed, ends at `final`."""
    reached = {(0, 0, False)}
    for _ in range(len(first) + len(second)):
        step: set[tuple[int, int, bool]] = set()
        for i, j, state in reached:
            for di, dj, changes, at in ((1, 0, first, i), (0, 1, second, j)):
                if at < len(changes):
                    after = _after(state, changes[at])
                    if after is not None:
                        step.add((i + di, j + dj, after))
        reached = step
    return (len(first), len(second), final) in reached


def test_the_interleaving_check_refuses_a_lost_toggle() -> None:
    saved, removed = FavoriteOutcome.SAVED, FavoriteOutcome.REMOVED
    both_saved = [("toggle", saved)], [("toggle", saved)]  # both read "removed": one was lost
    assert not explains(*both_saved, final=True)
    assert explains([("toggle", saved)], [("toggle", removed)], final=False)
    assert explains([("toggle", saved)], [("save", saved)], final=True)
    assert not explains([("toggle", saved)], [("save", saved)], final=False)


async def _press(
    writer: SubscriberWriter, worker: int, round_: int, pairs: Sequence[Pair]
) -> list[tuple[Pair, Change]]:
    """One worker's presses of one round, queued at once (one batch): what each was told."""
    press: dict[str, Callable[[int, int], Awaitable[FavoriteOutcome]]] = {
        "toggle": writer.toggle,
        "save": writer.save,
        "remove": writer.remove,
    }
    order = list(enumerate(pairs)) if worker == 0 else list(enumerate(pairs))[::-1]
    # Worker 0 toggles the pairs whose (n + round) % 3 is 0 and saves those at 1; worker 1 the
    # other way round (both remove those at 2): a batch that locked its toggled pairs before its
    # saved ones would hold what the other worker's batch needs next, and wait for the rest.
    planned = [
        (KINDS[(n + round_ if worker == 0 else 1 - n - round_) % len(KINDS)], pair)
        for n, pair in order
    ]
    told = await asyncio.gather(*(press[kind](*pair) for kind, pair in planned))
    return [(pair, (kind, outcome)) for (kind, pair), outcome in zip(planned, told, strict=True)]


async def test_two_workers_pressing_shared_pairs_in_opposite_orders_lose_nothing(
    store: TestStore, caplog: pytest.LogCaptureFixture
) -> None:
    dbs = [await Database.open(store.settings()) for _ in range(2)]
    writers = [SubscriberWriter(db, lambda: NOW) for db in dbs]
    try:
        articles = [
            await post(dbs[0], f"https://news.example/{n}", at=NOW, message_id=n) for n in range(2)
        ]
        pairs = [(user, article) for user in range(1, USERS + 1) for article in articles]
        first: dict[Pair, list[Change]] = {pair: [] for pair in pairs}
        second: dict[Pair, list[Change]] = {pair: [] for pair in pairs}
        for round_ in range(ROUNDS):  # both workers' batches of a round start together
            told = await asyncio.gather(
                *(_press(writer, worker, round_, pairs) for worker, writer in enumerate(writers))
            )
            for history, changes in zip((first, second), told, strict=True):
                for pair, change in changes:
                    history[pair].append(change)
        rows = await dbs[1].store.fetch(
            "SELECT user_id, article_id FROM favorites WHERE saved = 1"
        )
        saved = {(int(row[0]), int(row[1])) for row in rows}
        assert saved <= set(pairs)
        unexplained = [
            pair for pair in pairs if not explains(first[pair], second[pair], pair in saved)
        ]
        assert unexplained == []
        # Both kinds of final state occur: the check above had something to tell apart.
        assert 0 < len(saved) < len(pairs)
        # No batch was rolled back and written again: their order alone kept them apart.
        assert not [r for r in caplog.records if "writing it again" in r.getMessage()]
    finally:
        for writer in writers:
            await writer.close()
        for db in dbs:
            await db.close()


async def test_a_batch_rolled_back_to_break_a_deadlock_is_written_again(
    pg_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Another kind of transaction (the site's, say) takes two favorites in the other order.
    db = await open_pg(pg_database)
    writer = SubscriberWriter(db, lambda: NOW)
    other = await asyncpg.connect(pg_database)
    try:
        article = await post(db, "https://news.example/1", at=NOW, message_id=1)
        for user in (1, 2):
            assert await writer.save(user, article) is FavoriteOutcome.SAVED
        # Only the writer's session looks for deadlocks within the test's time, so PostgreSQL
        # rolls the writer's batch back, never the other transaction.
        await other.execute("SET deadlock_timeout = '60s'")
        touched = to_db_time(NOW + timedelta(minutes=5))
        touch = "UPDATE favorites SET saved_at = $1 WHERE user_id = $2"
        transaction = other.transaction()
        await transaction.start()
        await other.execute(touch, touched, 2)
        presses = asyncio.gather(writer.toggle(1, article), writer.toggle(2, article))
        await until_waiting_on_a_lock(db)  # the batch holds user 1's row, waits for user 2's
        await other.execute(touch, touched, 1)  # waits until the batch is rolled back
        await transaction.commit()
        assert await presses == [FavoriteOutcome.REMOVED, FavoriteOutcome.REMOVED]
        rows = await db.store.fetch("SELECT user_id, saved, saved_at FROM favorites ORDER BY 1")
        assert [tuple(row) for row in rows] == [(1, 0, touched), (2, 0, touched)]
        assert any("writing it again" in record.getMessage() for record in caplog.records)
    finally:
        await other.close()
        await writer.close()
        await db.close()
