"""`newsdesk` as a real subprocess, for the tests that start, stop and kill it.

The fake Bot API runs in the test process; the bot is `python -m bot`, reaching it over
127.0.0.1 exactly as an operator starts it. Every wait is a condition with a deadline that also
fails at once, with the process's output, if the process exits first.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from tests.support import ADMIN_ID, CHANNEL, TOKEN, wait_until

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 30.0  # generous: importing python-telegram-bot on a loaded CI machine is slow
T = TypeVar("T")


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
        self, predicate: Callable[[], T | None], what: str, within: float = DEADLINE
    ) -> T:
        """Poll `predicate` until truthy; fail at once if the process exits, or at the deadline."""

        def check() -> T | None:
            value = predicate()
            if not value and self.proc.returncode is not None:
                pytest.fail(
                    f"newsdesk exited {self.proc.returncode} before {what}:\n{self.output()}"
                )
            return value

        return await wait_until(check, within, lambda: f"{what}, output:\n{self.output()}")

    async def exit_code(self, within: float = DEADLINE) -> int:
        """Wait for the process to end (reaped, so its lease is seen as dead)."""
        try:
            return await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            pytest.fail(f"newsdesk still running after {within:g}s:\n{self.output()}")

    async def sigkill(self) -> None:
        """Kill without any chance to clean up, as the OOM killer or a power cut would."""
        self.proc.send_signal(signal.SIGKILL)
        assert await self.exit_code() == -signal.SIGKILL


@asynccontextmanager
async def newsdesk(
    tmp_path: Path, config: Path, *args: str, name: str, env: dict[str, str] | None = None
) -> AsyncIterator[BotProcess]:
    """Start `python -m bot --config CONFIG ARGS...`; kill it on the way out if still alive.

    `env` adds to (or overrides) the test process's environment, e.g. `NEWSDESK_TOKEN`.
    """
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
            env={**os.environ, **(env or {})},
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


def write_config(
    tmp_path: Path,
    api_base_url: str,
    publishing: str,
    *,
    token: str = TOKEN,
    request_timeout: float = 5.0,
    storage: str = 'path = "newsdesk.sqlite3"',
    name: str = "config.toml",
) -> Path:
    """A complete config file pointing at the fake, with the database beside it.

    `publishing` is the body of the `[publishing]` section, which is what the tests vary;
    `storage` the body of `[storage]`.
    """
    path = tmp_path / name
    path.write_text(
        f"""\
[telegram]
token = "{token}"
api_base_url = "{api_base_url}"
channel = "{CHANNEL}"
admins = [{ADMIN_ID}]
request_timeout_seconds = {request_timeout}

[storage]
{storage}

[site]
name = "Example News"
timezone = "UTC"
language = "en"

[publishing]
{publishing}
""",
        encoding="utf-8",
    )
    return path


def write_backlog(tmp_path: Path, slug: str, titles: list[str]) -> Path:
    """A JSON Lines import of fresh articles, one per title, oldest first, a minute apart."""
    now = datetime.now(UTC)
    lines = [
        json.dumps(
            {
                "guid": f"{slug}-{n}",
                "url": f"https://news.example/{slug}/{n}",
                "title": title,
                "published_at": (now - timedelta(minutes=60 - n)).isoformat(),
                "summary": f"The lead of {slug} story {n}.",
            }
        )
        for n, title in enumerate(titles, start=1)
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
