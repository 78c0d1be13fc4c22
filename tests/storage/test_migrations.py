"""Migrations: a fresh database and one at every older version reach the same schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.domain.errors import SchemaTooNewError, StorageError
from storage.database import Database
from storage.migrate import available_migrations, migrate, schema_version


def schema_of(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
    return [(str(name), " ".join(str(sql).split())) for name, sql in rows]


async def test_fresh_database_reaches_newest_version(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fresh.sqlite3")
    try:
        newest = available_migrations()[-1].version
        assert await db.store.fetchval("PRAGMA user_version") == newest
        assert await db.store.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.store.fetchval("PRAGMA foreign_keys") == 1
    finally:
        await db.close()


@pytest.mark.parametrize("start", range(len(available_migrations())))
async def test_upgrade_from_every_older_version(tmp_path: Path, start: int) -> None:
    reference = tmp_path / "reference.sqlite3"
    await (await Database.open(reference)).close()

    path = tmp_path / f"from-{start}.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await migrate(conn, target=start) == start
        if start >= 1:  # data written by an older version survives the upgrade
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at) VALUES ('g1', 'Kept', "
                "'2026-01-01T00:00:00.000Z')"
            )
    db = await Database.open(path)
    try:
        newest = available_migrations()[-1].version
        assert await db.store.fetchval("PRAGMA user_version") == newest
        if start >= 1:
            title = await db.store.fetchval("SELECT title FROM articles WHERE guid = 'g1'")
            assert title == "Kept"
    finally:
        await db.close()
    assert schema_of(path) == schema_of(reference)


async def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(SchemaTooNewError, match="schema version 999"):
        await Database.open(path)


async def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="not a usable newsdesk database"):
        await Database.open(path)


async def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "half.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await migrate(conn, target=1)
        # A table the next migration wants to create already exists: migration 2 must fail whole.
        await conn.execute("CREATE TABLE instance_lease (x)")
        with pytest.raises(sqlite3.OperationalError):
            await migrate(conn)
        assert await schema_version(conn) == 1


async def test_upgrade_normalises_or_flags_the_site_times_left_as_written(tmp_path: Path) -> None:
    """Rows 0009's trigger let through unchanged are read by 0012, or flagged for the parser."""
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path) as conn:
        await migrate(conn, target=11)
        rows = [
            ("a", "2026-12-01 05:00:54 UTC"),
            ("b", "2026-12-01T05:00:54+0300"),
            ("c", "1764565254"),
            ("d", "Tue, 01 Dec 2026 05:00:54 GMT"),
        ]
        for guid, published in rows:
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at, updated_at) "
                "VALUES (?, 't', ?, '2026-12-01T06:00:00.000Z')",
                (guid, published),
            )
        await conn.commit()
        async with conn.execute("SELECT guid, updated_at FROM articles ORDER BY guid") as cur:
            before = dict(await cur.fetchall())
        await migrate(conn)
        async with conn.execute(
            "SELECT a.guid, a.published_at, a.updated_at, p.article_id IS NOT NULL "
            "FROM articles a LEFT JOIN article_problems p ON p.article_id = a.id ORDER BY a.guid"
        ) as cur:
            found = await cur.fetchall()
    assert [(guid, published, flagged) for guid, published, _, flagged in found] == [
        ("a", "2026-12-01T05:00:54.000Z", 0),
        ("b", "2026-12-01T02:00:54.000Z", 0),
        ("c", "2025-12-01T05:00:54.000Z", 0),
        ("d", "Tue, 01 Dec 2026 05:00:54 GMT", 1),
    ]
    assert {guid: updated for guid, _, updated, _ in found} == before  # no content changed
