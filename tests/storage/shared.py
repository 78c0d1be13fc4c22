"""What the repository tests on both engines share: a site-style article row, and lock waits.

A test that shows a claim is exclusive on PostgreSQL holds one transaction open, starts a second
one that must wait for it, and needs to know *that* it waits (not sleep and hope):
`until_waiting` polls the server's own view of its sessions until one waits for a lock.
"""

from __future__ import annotations

from datetime import datetime

from storage.articles import to_db_time
from storage.database import Database
from storage.sql import StoreConn
from tests.support import wait_until


async def add_article(conn: StoreConn, guid: str, published_at: datetime) -> int:
    """Insert an article the way the site does (plain SQL, its own times); return its id."""
    stamp = to_db_time(published_at)
    article_id = await conn.fetchval(
        "INSERT INTO articles (guid, url, title, published_at, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $4, $4) RETURNING id",
        guid,
        f"https://example.com/{guid}",
        f"Story {guid}",
        stamp,
    )
    return int(article_id)


async def lock_waiters(db: Database) -> int:
    """How many sessions on this PostgreSQL database wait for a lock (row or advisory)."""
    count = await db.store.fetchval(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return int(count)


async def until_waiting(db: Database, what: str) -> None:
    """Return once a session waits for a lock; fail the test, naming `what`, after 5 s."""

    async def waiting() -> bool:
        return await lock_waiters(db) >= 1

    await wait_until(waiting, what=what)
