"""`newsdesk run` as a real process against the fake Bot API: boots, answers, stops, refuses twins.

The fake runs in the test process; the bot is a subprocess (`python -m bot`) that reaches it
over 127.0.0.1, exactly as an operator starts it. Every wait is a condition with a deadline.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from bot.fakeapi import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token-not-real"
SECRET = TOKEN.split(":", 1)[1]
CHANNEL = "@example_news"
ADMIN_ID = 4242
BOOT_SECONDS = 30.0  # generous: importing python-telegram-bot on a loaded CI machine is slow
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


@dataclass
class BotProcess:
    """A running `newsdesk` subprocess with its output captured in files."""

    proc: asyncio.subprocess.Process
    stdout: Path
    stderr: Path

    def output(self) -> str:
        """Everything it wrote so far, stdout then stderr."""
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    async def wait_until(
        self, predicate: Callable[[], T | None], what: str, within: float = BOOT_SECONDS
    ) -> T:
        """Poll `predicate` until truthy; fail at once if the process exits, or at the deadline."""
        deadline = time.monotonic() + within
        while True:
            value = predicate()
            if value:
                return value
            if self.proc.returncode is not None:
                pytest.fail(
                    f"newsdesk exited {self.proc.returncode} before {what}:\n{self.output()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {within:g}s:\n{self.output()}")
            await asyncio.sleep(0.02)

    async def exit_code(self, within: float) -> int:
        """Wait for the process to end; fail if it is still running after `within` seconds."""
        try:
            return await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            pytest.fail(f"newsdesk still running after {within:g}s:\n{self.output()}")


@asynccontextmanager
async def newsdesk(
    tmp_path: Path, config: Path, *args: str, name: str
) -> AsyncIterator[BotProcess]:
    """Start `python -m bot --config CONFIG ARGS...`; kill it on the way out if still alive."""
    out, err = tmp_path / f"{name}.stdout", tmp_path / f"{name}.stderr"
    with out.open("wb") as out_file, err.open("wb") as err_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(config),
            *args,
            cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out_file,
            stderr=err_file,
        )
    running = BotProcess(proc, out, err)
    try:
        yield running
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


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
            code = await second.exit_code(within=BOOT_SECONDS)
        assert code == 2, second.output()
        stderr = second.stderr.read_text()
        assert "already running" in stderr
        assert f"pid {first.proc.pid}" in stderr  # names the live holder
        assert "Traceback" not in second.output()
        assert SECRET not in second.output()
        assert first.proc.returncode is None  # the first bot is untouched and keeps going
        first.proc.send_signal(signal.SIGTERM)
        assert await first.exit_code(within=10) == 0, first.output()
