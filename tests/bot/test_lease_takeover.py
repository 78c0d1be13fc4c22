"""A bot that lost its lease stops: paused past the lease's life, taken over, then resumed.

Two real `newsdesk run` processes on one store and the fake Bot API. A is paused with SIGSTOP
until its lease expires (`storage.lease_ttl_seconds`, a real setting, made short here); B
starts and takes the lease over; articles become due; A is resumed with SIGCONT. A must post
nothing and exit with code 3 and a clear line; B keeps the lease. B publishes nothing itself
(`publishing.enabled = false`), so any post in the channel could only have come from A.
"""

from __future__ import annotations

import json
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sandbox.fakeapi import FakeTelegram
from storage.articles import from_db_time
from tests import processes
from tests.processes import TOKEN, newsdesk
from tests.support import CHANNEL_ID

TTL = 2.0


def write_config(tmp_path: Path, fake: FakeTelegram, *, name: str, publishing: str) -> Path:
    return processes.write_config(
        tmp_path,
        fake.base_url,
        publishing,
        storage=f'path = "newsdesk.sqlite3"\nlease_ttl_seconds = {TTL}',
        name=name,
    )


def lease_age(db: Path) -> timedelta | None:
    """How long ago the lease's holder last showed a sign of life."""
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT heartbeat_at FROM instance_lease").fetchone()
    return None if row is None else datetime.now(UTC) - from_db_time(str(row[0]))


def lease_pid(db: Path) -> int | None:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT pid FROM instance_lease").fetchone()
    return None if row is None else int(row[0])


def channel_posts(fake: FakeTelegram) -> list[object]:
    return [
        call
        for method in ("sendMessage", "sendPhoto")
        for call in fake.calls_of(method)
        if call.params.get("chat_id") in (CHANNEL_ID, str(CHANNEL_ID), processes.CHANNEL)
    ]


async def test_resumed_bot_that_lost_its_lease_posts_nothing_and_exits_3(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    db = tmp_path / "newsdesk.sqlite3"
    config_a = write_config(
        tmp_path, fake, name="a.toml", publishing="enabled = true\ninterval_seconds = 1"
    )
    config_b = write_config(tmp_path, fake, name="b.toml", publishing="enabled = false")
    async with newsdesk(tmp_path, config_a, "run", name="a") as a:
        await a.wait_until(lambda: "newsdesk started" in a.output(), "A's start")
        a.proc.send_signal(signal.SIGSTOP)
        try:
            await a.wait_until(
                lambda: (age := lease_age(db)) is not None and age > timedelta(seconds=TTL + 0.5),
                "A's lease to expire",
            )
            async with newsdesk(tmp_path, config_b, "run", name="b") as b:
                await b.wait_until(lambda: "newsdesk started" in b.output(), "B's take-over")
                assert lease_pid(db) == b.proc.pid
                articles = tmp_path / "due.jsonl"
                now = datetime.now(UTC)
                articles.write_text(
                    "\n".join(
                        json.dumps(
                            {
                                "guid": f"due-{i}",
                                "title": f"Due story {i}",
                                "published_at": (now - timedelta(minutes=1)).isoformat(),
                            }
                        )
                        for i in range(3)
                    ),
                    encoding="utf-8",
                )
                async with newsdesk(tmp_path, config_b, "import", str(articles), name="i") as i:
                    assert await i.exit_code() == 0, i.output()

                a.proc.send_signal(signal.SIGCONT)
                code = await a.exit_code(within=10)
                output = a.output()
                assert code == 3, output
                line = next(ln for ln in output.splitlines() if ln.startswith("newsdesk: "))
                assert f"newsdesk: another newsdesk (pid {b.proc.pid} on " in line
                assert "took over the bot's lease on this database" in line
                assert "posted nothing more" in line
                assert TOKEN.split(":", 1)[1] not in output

                assert channel_posts(fake) == []  # A posted nothing after resuming
                assert b.proc.returncode is None  # B is untouched, and still holds the lease
                assert lease_pid(db) == b.proc.pid
                b.proc.send_signal(signal.SIGTERM)
                assert await b.exit_code(within=10) == 0, b.output()
        finally:
            if a.proc.returncode is None:
                a.proc.send_signal(signal.SIGCONT)  # a stopped process cannot be killed cleanly
    with sqlite3.connect(db) as conn:  # the due articles wait for the next bot, unposted
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (3,)
        posted = conn.execute("SELECT count(*) FROM deliveries WHERE state = 'posted'")
        assert posted.fetchone() == (0,)
