"""Two real `newsdesk run` workers on one PostgreSQL: the leader is killed mid-backlog.

Worker A starts first and leads; worker B finds A's lease live and follows. A backlog is
imported; A posts part of it, then is killed with SIGKILL inside a channel post whose answer the
fake holds back (the post is in the channel, the store says `sending`). B must take the lease
over within the lease's time-to-live, turn A's interrupted post into `uncertain` (telling the
editor), and post the rest: every article in the channel exactly once, except the uncertain one,
which is there at most once and reported. Before the kill, only A posted (the store names the
claimer of every post).
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import asyncpg

from sandbox.fakeapi import FakeTelegram, Fault
from tests import processes
from tests.processes import ADMIN_ID, newsdesk, write_backlog
from tests.support import (
    channel_titles,
    held_channel_send,
    title_of,
    uncertain_reports,
    wait_until,
)

ARTICLES = 12
TITLES = [f"Failover story {n:02d}" for n in range(1, ARTICLES + 1)]
TTL = 2.0


def write_config(tmp_path: Path, fake: FakeTelegram, url: str) -> Path:
    """Fast publishing (one pass a second, a post every 0.3 s) on the shared store."""
    return processes.write_config(
        tmp_path,
        fake.base_url,
        "enabled = true\ninterval_seconds = 1\nmax_posts_per_minute = 200\n"
        "retry_backoff_seconds = 0.05\nbacklog_max_age_hours = 24",
        storage=f'url = "{url}"\nlease_ttl_seconds = {TTL}',
    )


async def store_rows(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url, timeout=5)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def worker_id(url: str, pid: int) -> str:
    rows = await store_rows(url, f"SELECT id FROM workers WHERE pid = {int(pid)}")
    assert len(rows) == 1, rows
    return str(rows[0][0])


async def test_a_follower_takes_over_a_killed_leader_and_posts_each_article_once(
    fake: FakeTelegram, tmp_path: Path, pg_database: str
) -> None:
    url = pg_database
    config = write_config(tmp_path, fake, url)
    admin = fake.user(ADMIN_ID, "Editor")
    async with newsdesk(tmp_path, config, "run", name="a") as a:
        await a.wait_until(lambda: "newsdesk started" in a.output(), "A's start")
        fake.send_text(admin, "/start")  # the editor opens the bot, so it may write to them
        await a.wait_until(
            lambda: any(m.from_bot for m in fake.messages(ADMIN_ID)), "the editor's welcome"
        )
        async with newsdesk(tmp_path, config, "run", name="b") as b:
            await b.wait_until(lambda: "is a follower" in b.output(), "B following A")
            a_id, b_id = await worker_id(url, a.proc.pid), await worker_id(url, b.proc.pid)

            async with newsdesk(
                tmp_path,
                config,
                "import",
                str(write_backlog(tmp_path, "failover", TITLES)),
                name="imp",
            ) as imp:
                assert await imp.exit_code() == 0, imp.output()
            await a.wait_until(lambda: len(channel_titles(fake)) >= 4, "A's first posts")
            fake.fail_next("sendMessage", Fault.timeout(120, applied=True))
            held = await a.wait_until(lambda: held_channel_send(fake), "a held channel post")
            posted_by = await store_rows(
                url, "SELECT DISTINCT claimed_by FROM deliveries WHERE claimed_by IS NOT NULL"
            )
            assert {str(r[0]) for r in posted_by} == {a_id}  # only the leader posted so far
            before = len(channel_titles(fake))
            await a.sigkill()
            killed = time.monotonic()

            await b.wait_until(lambda: len(channel_titles(fake)) > before, "B's first post")
            assert time.monotonic() - killed < TTL + 3.0  # within the lease's life (and slack)

            async def all_settled() -> bool:
                assert b.proc.returncode is None, b.output()
                rows = await store_rows(
                    url, "SELECT count(*) FROM deliveries WHERE state IN ('posted', 'uncertain')"
                )
                return int(rows[0][0]) == ARTICLES

            await wait_until(all_settled, 30, lambda: f"every article settled:\n{b.output()}")
            assert "now leads the newsroom" in b.output()
            b.proc.send_signal(signal.SIGTERM)
            assert await b.exit_code() == 0, b.output()

    rows = await store_rows(
        url,
        "SELECT a.title, d.state, d.claimed_by FROM articles a "
        "JOIN deliveries d ON d.article_id = a.id",
    )
    final = {str(r[0]): (str(r[1]), r[2]) for r in rows}
    assert sorted(final) == TITLES
    held_title = title_of(held)
    assert final[held_title][0] == "uncertain"  # A's interrupted send: never sent again
    seen = Counter(channel_titles(fake))
    assert [title for title, count in seen.items() if count > 1] == []  # never doubled
    uncertain = sorted(t for t, (state, _) in final.items() if state == "uncertain")
    for title, (state, claimer) in final.items():
        if state == "posted":
            assert seen[title] == 1, title  # never dropped
            assert claimer in (a_id, b_id), title
    assert any(claimer == b_id for _, claimer in final.values())  # B finished the backlog
    reports = uncertain_reports(fake)
    for title in uncertain:
        assert any(title in report for report in reports), f"{title} was never reported"
    assert len(reports) == len(uncertain)  # one report per uncertain article
