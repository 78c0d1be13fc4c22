"""`newsdesk run` as a real process against the fake Bot API: boots, answers, stops, refuses twins.

The fake runs in the test process; the bot is a subprocess (`python -m bot`) that reaches it
over 127.0.0.1, exactly as an operator starts it. Every wait is a condition with a deadline.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

from sandbox.fakeapi import FakeTelegram
from tests import processes
from tests.processes import DEADLINE, TOKEN, newsdesk

SECRET = TOKEN.split(":", 1)[1]


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
