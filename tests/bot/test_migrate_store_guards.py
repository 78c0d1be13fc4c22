"""What `migrate-store` and the bot refuse: copying a desk whose bot runs, running on half a copy.

A copy taken while the desk's bot still posts would miss what it posts afterwards, so the
command refuses while the SQLite store's instance lease has a live holder (its process alive on
this host, or its heartbeat within storage.lease_ttl_seconds) — and copies once it is dead. A
PostgreSQL database a copy began and did not finish holds only part of the desk, so every
command that opens it as its store refuses, telling the operator to run the copy again.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from bot.clock import utc_now
from sandbox.fakeapi import FakeTelegram
from storage import copy
from storage.articles import to_db_time
from tests import processes
from tests.bot.test_migrate_store import ARTICLES, build_desk, config, run
from tests.processes import newsdesk
from tests.support import TOKEN


async def target_rows(url: str) -> dict[str, int]:
    """Each table of the target that holds rows, with its count (the copy's marker included)."""
    conn = await asyncpg.connect(url)
    try:
        counts = {
            name: await conn.fetchval(f"SELECT count(*) FROM {name}") for name in copy.TABLES
        }
    finally:
        await conn.close()
    return {name: count for name, count in counts.items() if count}


def error_line(bot: processes.BotProcess) -> str:
    """The one `newsdesk: …` line the process printed."""
    lines = [ln for ln in bot.stderr.read_text().splitlines() if ln.startswith("newsdesk: ")]
    assert len(lines) == 1, bot.output()
    return lines[0]


async def test_the_copy_is_refused_while_the_bot_runs_and_goes_ahead_once_it_died(
    fake: FakeTelegram, tmp_path: Path, pg_database: str
) -> None:
    desk = tmp_path / "desk.sqlite3"
    await build_desk(desk)
    bot_config = processes.write_config(
        tmp_path, fake.base_url, "enabled = false", storage=f'path = "{desk}"', name="bot.toml"
    )
    copy_config = config(tmp_path)  # the same desk; its Bot API is never called
    async with newsdesk(tmp_path, bot_config, "run", name="bot") as bot:
        await bot.wait_until(lambda: fake.long_polls_waiting > 0, "getUpdates long poll")
        async with newsdesk(
            tmp_path, copy_config, "migrate-store", "--to", pg_database, name="copy"
        ) as copying:
            code = await copying.exit_code()
        assert code == 2, copying.output()
        assert copying.stdout.read_text() == ""
        line = error_line(copying)
        assert line.startswith(f"newsdesk: a newsdesk (pid {bot.proc.pid} on "), (
            line
        )  # names the live holder
        assert f"is running the bot on the SQLite store at {desk}" in line
        assert "stop it first" in line and "Nothing was copied" in line
        assert "Traceback" not in copying.output()
        assert await target_rows(pg_database) == {}  # not a row, not even the copy's marker
        assert bot.proc.returncode is None  # the bot was left alone
        # Killed, it cannot release its lease: the row stays, naming a process that is gone.
        bot.proc.send_signal(signal.SIGKILL)
        assert await bot.exit_code() == -signal.SIGKILL
    with sqlite3.connect(desk) as conn:
        assert conn.execute("SELECT pid FROM instance_lease").fetchall() == [(bot.proc.pid,)]

    async with newsdesk(
        tmp_path, copy_config, "migrate-store", "--to", pg_database, name="again"
    ) as copying:
        code = await copying.exit_code()
    assert code == 0, copying.output()
    assert "the desk is copied to" in copying.stdout.read_text()
    assert (await target_rows(pg_database))["favorites"] > 0


@pytest.mark.parametrize(
    ("heartbeat_age", "refused"),
    [(timedelta(seconds=5), True), (timedelta(seconds=61), False)],
    ids=["fresh-heartbeat", "heartbeat-past-ttl"],
)
def test_a_bot_on_another_host_counts_while_its_heartbeat_is_within_the_ttl(
    tmp_path: Path,
    pg_database: str,
    capsys: pytest.CaptureFixture[str],
    heartbeat_age: timedelta,
    refused: bool,
) -> None:
    desk = tmp_path / "desk.sqlite3"
    asyncio.run(build_desk(desk))
    beat = to_db_time(utc_now() - heartbeat_age)  # storage.lease_ttl_seconds: 60 by default
    with sqlite3.connect(desk) as conn:
        conn.execute(
            "INSERT INTO instance_lease (name, holder, hostname, pid, acquired_at, heartbeat_at) "
            "VALUES ('bot', 'other', 'elsewhere.example', 4242, ?, ?)",
            (beat, beat),
        )

    code, out, err = run(tmp_path, "--to", pg_database, capsys=capsys)

    if refused:
        assert (code, out) == (2, "")
        assert err.startswith("newsdesk: a newsdesk (pid 4242 on elsewhere.example) is running")
        assert err.count("\n") == 1
        assert asyncio.run(target_rows(pg_database)) == {}
    else:
        assert (code, err) == (0, "")
        assert "the desk is copied to" in out


async def half_copy(desk: Path, url: str, tables: int) -> None:
    """What a migrate-store killed after `tables` whole tables leaves in the target.

    Made by the command's own steps (start, then whole tables, each recorded done), as the
    interrupted copy in tests/bot/test_migrate_store.py shows a killed run leaves it.
    """
    source = await copy.open_source(desk)
    target = await asyncpg.connect(url)
    try:
        found = await copy.tables(source, target)
        await copy.start(target, str(desk), empty_first=False)
        done = copy.Progress(str(desk), ())
        for table in found[:tables]:
            await copy.copy_table(source, target, table, done, chunk_size=1_000)
            done = copy.Progress(str(desk), (*done.done, table.name))
    finally:
        await target.close()
        await source.close()


def test_no_command_runs_on_a_database_a_copy_left_unfinished(
    fake: FakeTelegram, tmp_path: Path, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = tmp_path / "desk.sqlite3"
    asyncio.run(build_desk(desk))
    asyncio.run(half_copy(desk, pg_database, tables=3))
    pg_config = processes.write_config(
        tmp_path, fake.base_url, "enabled = true", storage=f'url = "{pg_database}"', name="pg.toml"
    )
    refusal = (
        f"newsdesk: migrate-store to this database did not finish; run it again (it resumes): "
        f"newsdesk migrate-store --to {pg_database} — the copy from {desk} has 3 of "
        f"{len(copy.TABLES)} tables; until it ends, this database holds only part of the desk"
    )  # the test server's URL has no password to hide

    async def run_bot() -> processes.BotProcess:
        async with newsdesk(tmp_path, pg_config, "run", name="bot") as bot:
            assert await bot.exit_code() == 2, bot.output()
        return bot

    bot = asyncio.run(run_bot())
    assert error_line(bot) == refusal
    assert "Traceback" not in bot.output() and TOKEN not in bot.output()
    assert fake.calls_of("sendMessage") == []
    # A one-shot command opens the store the same way (in-process here), and refuses alike.
    story = tmp_path / "story.jsonl"
    story.write_text('{"guid": "s-1", "url": "https://news.example/s-1", "title": "Dam holds"}')
    assert main(["--config", str(pg_config), "import", str(story)]) == 2
    assert capsys.readouterr().err == refusal + "\n"

    # Run again, the copy finishes; then the store is the desk's, and commands run on it.
    code, out, err = run(tmp_path, "--to", pg_database, capsys=capsys)
    assert (code, err) == (0, "")
    assert "resuming the copy" in out
    assert main(["--config", str(pg_config), "import", str(story)]) == 0, capsys.readouterr()
    assert asyncio.run(target_rows(pg_database))["articles"] == ARTICLES + 2  # + the site's
