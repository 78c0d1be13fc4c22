"""PostgreSQL migrations: the baseline, the runner's contract, and the same schema as SQLite's."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from bot.domain.errors import SchemaTooNewError
from storage.migrate import available_migrations, migrate
from storage.migrate_pg import MIGRATION_LOCK, migrate_pg, schema_version_pg

NEWEST_PG = available_migrations("postgres")[-1].version
# PostgreSQL-only bookkeeping: the runner's version table, and what stands in for rowid/FTS5.
PG_ONLY_TABLES = {"schema_version"}
PG_ONLY_COLUMNS = {("deliveries", "seq"), ("breaking_posts", "seq"), ("articles", "search_vector")}


async def test_sqlite_and_postgresql_end_at_the_same_version() -> None:
    assert available_migrations("sqlite")[-1].version == NEWEST_PG
    assert available_migrations("postgres")[0].version == 15  # the baseline


async def test_baseline_applies_on_an_empty_database(fresh_pg: str) -> None:
    conn = await asyncpg.connect(fresh_pg)
    try:
        assert await schema_version_pg(conn) == 0
        assert await migrate_pg(conn) == NEWEST_PG
        assert await schema_version_pg(conn) == NEWEST_PG
        await conn.execute("INSERT INTO articles (guid, title) VALUES ('g', 'Kept')")
        assert await migrate_pg(conn) == NEWEST_PG  # a second run has nothing to do
        assert await conn.fetchval("SELECT title FROM articles") == "Kept"
        assert await conn.fetchval("SELECT count(*) FROM schema_version") == 1
    finally:
        await conn.close()


async def test_two_workers_starting_at_once_migrate_once(fresh_pg: str) -> None:
    first, second = await asyncpg.connect(fresh_pg), await asyncpg.connect(fresh_pg)
    try:
        # Applied twice, the baseline's CREATE TABLE would fail; each waits on the lock instead.
        assert await asyncio.gather(migrate_pg(first), migrate_pg(second)) == [NEWEST_PG] * 2
        assert await first.fetchval("SELECT version FROM schema_version") == NEWEST_PG
    finally:
        await first.close()
        await second.close()


async def test_a_database_newer_than_the_code_is_refused(fresh_pg: str) -> None:
    conn = await asyncpg.connect(fresh_pg)
    other = await asyncpg.connect(fresh_pg)
    try:
        await migrate_pg(conn)
        await conn.execute("UPDATE schema_version SET version = 999")
        with pytest.raises(SchemaTooNewError, match="schema version 999 but this newsdesk"):
            await migrate_pg(conn)
        # The refusal let the lock go: another worker is not left waiting for ever.
        assert await other.fetchval("SELECT pg_try_advisory_lock($1)", MIGRATION_LOCK)
    finally:
        await conn.close()
        await other.close()


async def test_a_failed_migration_leaves_the_previous_version(fresh_pg: str) -> None:
    conn = await asyncpg.connect(fresh_pg)
    try:
        await conn.execute("CREATE TABLE deliveries (x integer)")  # in the baseline's way
        with pytest.raises(asyncpg.DuplicateTableError):
            await migrate_pg(conn)
        assert await schema_version_pg(conn) == 0
        assert await conn.fetchval("SELECT to_regclass('articles')") is None  # nothing half-done
    finally:
        await conn.close()


async def sqlite_schema(path: Path) -> dict[str, list[tuple[str, bool, bool]]]:
    """SQLite's tables at the newest version: (column, NOT NULL, in the primary key), in order.

    A primary-key column counts as NOT NULL, as PostgreSQL makes it (and as newsdesk uses it).
    """
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await migrate(conn)
    with sqlite3.connect(path) as conn:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("sqlite_", "articles_fts"))  # FTS5 and its shadow tables
        ]
        return {
            table: [
                (name, bool(notnull) or pk > 0, pk > 0)
                for _, name, _, notnull, _, pk in conn.execute(f"PRAGMA table_info({table})")
            ]
            for table in tables
        }


async def pg_schema(url: str) -> dict[str, list[tuple[str, bool, bool]]]:
    """The same view of PostgreSQL's tables, leaving out what only PostgreSQL needs."""
    conn = await asyncpg.connect(url)
    try:
        await migrate_pg(conn)
        rows = await conn.fetch(
            "SELECT c.table_name, c.column_name, c.is_nullable = 'NO', k.column_name IS NOT NULL "
            "FROM information_schema.columns c "
            "LEFT JOIN information_schema.table_constraints t ON t.table_schema = c.table_schema "
            "  AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY' "
            "LEFT JOIN information_schema.key_column_usage k "
            "  ON k.constraint_name = t.constraint_name AND k.table_schema = c.table_schema "
            "  AND k.column_name = c.column_name "
            "WHERE c.table_schema = 'public' ORDER BY c.table_name, c.ordinal_position"
        )
    finally:
        await conn.close()
    schema: dict[str, list[tuple[str, bool, bool]]] = {}
    for table, column, notnull, pk in rows:
        if table not in PG_ONLY_TABLES and (table, column) not in PG_ONLY_COLUMNS:
            schema.setdefault(table, []).append((column, notnull, pk))
    return schema


async def test_both_engines_have_the_same_tables_and_columns(
    fresh_pg: str, tmp_path: Path
) -> None:
    """Names, order, NOT NULL and primary keys agree; types may differ (bigint for INTEGER)."""
    sqlite_tables = await sqlite_schema(tmp_path / "reference.sqlite3")
    pg_tables = await pg_schema(fresh_pg)
    assert sorted(pg_tables) == sorted(sqlite_tables)
    for table, columns in sqlite_tables.items():
        assert pg_tables[table] == columns, table


def predicate(sql: str | None) -> str:
    """A partial index's WHERE as both engines would agree on it: no casts, no parentheses."""
    if sql is None:
        return ""
    sql = re.sub(r"::\w+", "", sql).replace("(", " ").replace(")", " ")
    return " ".join(sql.lower().split())


async def test_both_engines_have_the_same_indexes(fresh_pg: str, tmp_path: Path) -> None:
    """Every named index: the same columns, and the same condition where it is partial."""
    path = tmp_path / "reference.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await migrate(conn)
    with sqlite3.connect(path) as conn:
        sqlite_indexes = {
            name: (
                [column for _, _, column in conn.execute(f"PRAGMA index_info({name})")],
                predicate(sql.split(" WHERE ", 1)[1] if " WHERE " in sql else None),
            )
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
    pg = await asyncpg.connect(fresh_pg)
    try:
        await migrate_pg(pg)
        rows = await pg.fetch(
            "SELECT i.relname, array_agg(a.attname ORDER BY k.n), "
            "pg_get_expr(x.indpred, x.indrelid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "CROSS JOIN unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum "
            "WHERE i.relnamespace = 'public'::regnamespace AND NOT x.indisunique "
            "AND i.relname <> 'articles_search' "  # the GIN index over search_vector: FTS5's role
            "GROUP BY i.relname, x.indpred, x.indrelid"
        )
    finally:
        await pg.close()
    pg_indexes = {name: (list(columns), predicate(where)) for name, columns, where in rows}
    assert pg_indexes == sqlite_indexes
