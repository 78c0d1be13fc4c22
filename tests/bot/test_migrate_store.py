"""`newsdesk migrate-store`: a real SQLite desk copied into a real PostgreSQL database.

The desk is made by the bot's own repositories (plus the site's direct writes), with rows in
every table a desk has; each test gets a PostgreSQL database of its own (tests/pgstore.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.domain.alerts import Outcome
from bot.domain.articles import ArticleDraft
from bot.domain.sources import SourceState
from bot.domain.subscribers import Sighting
from storage import copy
from storage.alerts import AlertRepository
from storage.articles import ArticleRepository
from storage.audit import AuditRepository, HeldCommandRepository
from storage.breaking import BreakingPostRepository, PreviewRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository
from storage.favorites import FavoriteRepository
from storage.insight import InsightRepository
from storage.insight_sends import InsightSendRepository
from storage.sources import SourceStateRepository
from storage.state import StateRepository
from storage.users import UserRepository
from tests.processes import ROOT
from tests.support import TOKEN

NOW = datetime(2026, 3, 1, 9, 30, 15, 123000, tzinfo=UTC)
ARABIC = "عاجل: انقطاع الكهرباء في بيروت — «تحديث»"
USERS = 120
POSTED = 10  # favorites are kept for articles that were posted
ARTICLES = 30


async def build_desk(path: Path, *, favorites_per_user: int = 5) -> None:
    """A desk with rows in every table, written as the bot writes them."""
    db = await Database.open(path)
    try:
        async with db.write() as conn:
            articles = ArticleRepository(conn)
            ids = []
            for n in range(ARTICLES):
                draft = ArticleDraft(
                    guid=f"https://example.com/{n}",
                    url=f"https://example.com/{n}",
                    title=ARABIC if n % 3 == 0 else f"Story {n}",
                    summary=f"ملخص {n}" if n % 2 else None,
                    body="Body text\nwith lines",
                    category="local" if n % 2 else "world",
                    published_at=NOW - timedelta(hours=n, milliseconds=n),
                    language="ar" if n % 3 == 0 else "en",
                    is_breaking=n == 1,
                    date_only=n == 2,
                    hold_reason="advert" if n == 3 else None,
                )
                ids.append(
                    (await articles.upsert(draft, now=NOW - timedelta(minutes=n))).article.id
                )
            deliveries = DeliveryRepository(conn)
            for n, article_id in enumerate(ids[:20]):
                for channel in ("@main", "@second") if n % 4 == 0 else ("@main",):
                    await deliveries.ensure(article_id, channel=channel, now=NOW)
            for n, article_id in enumerate(ids[:POSTED]):
                await deliveries.claim(article_id, channel="@main", now=NOW)
                await deliveries.mark_posted(
                    article_id,
                    channel="@main",
                    chat_id="-100123",
                    message_id=70 + n,
                    has_photo=n == 0,
                    content_hash=f"h{n}",
                    now=NOW,
                )
            users = UserRepository(conn)
            await users.record_seen(
                Sighting(1000 + n, "ar" if n % 2 else "en", NOW, reachable=True)
                for n in range(USERS)
            )
            for n in range(0, USERS, 2):
                await users.set_alerts(1000 + n, True, now=NOW)
            await users.set_language(1001, "ar", now=NOW)
            pairs = [
                (1000 + u, ids[(u + k) % POSTED])
                for u in range(USERS)
                for k in range(favorites_per_user)
            ]
            await FavoriteRepository(conn).save_pairs(pairs, now=NOW)
            alerts = AlertRepository(conn)
            alert_id = await alerts.create(ids[1], post_url="https://t.me/main/77", now=NOW)
            claimed = await alerts.claim(alert_id, 3, now=NOW)
            await alerts.record(alert_id, [Outcome(r.user_id, "sent") for r in claimed], now=NOW)
            await SourceStateRepository(conn).save(
                SourceState(
                    name="wire",
                    etag='W/"x1"',
                    entry_count=12,
                    last_fetch_at=NOW,
                    last_success_at=NOW,
                    first_fetch_done=True,
                    last_error="timeout — مهلة",
                )
            )
            await StateRepository(conn).put(
                "paused", json.dumps({"by": 7, "why": "توقف"}), now=NOW
            )
            await AuditRepository(conn).record(
                at=NOW, actor_id=7, actor="Editor", action="/pause", target="", result="ok"
            )
            await HeldCommandRepository(conn).hold(
                actor_id=7,
                command="/breaking",
                args=ARABIC,
                photo_file_id=None,
                sent_at=NOW,
                now=NOW,
            )
            previews = PreviewRepository(conn)
            preview = await previews.create(
                actor_id=7,
                text=ARABIC,
                photo_file_id=None,
                article_id=ids[1],
                fingerprint="f1",
                now=NOW,
                channels=("@main", "@second"),
            )
            await previews.decide(preview, "published", now=NOW)
            posts = BreakingPostRepository(conn)
            for channel, message in (("@second", 90), ("@main", 91)):
                await posts.record(
                    ids[1],
                    channel=channel,
                    chat_id=channel,
                    message_id=message,
                    photo_file_id=None,
                    pinned=True,
                    unpin_at=NOW + timedelta(hours=1),
                    now=NOW,
                )
            await conn.execute(
                "INSERT INTO superseded_posts (article_id, chat_id, message_id, channel) "
                "VALUES ($1, '-100123', 55, '@main')",
                ids[0],
            )
            await InsightRepository(conn).record_reactions("@main", 77, {"👍": 5, "🔥": 2}, at=NOW)
            sends = InsightSendRepository(conn)
            await sends.claim("digest", "@main", "2026-03-01", now=NOW)
            # The site's own write, with a time no parser reads: kept and flagged.
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at) VALUES ('site-1', 'Odd', 'soon')"
            )
    finally:
        await db.close()


def config(tmp_path: Path) -> Path:
    """A config whose store is the desk's SQLite file."""
    path = tmp_path / "config.toml"
    path.write_text(
        f"""\
[telegram]
token = "{TOKEN}"
api_base_url = "http://127.0.0.1:9/bot"
channel = "@main"
admins = [7]

[storage]
path = "{tmp_path / "desk.sqlite3"}"

[site]
name = "Example News"
timezone = "UTC"
language = "en"
""",
        encoding="utf-8",
    )
    return path


