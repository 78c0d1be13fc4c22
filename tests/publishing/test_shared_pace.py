"""`newsdesk run` and a `newsdesk publish` beside it keep one channel's pace between them.

Two real processes on one store (a SQLite file, then PostgreSQL), a channel allowed 3 posts a
minute. The running bot posts a routine story, then an editor's two breaking stories (urgent:
they skip the spacing), which fills the minute's window. A `newsdesk publish` started then has
sent nothing itself, so its own pacer would post at once — a fourth post within the minute,
which Telegram answers with 429. The channel's pace in the store makes it wait instead; it is
interrupted (Ctrl-C) while waiting, and the channel never got more than 3 posts in any 60 s.
The window is Telegram's fixed minute, so the test stops the waiting pass rather than wait it out.
"""

from __future__ import annotations

import json
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sandbox.fakeapi import FakeTelegram
from sandbox.fakeapi.models import RecordedCall
from storage.database import Database
from tests import processes
from tests.pgstore import TestStore
from tests.processes import newsdesk
from tests.support import ADMIN_ID, CHANNEL, CHANNEL_ID

PER_MINUTE = 3
EXIT_INTERRUPTED = 130


def backlog(tmp_path: Path) -> Path:
    """Five routine stories of the last hour, oldest first."""
    start = datetime.now(UTC) - timedelta(minutes=30)
    lines = [
        json.dumps(
            {
                "guid": f"pace-{n}",
                "url": f"https://news.example/pace-{n}",
                "title": f"Routine story {n}",
                "published_at": (start + timedelta(minutes=n)).isoformat(),
            }
        )
        for n in range(1, 6)
    ]
    path = tmp_path / "backlog.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def channel_sends(fake: FakeTelegram) -> list[RecordedCall]:
    """Every post the bot asked Telegram to make in the channel, answered or refused."""
    return [
        call
        for call in fake.calls
        if call.method in ("sendMessage", "sendPhoto")
        and call.params.get("chat_id") in (CHANNEL, CHANNEL_ID, str(CHANNEL_ID))
    ]


def most_in_any_minute(times: list[float]) -> int:
    return max(sum(start <= t < start + 60 for t in times) for start in times)


def storage_toml(store: TestStore) -> str:
    return "\n".join(f"{key} = {json.dumps(value)}" for key, value in store.table.items())


async def test_run_and_publish_share_the_channels_minute(
    tmp_path: Path, fake: FakeTelegram, store: TestStore
) -> None:
    config = processes.write_config(
        tmp_path,
        fake.base_url,
        f"enabled = true\ninterval_seconds = 1\nmax_posts_per_minute = {PER_MINUTE}",
        storage=storage_toml(store),
    )
    with config.open("a", encoding="utf-8") as extra:  # breaking news posts at once, alone
        extra.write("\n[breaking]\nconfirm = false\npin = false\n\n[alerts]\nenabled = false\n")
    async with newsdesk(tmp_path, config, "import", str(backlog(tmp_path)), name="imp") as imp:
        assert await imp.exit_code() == 0, imp.output()

    editor = fake.user(ADMIN_ID, "Editor")
    async with newsdesk(tmp_path, config, "run", name="run") as bot:
        await bot.wait_until(lambda: len(channel_sends(fake)) >= 1 or None, "a routine post")
        fake.send_text(editor, "/breaking Bridge closed after a barge strike")
        fake.send_text(editor, "/breaking Harbour reopens to ships")
        await bot.wait_until(lambda: len(channel_sends(fake)) >= 3 or None, "two breaking posts")

        async with newsdesk(tmp_path, config, "publish", name="pub") as pub:
            await pub.wait_until(
                lambda: "waits" in pub.output() and "shared pace" in pub.output(),
                "the publish pass waiting for the channel's shared pace",
            )
            pub.proc.send_signal(signal.SIGINT)
            assert await pub.exit_code() == EXIT_INTERRUPTED, pub.output()
        assert "Traceback" not in pub.output(), pub.output()

        bot.proc.send_signal(signal.SIGTERM)
        assert await bot.exit_code() == 0, bot.output()

    sends = channel_sends(fake)
    texts = [str(call.params.get("text") or call.params.get("caption")) for call in sends]
    assert len(sends) == PER_MINUTE, texts
    assert most_in_any_minute([call.wall for call in sends]) <= PER_MINUTE
    assert sum("Routine story" in text for text in texts) == 1, texts  # publish posted nothing
    assert "Traceback" not in bot.output(), bot.output()
    # Interrupted while waiting for its slot, publish put its claim back: nothing is left
    # `sending`, to be reported as uncertain at the next start.
    db = await Database.open(store.settings())
    try:
        states = Counter(
            str(row[0]) for row in await db.store.fetch("SELECT state FROM deliveries")
        )
    finally:
        await db.close()
    assert set(states) <= {"posted", "pending"}, states
