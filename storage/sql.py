"""The seam between repositories and the two engines: one statement API, SQLite or PostgreSQL.

A repository writes its SQL once, with PostgreSQL's numbered parameters (`$1`, `$2`, …), and
runs it through a `StoreConn`. SQLite reads `$1` as a *named* parameter, so its connection binds
the arguments by name (`{"1": a, "2": b}`): no statement is ever rewritten. Where the dialects
genuinely differ, both spellings stand side by side in one `Sql(sqlite=…, postgres=…)` constant
and the connection picks its own; there is no translator.

    rows = await conn.fetch("SELECT id FROM articles WHERE guid = $1", guid)
    changed = await conn.execute(_MARK, now, article_id)        # rows changed
    new_id = await conn.fetchval("INSERT … RETURNING id", …)     # instead of lastrowid
    async for row in conn.iterate(_POSTS, since):                # streamed, not loaded
        ...                           # (wrap it in contextlib.aclosing if you may stop early)

Rules for shared statements (each was measured, see the design for issue 15):

- `$n` only, never `?`; `CAST($1 AS text)`, never `$1::text` (SQLite reads `$1::text` as one
  parameter named "1::text"). PostgreSQL-only casts belong in the `postgres` half of an `Sql`.
- asyncpg is strict about a parameter's Python type: a text column takes a `str` (not an int),
  a boolean expression (`CASE WHEN $4`) takes a `bool`; times stay ISO 8601 text on both.
- Never a variable-length `IN ($1, …, $n)`: pass one JSON (or array) parameter instead.
- `INSERT OR IGNORE/REPLACE` become `ON CONFLICT …`; `lastrowid` becomes `RETURNING id`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Engine = Literal["sqlite", "postgres"]


class Row(Protocol):
    """One result row: a tuple on SQLite, an `asyncpg.Record` on PostgreSQL.

    Both index by position, unpack and have a length; index by position only.
    """

    def __getitem__(self, index: int, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Sql:
    """One statement whose spelling differs per engine; both stand here, side by side."""

    sqlite: str
    postgres: str


# A plain str is the same text on both engines.
Query = str | Sql


def text_for(sql: Query, engine: Engine) -> str:
    """The spelling of `sql` that `engine` runs."""
    if isinstance(sql, Sql):
        return sql.postgres if engine == "postgres" else sql.sqlite
    return sql


class StoreConn(Protocol):
    """What a repository may do with the store, the same on both engines."""

    @property
    def engine(self) -> Engine:
        """Which engine runs the statements ("sqlite" or "postgres")."""
        ...

    async def fetch(self, sql: Query, *args: object) -> list[Row]:
        """Every row the statement returns."""
        ...

    async def fetchrow(self, sql: Query, *args: object) -> Row | None:
        """The first row, or None."""
        ...

    async def fetchval(self, sql: Query, *args: object) -> Any:
        """The first column of the first row, or None."""
        ...

    async def execute(self, sql: Query, *args: object) -> int:
        """Run one statement; return how many rows it changed."""
        ...

    async def executemany(self, sql: Query, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement once per argument tuple."""
        ...

    def iterate(self, sql: Query, *args: object) -> AsyncGenerator[Row]:
        """The rows one by one, streamed rather than loaded (close it if you stop early)."""
        ...


# Called inside every write transaction, with its connection, before anything is written: the
# bot's instance lease sets one so that a process that lost the lease cannot write again.
Fence = Callable[[StoreConn], Awaitable[None]]
