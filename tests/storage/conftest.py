"""A fresh, empty PostgreSQL database per test, for the tests of the PostgreSQL schema itself.

The server comes from `$NEWSDESK_TEST_DATABASE_URL`, else the local one at 127.0.0.1:5432; where
none answers, the test skips saying why. Each test creates its own database and drops it after
(`WITH (FORCE)`, so a connection a failing test left open does not keep it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import asyncpg
import pytest

PG_URL_ENV = "NEWSDESK_TEST_DATABASE_URL"
PG_DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
async def fresh_pg() -> AsyncIterator[str]:
    """The URL of a new, empty database; dropped when the test ends."""
    server = os.environ.get(PG_URL_ENV) or PG_DEFAULT_URL
    try:
        admin = await asyncpg.connect(server, timeout=2)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        where = f"{urlsplit(server).hostname}:{urlsplit(server).port or 5432}"  # no password
        pytest.skip(f"PostgreSQL: no server at {where}: {error}")
    name = f"nd_schema_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