def run(tmp_path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`newsdesk migrate-store ARGS` in this process: its exit code, stdout and stderr."""
    from bot.cli import main

    code = main(["--config", str(config(tmp_path)), "migrate-store", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def sqlite_rows(path: Path, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
    return sorted(rows, key=repr)


async def pg_rows(url: str, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(f"SELECT {', '.join(columns)} FROM {table}")
    finally:
        await conn.close()
    return sorted((tuple(row) for row in rows), key=repr)


def pg_columns(url: str, table: str) -> list[str]:
    async def read() -> list[str]:
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
                "AND column_name NOT IN ('search_vector', 'seq') ORDER BY ordinal_position",
                table,
            )
        finally:
            await conn.close()
        return [row[0] for row in rows]

    return asyncio.run(read())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_desk_is_copied_whole_with_equal_counts(
    tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = tmp_path / "desk.sqlite3"
    asyncio.run(build_desk(desk))
    before = digest(desk)

    code, out, err = run(tmp_path, "--to", pg_database, capsys=capsys)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert f"articles: {ARTICLES + 1} copied, counts equal" in lines
    favorites = len(sqlite_rows(desk, "favorites", ["user_id"]))
    assert f"favorites: {favorites:,} copied, counts equal" in lines
    for table in copy.TABLES:
        assert any(
            line.startswith(f"{table}: ") and line.endswith("counts equal") for line in lines
        )
    # Every row of every table, every column: times, flags, JSON text, Arabic text.
    for table in copy.TABLES:
        columns = pg_columns(pg_database, table)
        mine = sqlite_rows(desk, table, columns)
        assert mine, f"the desk has no {table} rows: the test would prove nothing"
        assert asyncio.run(pg_rows(pg_database, table, columns)) == mine, table
    assert digest(desk) == before  # the SQLite store is never changed

    async def after() -> None:
        conn = await asyncpg.connect(pg_database)
        try:
            # The site's odd time stayed as written, flagged as on SQLite (the trigger's flag
            # replaced by the source's row); the copy left no marker.
            assert (
                await conn.fetchval("SELECT published_at FROM articles WHERE guid = 'site-1'")
                == "soon"
            )
            assert (
                await conn.fetchval("SELECT count(*) FROM bot_state WHERE key = $1", copy.MARKER)
                == 0
            )
            # `seq` keeps SQLite's rowid order: the first breaking post recorded stays first.
            channels = await conn.fetch("SELECT channel FROM breaking_posts ORDER BY seq")
            assert [row[0] for row in channels] == ["@second", "@main"]
            # Identities continue after the copied ids.
            new = await conn.fetchval(
                "INSERT INTO articles (guid, title) VALUES ('new', 'New') RETURNING id"
            )
            assert (
                new == await conn.fetchval("SELECT max(id) FROM articles WHERE guid <> 'new'") + 1
            )
            audit = await conn.fetchval(
                "INSERT INTO audit_log (at, actor_id, actor, action, result) "
                "VALUES ('x', 1, 'a', 'b', 'c') RETURNING id"
            )
            assert audit == 2
        finally:
            await conn.close()

    asyncio.run(after())
    with sqlite3.connect(desk) as conn:
        order = [
            row[0] for row in conn.execute("SELECT channel FROM breaking_posts ORDER BY rowid")
        ]
    assert order == ["@second", "@main"]


def test_a_target_with_rows_is_refused_unless_forced(
    tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = tmp_path / "desk.sqlite3"
    asyncio.run(build_desk(desk))
    assert run(tmp_path, "--to", pg_database, capsys=capsys)[0] == 0

    code, out, err = run(tmp_path, "--to", pg_database, capsys=capsys)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "is not empty" in err
    assert "articles, article_problems, deliveries" in err
    assert "--force" in err

    code, out, err = run(tmp_path, "--to", pg_database, "--force", capsys=capsys)

    assert (code, err) == (0, "")
    assert f"articles: {ARTICLES + 1} copied, counts equal" in out.splitlines()
    columns = pg_columns(pg_database, "favorites")
    assert asyncio.run(pg_rows(pg_database, "favorites", columns)) == sqlite_rows(
        desk, "favorites", columns
    )


def test_an_unreachable_target_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(build_desk(tmp_path / "desk.sqlite3"))

    code, out, err = run(
        tmp_path, "--to", "postgresql://desk:s3cret-pw@127.0.0.1:1/news", capsys=capsys
    )

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "cannot reach the PostgreSQL database at postgresql://desk:***@127.0.0.1:1/news" in err
    assert "s3cret" not in err


async def marker(url: str) -> tuple[str, ...] | None:
    conn = await asyncpg.connect(url)
    try:
        value = await conn.fetchval("SELECT value FROM bot_state WHERE key = $1", copy.MARKER)
    finally:
        await conn.close()
    return None if value is None else tuple(json.loads(value)["done"])


def test_a_copy_killed_half_way_finishes_when_run_again(
    tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = tmp_path / "desk.sqlite3"
    asyncio.run(build_desk(desk, favorites_per_user=POSTED))  # 1,200 favorites, one a COPY
    cfg = config(tmp_path)

    async def kill_during_favorites() -> tuple[str, ...]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(cfg),
            "migrate-store",
            "--to",
            pg_database,
            "--chunk-size",
            "1",
            cwd=ROOT,
            env={**os.environ},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            deadline = asyncio.get_running_loop().time() + 60
            while asyncio.get_running_loop().time() < deadline:
                done = await marker(pg_database)
                if done and "users" in done:
                    proc.send_signal(signal.SIGKILL)
                    await proc.wait()
                    return done
                assert proc.returncode is None, await proc.stderr.read()  # type: ignore[union-attr]
                await asyncio.sleep(0.01)
            pytest.fail("the copy never reached favorites")
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()

    done = asyncio.run(kill_during_favorites())
    assert "favorites" not in done  # killed inside favorites' transaction: none kept
    columns = pg_columns(pg_database, "favorites")
    assert asyncio.run(pg_rows(pg_database, "favorites", columns)) == []

    code, out, err = run(tmp_path, "--to", pg_database, capsys=capsys)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert f"articles: {ARTICLES + 1} copied before, counts equal" in lines
    favorites = len(sqlite_rows(desk, "favorites", ["user_id"]))
    assert favorites > 1_000
    assert f"favorites: {favorites:,} copied, counts equal" in lines
    for table in copy.TABLES:
        columns = pg_columns(pg_database, table)
        assert asyncio.run(pg_rows(pg_database, table, columns)) == sqlite_rows(
            desk, table, columns
        ), table
    assert asyncio.run(marker(pg_database)) is None
