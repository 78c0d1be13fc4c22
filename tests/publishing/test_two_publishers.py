"""Two real `newsdesk` processes publishing from one PostgreSQL while an editor pushes news.

`newsdesk run` drains a backlog; two `newsdesk publish` passes start beside it on the same
database; meanwhile an editor pushes three of the backlog's articles, and one of their own, as
breaking news through the running bot, with readers opted in to alerts. Nothing coordinates the
processes but the store's claims, so every article must appear in the channel exactly once
(a breaking one as its breaking post only), and each reader get each alert once.
"""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from sandbox.fakeapi import FakeTelegram
from tests import processes
from tests.processes import BotProcess, newsdesk
from tests.support import ADMIN_ID, CHANNEL_ID

BACKLOG = 60
# Pushed as breaking news: the backlog's newest, so the previews (which hold them) come
# before the routine queue reaches them, and the routine passes must then leave them alone.
PUSHED = (BACKLOG - 4, BACKLOG - 2, BACKLOG - 1)
READERS = tuple(range(7001, 7006))
OWN_STORY = "Bridge closed after a barge strike"


def backlog(tmp_path: Path) -> Path:
    """Sixty stories of the last hour and more, oldest first (story 1 is due first)."""
    start = datetime.now(UTC) - timedelta(minutes=BACKLOG + 10)
    lines = [
        json.dumps(
            {
                "guid": f"two-{n:02d}",
                "url": f"https://news.example/two-{n:02d}",
                "title": f"Story {n:02d} of the day",
                "published_at": (start + timedelta(minutes=n)).isoformat(),
            }
        )
        for n in range(1, BACKLOG + 1)
    ]
    path = tmp_path / "backlog.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def channel_posts(fake: FakeTelegram) -> list[str]:
    return [m.text or m.caption or "" for m in fake.messages(CHANNEL_ID) if not m.deleted]


def preview_of(fake: FakeTelegram, words: str) -> tuple[int, str] | None:
    """The editor's preview showing `words`: its message id and its Publish button."""
    for call in fake.calls_of("sendMessage"):
        if not call.ok or call.params.get("chat_id") != ADMIN_ID:
            continue
        if words not in call.params.get("text", ""):
            continue
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
        buttons = [b.get("callback_data", "") for row in rows for b in row]
        publish = [data for data in buttons if data.startswith("brk:pub:")]
        if publish:
            return int(call.result_or_error["message_id"]), publish[0]
    return None


async def shown_preview(bot: BotProcess, fake: FakeTelegram, words: str) -> tuple[int, str]:
    """Wait for the editor's preview showing `words`."""
    return await bot.wait_until(lambda: preview_of(fake, words), f"the preview of {words!r}")


def alerts_to(fake: FakeTelegram, reader: int, titles: list[str]) -> list[str]:
    """The breaking alerts a reader received: the bot's messages naming a pushed story."""
    return [
        text
        for m in fake.messages(reader)
        if m.from_bot and any(title in (text := m.text or m.caption or "") for title in titles)
    ]


async def test_two_publishers_and_breaking_pushes_post_every_article_once(
    tmp_path: Path, fake: FakeTelegram, pg_database: str
) -> None:
    config = processes.write_config(
        tmp_path,
        fake.base_url,
        "enabled = true\ninterval_seconds = 1\nmax_posts_per_minute = 240",
        storage=f'url = "{pg_database}"',
    )
    async with newsdesk(tmp_path, config, "import", str(backlog(tmp_path)), name="imp") as imp:
        assert await imp.exit_code() == 0, imp.output()
    ids = await article_ids(pg_database)
    editor = fake.user(ADMIN_ID, "Editor")
    async with newsdesk(tmp_path, config, "run", name="run") as bot:
        await bot.wait_until(lambda: fake.long_polls_waiting > 0, "getUpdates long poll")
        for reader in READERS:
            fake.send_text(fake.user(reader, f"Reader {reader}"), "/alerts on")
        for n in PUSHED:
            fake.send_text(editor, f"/breaking {ids[n]}")
        fake.send_text(editor, f"/breaking {OWN_STORY}")
        wanted = [f"Story {n:02d} of the day" for n in PUSHED] + [OWN_STORY]
        previews = [await shown_preview(bot, fake, words) for words in wanted]
        async with (
            newsdesk(tmp_path, config, "publish", name="pub1") as pub1,
            newsdesk(tmp_path, config, "publish", name="pub2") as pub2,
        ):
            for message_id, publish in previews:  # pressed while three processes publish
                fake.press_button(editor, ADMIN_ID, message_id, publish)
            codes = [await pub1.exit_code(), await pub2.exit_code()]
        assert codes == [0, 0], pub1.output() + pub2.output()
        for pub in (pub1, pub2):  # each pass really published beside the bot
            assert int(pub.stdout.read_text().split()[1].rstrip(",")) >= 1, pub.output()
        await bot.wait_until(
            lambda: len(channel_posts(fake)) >= BACKLOG + 1 or None, "every article posted"
        )
        await bot.wait_until(
            lambda: all(len(alerts_to(fake, r, wanted)) >= len(wanted) for r in READERS) or None,
            "every reader's alerts",
        )
        bot.proc.send_signal(signal.SIGTERM)
        assert await bot.exit_code() == 0, bot.output()

    posts = channel_posts(fake)
    for n in range(1, BACKLOG + 1):
        showing = [p for p in posts if f"Story {n:02d} of the day" in p]
        assert len(showing) == 1, (n, showing)
        assert showing[0].startswith("🔴 BREAKING") == (n in PUSHED), showing[0]
    assert len([p for p in posts if OWN_STORY in p]) == 1
    assert len(posts) == BACKLOG + 1
    await assert_store_agrees(pg_database, fake, pushed=len(wanted))
    for reader in READERS:  # one alert per push, none twice
        received = alerts_to(fake, reader, wanted)
        assert len(received) == len(set(received)) == len(wanted), received
    for process in (bot, pub1, pub2):
        assert_clean(process)


async def article_ids(url: str) -> dict[int, int]:
    """Story number → article id, as the import stored them."""
    conn = await asyncpg.connect(url, timeout=5)
    try:
        rows = await conn.fetch("SELECT id, guid FROM articles")
    finally:
        await conn.close()
    return {int(str(guid).removeprefix("two-")): int(id_) for id_, guid in rows}


async def assert_store_agrees(url: str, fake: FakeTelegram, *, pushed: int) -> None:
    """Every delivery is posted, naming the channel message that shows its article."""
    conn = await asyncpg.connect(url, timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT d.state, d.message_id, a.title FROM deliveries d "
            "JOIN articles a ON a.id = d.article_id"
        )
        breaking = await conn.fetchval("SELECT count(*) FROM breaking_posts")
        superseded = await conn.fetchval("SELECT count(*) FROM superseded_posts")
    finally:
        await conn.close()
    assert len(rows) == BACKLOG + 1
    assert {row[0] for row in rows} == {"posted"}
    for _state, message_id, title in rows:
        message = fake.message(CHANNEL_ID, int(message_id))
        assert message is not None and title in (message.text or message.caption or "")
    assert breaking == pushed
    assert superseded == 0  # no breaking push replaced a routine post


def assert_clean(process: BotProcess) -> None:
    output = process.output()
    assert "Traceback" not in output, output
    assert " ERROR " not in output, output
