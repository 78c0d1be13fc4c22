"""Every way `newsdesk` can fail at start is one clear line, a documented exit code, no token.

Each failure is a real `newsdesk` process: against the fake Bot API told to reject the token, a
closed port, a socket that accepts and never answers, and a store on a real read-only or full
file system (a small tmpfs; tests run as root, whom file modes do not stop, so `chmod` would
prove nothing). Everything the process wrote, stdout and stderr, logs included, is searched for
the token, and the store is compared before and after.
"""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sandbox.fakeapi import FakeTelegram
from tests import processes
from tests.processes import CHANNEL, newsdesk
from tests.support import CHANNEL_ID, OTHER_TOKEN, REALISTIC_TOKEN, token_shaped

TOKEN = REALISTIC_TOKEN
SECRET = TOKEN.split(":", 1)[1]
TOKEN_REJECTED = "Telegram rejected the bot token — check telegram.token or $NEWSDESK_TOKEN"


def assert_clean(output: str) -> None:
    """No token, no half of it, no traceback in what the process wrote."""
    assert SECRET not in output, output
    assert TOKEN not in output, output
    assert "Traceback" not in output, output


def error_line(bot: processes.BotProcess) -> str:
    """The one `newsdesk: ...` line the process printed (logs may surround it at DEBUG)."""
    lines = [ln for ln in bot.stderr.read_text().splitlines() if ln.startswith("newsdesk: ")]
    assert len(lines) == 1, bot.output()
    return lines[0]


def config(
    tmp_path: Path,
    api_base_url: str,
    *,
    request_timeout: float = 5.0,
    storage: str = 'path = "newsdesk.sqlite3"',
) -> Path:
    return processes.write_config(
        tmp_path,
        api_base_url,
        "enabled = true\ninterval_seconds = 1\nmax_posts_per_minute = 600",
        token=TOKEN,
        request_timeout=request_timeout,
        storage=storage,
    )


def articles_file(tmp_path: Path, count: int, *, name: str = "articles.jsonl") -> Path:
    """`count` due articles with long summaries (so a full disk cannot absorb them)."""
    now = datetime.now(UTC)
    lines = [
        json.dumps(
            {
                "guid": f"{name}-{i}",
                "url": f"https://news.example/{name}/{i}",
                "title": f"Story {i} of {name}",
                "summary": f"Paragraph {i}. " * 150,
                "published_at": (now - timedelta(minutes=1)).isoformat(),
            }
        )
        for i in range(count)
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def closed_port_url() -> str:
    """A Bot API URL on a port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"


class SilentServer:
    """Accepts connections and never answers: a Bot API that hangs."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.accepted_at: list[float] = []
        self._held: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/bot"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.accepted_at.append(time.monotonic())
            self._held.append(conn)

    def close(self) -> None:
        self._sock.close()
        for conn in self._held:
            conn.close()


@pytest.fixture
def rejecting() -> Iterator[FakeTelegram]:
    """The fake Bot API, accepting only another bot's token: ours is rejected (401)."""
    api = FakeTelegram(token=token_shaped(1111111111, "z")).start()
    yield api
    api.stop()


@pytest.fixture
def accepting() -> Iterator[FakeTelegram]:
    """The fake Bot API accepting our token, with the site's channel."""
    api = FakeTelegram(token=TOKEN).start()
    api.add_channel(username=CHANNEL.removeprefix("@"), chat_id=CHANNEL_ID)
    yield api
    api.stop()


def mount_tmpfs(where: Path, size: str) -> None:
    """A real small file system; skip (with the reason) where mounting is not allowed."""
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root/CAP_SYS_ADMIN): {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs, unmounted afterwards."""
    where = tmp_path / "disk"
    mount_tmpfs(where, "1m")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def remount_read_only(where: Path) -> None:
    """Root ignores file modes: a read-only *file system* is what stops it (and anyone)."""
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def store_state(db: Path) -> str:
    """The store's whole content, as SQL."""
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return "\n".join(conn.iterdump())


@pytest.mark.parametrize("command", [["run"], ["publish"]])
@pytest.mark.parametrize("token_from", ["file", "env"])
async def test_rejected_token_is_one_line_exit_2_and_never_shown(
    tmp_path: Path, rejecting: FakeTelegram, command: list[str], token_from: str
) -> None:
    path = config(tmp_path, rejecting.base_url)
    env = {}
    if token_from == "env":  # the file holds another (valid-looking) token; the env one wins
        path.write_text(path.read_text().replace(TOKEN, "42:placeholder"), encoding="utf-8")
        env = {"NEWSDESK_TOKEN": TOKEN}
    async with newsdesk(
        tmp_path, path, "--log-level", "DEBUG", *command, name="bot", env=env
    ) as bot:
        code = await bot.exit_code()
    assert code == 2, bot.output()
    assert error_line(bot) == f"newsdesk: {TOKEN_REJECTED}"
    assert_clean(bot.output())
    assert rejecting.calls_of("getMe"), "the fake was asked"
    assert not (tmp_path / "newsdesk.sqlite3").exists()  # the store is untouched


@pytest.mark.parametrize("command", [["run"], ["publish"]])
async def test_unreachable_bot_api_is_one_line_exit_2(tmp_path: Path, command: list[str]) -> None:
    url = closed_port_url()
    async with newsdesk(tmp_path, config(tmp_path, url), *command, name="bot") as bot:
        code = await bot.exit_code()
    assert code == 2, bot.output()
    lines = bot.stderr.read_text().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"newsdesk: cannot reach the Telegram Bot API at {url} ")
    assert "check the network and telegram.api_base_url" in lines[0]
    assert_clean(bot.output())
    assert not (tmp_path / "newsdesk.sqlite3").exists()


