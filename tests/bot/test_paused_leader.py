"""A leader paused *inside a write transaction* on PostgreSQL must not keep the lease from B.

Two real `newsdesk run` workers on one PostgreSQL (polling mode; the store is what matters). A
leads and posts a backlog. The test holds `instance_lease` locked for a moment, so that A's next
heartbeat stops inside its transaction, its `workers` row written and its lease row being
refreshed (and perhaps a fenced write of A's too, the lease's advisory lock taken shared); then A
is paused (SIGSTOP) and the table let go. A's statements finish on the server and A's sessions
sit "idle in transaction", holding those locks, with nobody to end them: a process frozen at the
wrong moment (SIGSTOP, a VM paused, a machine swapping), not a dead one whose connections the
kernel closes. (Only the leader's heartbeat refreshes the lease row, so the waiting statement
names A without telling its sessions apart.)

B must still take the lease within the time-to-live (and some slack) and post the rest: every
article once, except one A sent but could not record, which is uncertain (at most once, reported
to the editor). Resumed, A finds its sessions gone and the lease lost, steps down to follower
and posts nothing. Before the fix the server kept A's sessions, and B waited for A to wake.
"""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import asyncpg

from sandbox.fakeapi import FakeTelegram
from tests import processes
from tests.processes import ADMIN_ID, newsdesk, write_backlog
from tests.support import channel_titles, uncertain_reports, wait_until

ARTICLES = 16
TITLES = [f"Paused story {n:02d}" for n in range(1, ARTICLES + 1)]
TTL = 2.0
# A's heartbeat waiting for the table inside its transaction (only the leader runs it).
HEARTBEAT_WAITS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE instance_lease SET heartbeat_at%'"
)


async def test_a_leader_paused_inside_a_transaction_is_taken_over_within_the_ttl(
    fake: FakeTelegram, tmp_path: Path, pg_database: str
) -> None:
    url = pg_database
    config = processes.write_config(
        tmp_path,
        fake.base_url,
        "enabled = true\ninterval_seconds = 1\nmax_posts_per_minute = 120\n"
        "backlog_max_age_hours = 24",
        storage=f'url = "{url}"\nlease_ttl_seconds = {TTL}',
    )
    test_conn = await asyncpg.connect(url, timeout=5)

    async def scalar(sql: str, *args: object) -> object:
        return await test_conn.fetchval(sql, *args)

    try:
        async with newsdesk(tmp_path, config, "run", name="a") as a:
            await a.wait_until(lambda: "newsdesk started" in a.output(), "A's start")
            fake.send_text(fake.user(ADMIN_ID, "Editor"), "/start")  # so it may write to them
            await a.wait_until(
                lambda: any(m.from_bot for m in fake.messages(ADMIN_ID)), "the editor's welcome"
            )
            async with newsdesk(tmp_path, config, "run", name="b") as b:
                try:
                    await b.wait_until(lambda: "is a follower" in b.output(), "B following A")
                    b_id = await scalar("SELECT id FROM workers WHERE pid = $1", b.proc.pid)
                    async with newsdesk(
                        tmp_path,
                        config,
                        "import",
                        str(write_backlog(tmp_path, "paused", TITLES)),
                        name="i",
                    ) as imp:
                        assert await imp.exit_code() == 0, imp.output()
                    await a.wait_until(lambda: len(channel_titles(fake)) >= 3, "A's first posts")

                    async with test_conn.transaction():
                        await test_conn.execute(
                            "LOCK TABLE instance_lease IN ACCESS EXCLUSIVE MODE"
                        )

                        async def heartbeat_waits() -> bool:
                            # Inside a transaction the activity view is a snapshot: renew it.
                            await test_conn.execute("SELECT pg_stat_clear_snapshot()")
                            return await scalar(HEARTBEAT_WAITS) == 1

                        await wait_until(heartbeat_waits, 10, "A's heartbeat waiting inside")
                        a.proc.send_signal(signal.SIGSTOP)
                    # Let go: A's statements finish, its sessions idle in their transactions.

                    async def b_leads() -> bool:
                        return await scalar("SELECT holder FROM instance_lease") == b_id

                    # The lease's life, then the server ending A's idle sessions a TTL after
                    # they went idle. B only tries the lease's lock (never queues for it), so
                    # none of A's statements waits behind B's request to be granted later and
                    # idle a TTL of its own. Without the limit B waits for A to wake (here:
                    # never, so this fails).
                    await wait_until(b_leads, 4 * TTL + 5.0, "B leading while A is paused")
                    await b.wait_until(lambda: "now leads the newsroom" in b.output(), "B's log")

                    async def all_settled() -> bool:
                        settled = await scalar(
                            "SELECT count(*) FROM deliveries "
                            "WHERE state IN ('posted', 'uncertain')"
                        )
                        return settled == ARTICLES

                    await wait_until(all_settled, 30, lambda: f"all settled:\n{b.output()}")
                    a.proc.send_signal(signal.SIGCONT)
                    await a.wait_until(
                        lambda: "stepping down to follower" in a.output(), "A stepping down"
                    )
                    assert a.proc.returncode is None  # a follower now, not a crash
                    posted = await test_conn.fetch(
                        "SELECT a.title FROM articles a JOIN deliveries d ON d.article_id = a.id "
                        "WHERE d.state = 'posted'"
                    )
                    uncertain = await test_conn.fetch(
                        "SELECT a.title FROM articles a JOIN deliveries d ON d.article_id = a.id "
                        "WHERE d.state = 'uncertain'"
                    )
                    for worker in (a, b):
                        worker.proc.send_signal(signal.SIGTERM)
                        assert await worker.exit_code() == 0, worker.output()
                finally:
                    if a.proc.returncode is None:
                        a.proc.send_signal(signal.SIGCONT)  # a stopped process cannot be killed
    finally:
        await test_conn.close()

    seen = Counter(channel_titles(fake))
    assert [title for title, count in seen.items() if count > 1] == []  # never doubled
    for row in posted:
        assert seen[str(row[0])] == 1, row  # never dropped
    reports = uncertain_reports(fake)
    for row in uncertain:  # A's send whose record it could not write: at most once, reported
        assert seen[str(row[0])] <= 1, row
        assert any(str(row[0]) in report for report in reports), f"{row[0]} never reported"
    assert len(reports) == len(uncertain)
