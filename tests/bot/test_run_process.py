"""`newsdesk run` as a real process against the fake Bot API: boots, answers, stops, refuses twins.

The fake runs in the test process; the bot is a subprocess (`python -m bot`) that reaches it
over 127.0.0.1, exactly as an operator starts it. Every wait is a condition with a deadline.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from sandbox.fakeapi import FakeTelegram
from storage.database import Database
from storage.favorites import FavoriteRepository
from tests import processes
from tests.processes import DEADLINE, TOKEN, newsdesk

SECRET = TOKEN.split(":", 1)[1]
STORM = 3_000


def write_config(tmp_path: Path, fake: FakeTelegram) -> Path:
    """Routine publishing settings: this file tests start, answer and stop."""
    return processes.write_config(
        tmp_path, fake.base_url, "enabled = true\ninterval_seconds = 30\nmax_posts_per_minute = 20"
    )


async def test_run_answers_start_and_stops_on_sigterm(fake: FakeTelegram, tmp_path: Path) -> None:
    config = write_config(tmp_path, fake)
    async with newsdesk(tmp_path, config, "--log-level", "DEBUG", "run", name="run") as bot:
        await bot.wait_until(lambda: fake.long_polls_waiting > 0, "getUpdates long poll")
        ann = fake.user(1001, "Ann")
        fake.send_text(ann, "/start")
        reply = await bot.wait_until(
            lambda: next(
                (
                    c
                    for c in fake.calls_of("sendMessage")
                    if c.ok and c.params.get("chat_id") == ann.id
                ),
                None,
            ),
            "reply to /start",
            within=10,
        )
        assert "Example News" in reply.params["text"]
        assert [m.text for m in fake.messages(ann.id) if m.from_bot] == [
            reply.result_or_error["text"]
        ]

        started = time.monotonic()
        bot.proc.send_signal(signal.SIGTERM)
        code = await bot.exit_code(within=10)
        stopped_in = time.monotonic() - started

    output = bot.output()
    assert code == 0, output
    assert stopped_in < 10
    assert "newsdesk started as @newsdesk_bot" in output  # the startup line...
    assert "newsdesk stopped" in output
    assert SECRET not in output  # ...and never the token, even at DEBUG
    assert "Traceback" not in output


async def test_second_run_on_the_same_database_is_refused(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    config = write_config(tmp_path, fake)
    async with newsdesk(tmp_path, config, "run", name="first") as first:
        await first.wait_until(lambda: fake.long_polls_waiting > 0, "getUpdates long poll")
        async with newsdesk(tmp_path, config, "run", name="second") as second:
            code = await second.exit_code(within=DEADLINE)
        assert code == 2, second.output()
        stderr = second.stderr.read_text()
        assert "already running" in stderr
        assert f"pid {first.proc.pid}" in stderr  # names the live holder
        assert "Traceback" not in second.output()
        assert SECRET not in second.output()
        assert first.proc.returncode is None  # the first bot is untouched and keeps going
        first.proc.send_signal(signal.SIGTERM)
        assert await first.exit_code(within=10) == 0, first.output()


async def test_sigterm_in_a_storm_stops_in_time_and_keeps_every_press(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """Presses pour in; SIGTERM; the bot is gone within 10 s and every press it took is stored.

    Presses it never fetched stay with Telegram (here: the fake) for the next start: not lost.
    """
    config = processes.write_config(
        tmp_path, fake.base_url, "enabled = true\ninterval_seconds = 1"
    )
    story = tmp_path / "story.jsonl"
    story.write_text(
        json.dumps({"guid": "s-1", "url": "https://news.example/s-1", "title": "Dam holds"}),
        encoding="utf-8",
    )
    async with newsdesk(tmp_path, config, "import", str(story), name="import") as setup:
        assert await setup.exit_code() == 0, setup.output()
    readers = [fake.user(30_000 + n, f"P{n}", "en") for n in range(STORM)]
    async with newsdesk(tmp_path, config, "run", name="run") as bot:
        post = await bot.wait_until(
            lambda: next((c for c in fake.calls_of("sendMessage") if c.ok), None),
            "the story's channel post",
            within=10,
        )
        chat, message_id = post.params["chat_id"], post.result_or_error["message_id"]
        for reader in readers:
            fake.press_button(reader, chat, message_id, "fav:1")
        await bot.wait_until(
            lambda: fake.pending_update_count < STORM // 2 or None, "the bot to take presses"
        )
        started = time.monotonic()
        bot.proc.send_signal(signal.SIGTERM)
        code = await bot.exit_code(within=10)
        stopped_in = time.monotonic() - started
    assert code == 0, bot.output()
    assert stopped_in < 10
    taken = STORM - fake.pending_update_count
    db = await Database.open(tmp_path / "newsdesk.sqlite3")
    try:
        favorites = FavoriteRepository(db.store)
        saved = [reader.id for reader in readers if await favorites.saved_ids(reader.id) == [1]]
    finally:
        await db.close()
    assert len(saved) == taken  # every press the bot took is stored, none twice
    assert "press answers: answered=" in bot.output()
