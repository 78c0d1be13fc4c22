"""The store a test runs on: a SQLite file in `tmp_path`, or a PostgreSQL database of its own.

`store` is parametrised over both engines, so a test that takes it runs twice; the bot's
settings (`make_settings` in tests/conftest.py) take it too, so every test that runs the bot
runs on each engine. `--engines sqlite` (or `postgres`) narrows that for a quick local run. The
PostgreSQL server comes from `$NEWSDESK_TEST_DATABASE_URL`, else the local one at
127.0.0.1:5432; where none answers, the PostgreSQL half skips saying why — or fails where
`$NEWSDESK_REQUIRE_POSTGRES` is set, as .ci/run sets it. Each test gets its own database, copied
from a template the real migration runner (`storage.migrate_pg.migrate_pg`) built once and that
is reused while the migrations are unchanged (copying: ~45 ms; migrating afresh: ~140 ms).

    async def test_something(store: TestStore) -> None:
        db = await Database.open(store.settings())
        ...

or, where the test needs the store open and nothing else, `db`: it is opened on each engine in
turn and closed after the test.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.redaction import redact
from bot.storage_settings import StorageSettings
from storage.database import Database
from storage.sql import Engine

URL_ENV = "NEWSDESK_TEST_DATABASE_URL"
# Set by .ci/run: there the PostgreSQL half must run; a missing server fails, not skips.
REQUIRE_ENV = "NEWSDESK_REQUIRE_POSTGRES"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# One key for every test process building the template (xdist workers race safely on it).
_TEMPLATE_LOCK = 7236261034525143090
_numbers = itertools.count()


@dataclass(frozen=True)
class PgServer:
    """A reachable server and the template database every test database is copied from."""

    url: str  # the maintenance database (`postgres`), to create and drop others from
    template: str

    def url_for(self, database: str) -> str:
        """The server's URL naming `database` instead."""
        return urlsplit(self.url)._replace(path=f"/{database}").geturl()


@dataclass(frozen=True)
class TestStore:
    """Where one test's store is: its engine and the `[storage]` table that points at it."""

    __test__ = False  # a fixture's value, not a test class

    engine: Engine
    table: dict[str, Any]

    def settings(self) -> StorageSettings:
        """The storage settings for this store, as the config file would give them."""
        return StorageSettings.model_validate(self.table)


def _migrations_hash() -> str:
    """Eight hex digits naming the PostgreSQL schema the code would build."""
    digest = hashlib.sha256()
    root = resources.files("storage")
    sources = [root.joinpath("migrate_pg.py")]
    folder = root.joinpath("migrations_pg")
    if folder.is_dir():
        sources += sorted(folder.iterdir(), key=lambda entry: entry.name)
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:8]


async def _ensure_template(url: str, name: str) -> None:
    """Build `name` with the real migration runner unless a complete one exists already."""
    from storage.migrate_pg import migrate_pg

    admin = await asyncpg.connect(url, timeout=5)
    try:
        await admin.execute(f"SELECT pg_advisory_lock({_TEMPLATE_LOCK})")
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return
        # Built under another name and renamed when complete: a run killed half-way leaves
        # no template that looks finished.
        building = f"{name}_building"
        await admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{building}"')
        conn = await asyncpg.connect(
            urlsplit(url)._replace(path=f"/{building}").geturl(), timeout=5
        )
        try:
            await migrate_pg(conn)
        finally:
            await conn.close()
        await admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    finally:
        await admin.close()  # a session's advisory lock ends with it


def _find_server() -> PgServer | str:
    """The server with its template, or why there is none."""
    url = os.environ.get(URL_ENV) or DEFAULT_URL

    async def probe() -> str | None:
        try:
            conn = await asyncpg.connect(url, timeout=2)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            return f"{type(exc).__name__}: {exc}"
        await conn.close()
        return None

    problem = asyncio.run(probe())
    if problem is not None:
        return redact(f"PostgreSQL: no server at {url} ({problem}); set ${URL_ENV}")
    template = f"newsdesk_tmpl_{_migrations_hash()}"
    asyncio.run(_ensure_template(url, template))
    return PgServer(url, template)


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """The PostgreSQL server tests use; skips the test, saying why, when none answers."""
    found = _find_server()
    if isinstance(found, str):
        if os.environ.get(REQUIRE_ENV):  # CI has the server: a skipped half would hide a break
            pytest.fail(f"{found} — and ${REQUIRE_ENV} is set", pytrace=False)
        pytest.skip(found)
    return found


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A fresh, migrated database of this test's own (dropped afterwards): its URL."""
    name = f"nd_{os.getpid()}_{next(_numbers)}"

    async def run(statement: str) -> None:
        conn = await asyncpg.connect(pg_server.url, timeout=5)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}" TEMPLATE "{pg_server.template}"'))
    try:
        yield pg_server.url_for(name)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


ENGINES: tuple[Engine, ...] = ("sqlite", "postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--engines sqlite` runs the store-touching tests on one engine only (both by default)."""
    parser.addoption(
        "--engines",
        default=",".join(ENGINES),
        help="comma-separated engines the store-touching tests run on (default: both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes `store` (or the bot's settings) once per chosen engine.

    `@pytest.mark.sqlite_only`: a test of SQLite's own machinery (its FTS tables, its file read
    by a second connection) runs on SQLite alone; the PostgreSQL side has tests of its own."""
    if "store" not in metafunc.fixturenames:
        return
    chosen = [e.strip() for e in str(metafunc.config.getoption("engines")).split(",")]
    unknown = sorted(set(chosen) - set(ENGINES))
    if unknown:
        raise pytest.UsageError(f"--engines: unknown engine(s) {', '.join(unknown)}")
    engines = [e for e in ENGINES if e in chosen]
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        engines = [e for e in engines if e == "sqlite"]
    metafunc.parametrize("store", engines, indirect=True)


@pytest.fixture
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TestStore:
    """The test's store on each engine in turn (the PostgreSQL half skips without a server)."""
    if request.param == "sqlite":
        return TestStore("sqlite", {"path": str(tmp_path / "newsdesk.sqlite3")})
    url = request.getfixturevalue("pg_database")
    return TestStore("postgres", {"url": url})


@pytest.fixture
async def db(store: TestStore) -> AsyncIterator[Database]:
    """The test's store (`store`, each engine in turn), open; closed after the test."""
    opened = await Database.open(store.settings())
    try:
        yield opened
    finally:
        await opened.close()
