"""`[storage]`: a SQLite file or a PostgreSQL URL, the password never shown, failures one line.

The config forms are checked through the loader; what an operator sees through the real CLI
(`check-config` in-process, `run` and `publish` as real `newsdesk` processes against the fake
Bot API), with everything written searched for the password.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from bot.config import load_settings, secrets
from bot.domain.errors import ConfigError
from bot.logs import setup_logging
from sandbox.fakeapi import FakeTelegram
from tests import processes
from tests.pgstore import PgServer
from tests.support import CHANNEL_ID, REALISTIC_TOKEN

PASSWORD = "s3cret-Pa55"
ENV_PASSWORD = "from env/with@odd:chars"


def write(tmp_path: Path, storage: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[telegram]\ntoken = "123456:ABC-def_ghi"\nchannel = "@example_news"\n'
        f"admins = [111]\n[storage]\n{storage}\n",
        encoding="utf-8",
    )
    return path


def problems(tmp_path: Path, storage: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, storage))
    return caught.value.problems


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the forms of [storage] -------------------------------------------------------------------


def test_no_url_is_the_sqlite_file_at_path(tmp_path: Path) -> None:
    storage = load_settings(write(tmp_path, 'path = "data/news.sqlite3"')).storage
    assert storage.url is None and storage.postgres_dsn() is None
    assert storage.path == tmp_path / "data" / "news.sqlite3"
    assert storage.where == str(tmp_path / "data" / "news.sqlite3")
    assert storage.pool_size == 10


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///data/news.sqlite3", "data/news.sqlite3"),  # relative to the config
        ("sqlite:////var/lib/newsdesk/news.sqlite3", "/var/lib/newsdesk/news.sqlite3"),
    ],
)
def test_a_sqlite_url_names_the_same_file_as_path(tmp_path: Path, url: str, expected: str) -> None:
    storage = load_settings(write(tmp_path, f'url = "{url}"')).storage
    assert storage.url is None
    assert storage.path == tmp_path / expected  # an absolute path stays itself


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://newsdesk@db.example:5432/newsdesk",
        "postgres://newsdesk@db.example/newsdesk",
        "postgresql:///newsdesk?host=/var/run/postgresql",  # the local socket
        "postgresql://newsdesk@db.example:5432/newsdesk?sslmode=verify-full",
    ],
)
def test_postgresql_urls_are_taken_as_written(tmp_path: Path, url: str) -> None:
    storage = load_settings(write(tmp_path, f'url = "{url}"\npool_size = 3')).storage
    assert storage.postgres_dsn() == url  # sslmode and the rest go to the driver unchanged
    assert storage.where == url  # no password: nothing to hide
    assert storage.password is None
    assert storage.pool_size == 3


def test_the_password_in_the_url_is_hidden_wherever_it_is_shown(tmp_path: Path) -> None:
    url = f"postgresql://newsdesk:{PASSWORD}@db.example:5432/newsdesk?sslmode=require"
    storage = load_settings(write(tmp_path, f'url = "{url}"')).storage
    assert storage.password == PASSWORD
    assert storage.postgres_dsn() == url
    assert storage.where == "postgresql://newsdesk:***@db.example:5432/newsdesk?sslmode=require"
    assert PASSWORD not in repr(storage)


def test_the_password_from_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_DATABASE_PASSWORD", ENV_PASSWORD)
    url = "postgresql://newsdesk:in-the-file@db.example/newsdesk?sslmode=require"
    storage = load_settings(write(tmp_path, f'url = "{url}"')).storage
    assert storage.password == ENV_PASSWORD
    assert storage.postgres_dsn() == (
        "postgresql://newsdesk:from%20env%2Fwith%40odd%3Achars@db.example/newsdesk?sslmode=require"
    )
    assert storage.where == "postgresql://newsdesk:***@db.example/newsdesk?sslmode=require"


def test_the_password_from_the_environment_is_ignored_for_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_DATABASE_PASSWORD", ENV_PASSWORD)
    storage = load_settings(write(tmp_path, 'path = "news.sqlite3"')).storage
    assert storage.postgres_dsn() is None and storage.password is None


def test_path_and_url_together_is_one_error_naming_both(tmp_path: Path) -> None:
    found = problems(tmp_path, f'path = "a.sqlite3"\nurl = "postgresql://u:{PASSWORD}@h/db"')
    assert len(found) == 1
    assert "storage.path and storage.url are both given: keep one" in found[0]
    assert PASSWORD not in found[0]


@pytest.mark.parametrize(
    ("storage", "expected"),
    [
        (f'url = "mysql://u:{PASSWORD}@h/db"', "expected postgresql://user@host:port/database"),
        (f'url = "postgresql://u:{PASSWORD}@h:port/db"', "not a URL"),
        ('url = "postgresql://u@h/db?sslmode=always"', "sslmode must be one of disable, "),
        ('url = "sqlite://"', "a SQLite URL has three slashes"),
        ('url = "sqlite:///"', "a SQLite URL has three slashes"),
        ("url = 5", "expected a string in quotes"),
        ("pool_size = 0", "greater than or equal to 1"),
        ('pool_size = "10"', "expected a whole number"),
    ],
)
def test_bad_storage_values_are_named(tmp_path: Path, storage: str, expected: str) -> None:
    found = problems(tmp_path, storage)
    assert len(found) == 1, found
    assert found[0].startswith("storage"), found
    assert expected in found[0], found
    assert PASSWORD not in found[0]


# --- what an operator sees ----------------------------------------------------------------------


def test_check_config_shows_the_url_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_DATABASE_PASSWORD", ENV_PASSWORD)
    url = f"postgresql://newsdesk:{PASSWORD}@db.example:5432/newsdesk?sslmode=require"
    assert main(["--config", str(write(tmp_path, f'url = "{url}"')), "check-config"]) == 0
    out = capsys.readouterr().out
    assert (
        "storage.url             postgresql://newsdesk:***@db.example:5432/newsdesk"
        "?sslmode=require (PostgreSQL, pool of 10)"
    ) in out
    assert PASSWORD not in out and "from env" not in out and "%40odd" not in out


def test_logs_never_carry_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_DATABASE_PASSWORD", ENV_PASSWORD)
    settings = load_settings(write(tmp_path, 'url = "postgresql://newsdesk@db.example/nd"'))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    setup_logging("DEBUG", *secrets(settings))
    try:
        log = logging.getLogger("tests.storage_config")
        log.warning("connecting to %s", settings.storage.postgres_dsn())
        log.warning("the server said: password %r was wrong", ENV_PASSWORD)
        log.warning("someone else's URL: %s", "postgresql://x:short@h/db")
    finally:
        root.handlers[:], root.level = handlers, level
    err = capsys.readouterr().err
    assert "connecting to postgresql://newsdesk:***@db.example/nd" in err
    assert "someone else's URL: postgresql://x:***@h/db" in err
    assert ENV_PASSWORD not in err and "from%20env" not in err and "short" not in err


@pytest.fixture
def accepting() -> Iterator[FakeTelegram]:
    """The fake Bot API accepting the processes' token, with the site's channel."""
    api = FakeTelegram(token=REALISTIC_TOKEN).start()
    api.add_channel(username=processes.CHANNEL.removeprefix("@"), chat_id=CHANNEL_ID)
    yield api
    api.stop()


def process_config(tmp_path: Path, api: FakeTelegram, storage: str) -> Path:
    return processes.write_config(
        tmp_path, api.base_url, "enabled = true", token=REALISTIC_TOKEN, storage=storage
    )


def one_error_line(bot: processes.BotProcess) -> str:
    lines = [ln for ln in bot.stderr.read_text().splitlines() if ln.startswith("newsdesk: ")]
    assert len(lines) == 1, bot.output()
    return lines[0]


@pytest.mark.parametrize("command", ["run", "publish"])
@pytest.mark.parametrize("password_from", ["url", "env"])
async def test_unreachable_postgresql_is_one_line_exit_2(
    tmp_path: Path, accepting: FakeTelegram, command: str, password_from: str
) -> None:
    port = closed_port()
    userinfo = f"newsdesk:{PASSWORD}" if password_from == "url" else "newsdesk"
    storage = f'url = "postgresql://{userinfo}@127.0.0.1:{port}/newsdesk"'
    env = {"NEWSDESK_DATABASE_PASSWORD": PASSWORD} if password_from == "env" else {}
    path = process_config(tmp_path, accepting, storage)
    async with processes.newsdesk(
        tmp_path, path, "--log-level", "DEBUG", command, name="bot", env=env
    ) as bot:
        code = await bot.exit_code()
    assert code == 2, bot.output()
    assert one_error_line(bot) == (
        f"newsdesk: cannot use the PostgreSQL store at postgresql://newsdesk:***@127.0.0.1:"
        f"{port}/newsdesk: connection refused — check storage.url (and "
        "$NEWSDESK_DATABASE_PASSWORD), and that the server runs and accepts this user"
    )
    assert PASSWORD not in bot.output()
    assert "Traceback" not in bot.output()


async def _admin(server: PgServer, statement: str) -> object:
    conn = await asyncpg.connect(server.url, timeout=5)
    try:
        return await conn.fetchval(statement)
    finally:
        await conn.close()


@pytest.fixture
def empty_database(pg_server: PgServer) -> Iterator[str]:
    """A database with no tables at all (not the migrated template): its URL."""
    name = f"nd_empty_{closed_port()}"
    asyncio.run(_admin(pg_server, f'CREATE DATABASE "{name}"'))
    yield pg_server.url_for(name)
    asyncio.run(_admin(pg_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def test_run_on_postgresql_migrates_posts_and_stops_cleanly(
    tmp_path: Path, accepting: FakeTelegram, empty_database: str
) -> None:
    """An operator's first run on an empty database: schema built, story posted, lease left."""
    path = process_config(tmp_path, accepting, f'url = "{empty_database}"')
    story = tmp_path / "story.jsonl"
    story.write_text(
        '{"guid": "pg-1", "url": "https://news.example/pg-1", "title": "Dam holds"}',
        encoding="utf-8",
    )
    async with processes.newsdesk(tmp_path, path, "import", str(story), name="import") as setup:
        assert await setup.exit_code() == 0, setup.output()
    async with processes.newsdesk(tmp_path, path, "run", name="bot") as bot:
        await bot.wait_until(
            lambda: [c for c in accepting.calls_of("sendMessage") if c.ok] or None,
            "the story's channel post",
        )
        bot.proc.send_signal(signal.SIGTERM)
        code = await bot.exit_code()
    assert code == 0, bot.output()
    posts = [c.params["text"] for c in accepting.calls_of("sendMessage") if c.ok]
    assert len(posts) == 1 and "Dam holds" in posts[0]
    conn = await asyncpg.connect(empty_database, timeout=5)
    try:
        assert await conn.fetchval("SELECT state FROM deliveries") == "posted"
        assert await conn.fetchval("SELECT count(*) FROM instance_lease") == 0  # released
    finally:
        await conn.close()
    assert "Traceback" not in bot.output()


def test_report_on_an_unreachable_postgresql_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    config = write(tmp_path, f'url = "postgresql://newsdesk:{PASSWORD}@127.0.0.1:{port}/newsdesk"')
    assert main(["--config", str(config), "report"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsdesk: cannot use the PostgreSQL store at "), err
    assert f"postgresql://newsdesk:***@127.0.0.1:{port}/newsdesk" in err
    assert PASSWORD not in err
    assert "Traceback" not in err