@pytest.mark.parametrize("command", [["run"], ["publish"]])
async def test_bot_api_that_never_answers_ends_within_twice_the_timeout(
    tmp_path: Path, command: list[str]
) -> None:
    server = SilentServer()
    timeout = 2.0
    try:
        path = config(tmp_path, server.url, request_timeout=timeout)
        async with newsdesk(tmp_path, path, *command, name="bot") as bot:
            code = await bot.exit_code()
            ended = time.monotonic()
    finally:
        server.close()
    assert code == 2, bot.output()
    assert server.accepted_at, "the bot never connected"
    assert ended - server.accepted_at[0] <= 2 * timeout
    lines = bot.stderr.read_text().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0] == (
        f"newsdesk: the Telegram Bot API at {server.url} did not answer within 2 s "
        "(telegram.request_timeout_seconds) — check the network and telegram.api_base_url, "
        "then start again"
    )
    assert_clean(bot.output())
    assert not (tmp_path / "newsdesk.sqlite3").exists()


@pytest.mark.parametrize(
    "command", [["run"], ["publish"], ["import", "more.jsonl"], ["publish", "--dry-run"]]
)
async def test_read_only_store_is_one_line_exit_2_and_untouched(
    tmp_path: Path, small_disk: Path, accepting: FakeTelegram, command: list[str]
) -> None:
    db = small_disk / "news.sqlite3"
    path = config(tmp_path, accepting.base_url, storage=f'path = "{db}"')
    articles = articles_file(tmp_path, 2)
    async with newsdesk(tmp_path, path, "import", str(articles), name="setup") as setup:
        assert await setup.exit_code() == 0, setup.output()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    remount_read_only(small_disk)
    articles_file(tmp_path, 2, name="more.jsonl")
    args = [str(tmp_path / arg) if arg.endswith(".jsonl") else arg for arg in command]
    async with newsdesk(tmp_path, path, "--log-level", "DEBUG", *args, name="bot") as bot:
        code = await bot.exit_code()
    assert code == 2, bot.output()
    last = error_line(bot)
    assert last.startswith(f"newsdesk: the store {db} is read-only"), last
    assert "storage.path" in last
    assert_clean(bot.output())
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert accepting.calls_of("sendMessage") == []


@pytest.mark.parametrize("command", [["run"], ["publish"], ["import", "more.jsonl"]])
async def test_full_disk_is_one_line_exit_2_and_the_store_untouched(
    tmp_path: Path, small_disk: Path, accepting: FakeTelegram, command: list[str]
) -> None:
    db = small_disk / "news.sqlite3"
    path = config(tmp_path, accepting.base_url, storage=f'path = "{db}"')
    publishing = "enabled = false"  # the stored articles wait: only the failure is under test
    path.write_text(
        path.read_text().replace("enabled = true\ninterval_seconds = 1", publishing),
        encoding="utf-8",
    )
    articles = articles_file(tmp_path, 2)
    async with newsdesk(tmp_path, path, "import", str(articles), name="setup") as setup:
        assert await setup.exit_code() == 0, setup.output()
    before = store_state(db)
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as out:  # fill the disk to the last byte
        try:
            while True:
                out.write(b"\1" * 512)
        except OSError:
            pass
    articles_file(tmp_path, 200, name="more.jsonl")
    args = [str(tmp_path / arg) if arg.endswith(".jsonl") else arg for arg in command]
    async with newsdesk(tmp_path, path, "--log-level", "DEBUG", *args, name="bot") as bot:
        code = await bot.exit_code()
    assert code == 2, bot.output()
    last = error_line(bot)
    assert last.startswith(f"newsdesk: the disk holding the store {db} is full"), last
    assert_clean(bot.output())
    filler.unlink()
    assert store_state(db) == before
    assert accepting.calls_of("sendMessage") == []


async def test_token_shaped_text_never_reaches_stdout_or_the_logs(tmp_path: Path) -> None:
    # A feed URL carrying another bot's token (a site's webhook relay, say): the failing
    # fetch's report line and the DEBUG logs name the source, never the token.
    other = OTHER_TOKEN
    path = config(tmp_path, closed_port_url())
    feed = f"{closed_port_url().removesuffix('/bot')}/feed.xml?relay={other}"
    path.write_text(
        path.read_text() + f'\n[[sources]]\nname = "relay"\nurl = "{feed}"\n', encoding="utf-8"
    )
    async with newsdesk(tmp_path, path, "--log-level", "DEBUG", "fetch", name="bot") as bot:
        code = await bot.exit_code()
    assert code == 1, bot.output()  # the source failed, and said so
    assert "relay" in bot.stdout.read_text()
    assert other.split(":", 1)[1] not in bot.output()
    assert_clean(bot.output())
