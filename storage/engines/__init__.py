"""The two engines behind `storage.sql.StoreConn`: SQLite (embedded) and PostgreSQL (shared).

`Connection` and `as_store` exist only for the transition described in storage/sql.py: a ported
repository accepts either a `StoreConn` or the raw aiosqlite connection unported callers still
hand it, and wraps the latter.
"""

from __future__ import annotations

import aiosqlite

from storage.engines.sqlite import SqliteConn
from storage.sql import StoreConn

# TRANSITION (issue 15): what a ported repository's constructor accepts until every caller
# passes a StoreConn; then it becomes plain `StoreConn` and `as_store` goes.
Connection = StoreConn | aiosqlite.Connection


def as_store(conn: Connection) -> StoreConn:
    """`conn` as a StoreConn: a raw aiosqlite connection is wrapped, a StoreConn kept."""
    if isinstance(conn, aiosqlite.Connection):
        return SqliteConn(conn)
    return conn
