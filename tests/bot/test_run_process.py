"""`newsdesk run` as a real process against the fake Bot API: boots, answers, stops, refuses twins.

The fake runs in the test process; the bot is a subprocess (`python -m bot`) that reaches it
over 127.0.0.1, exactly as an operator starts it. Every wait is a condition with a deadline.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import TypeVar

from bot.fakeapi import FakeTelegram
from tests.processes import DEADLINE, newsdesk

TOKEN = "123456:TEST-token-not-real"
SECRET = TOKEN.split(":", 1)[1]
CHANNEL = "@example_news"
ADMIN_ID = 4242
T = TypeVar("T")


def write_config(tmp_path: Path, fake: FakeTelegram) -> Path:
    """A complete config file pointing at the fake, with the database beside it."""
    path = tmp_path / "config.toml"
    path.write_text(
        f"""\
[telegram]
token = "{TOKEN}"
api_base_url = "{fake.base_url}"
channel = "{CHANNEL}"
admins = [{ADMIN_ID}]
request_timeout_seconds = 5.0

[storage]
path = "newsdesk.sqlite3"

[site]
name = "Example News"
timezone = "UTC"
language = "en"

[publishing]
enabled = true
interval_seconds = 30
max_posts_per_minute = 20
""",
        encoding="utf-8",
    )
    return path


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
