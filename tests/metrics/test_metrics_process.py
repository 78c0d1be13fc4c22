"""`[metrics]` as an operator meets it: validated config, a real `newsdesk run` serving it, a
taken port refused in one line with exit 2."""

from __future__ import annotations

import re
import signal
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from sandbox.fakeapi import FakeTelegram
from tests import processes
from tests.processes import newsdesk
from tests.support import wait_until


def write_config(tmp_path: Path, fake_url: str, metrics: str) -> Path:
    path = processes.write_config(
        tmp_path, fake_url, "enabled = true\ninterval_seconds = 30\nmax_posts_per_minute = 20"
    )
    path.write_text(path.read_text() + f"\n[metrics]\n{metrics}\n", encoding="utf-8")
    return path


def test_check_config_shows_where_metrics_are_served(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, "http://127.0.0.1:9/bot", 'listen = "0.0.0.0"\nport = 9464')
    assert main(["--config", str(path), "check-config"]) == 0
    out = capsys.readouterr().out
    assert "metrics                 http://0.0.0.0:9464/ (/healthz, /readyz, /metrics)" in out


def test_metrics_are_off_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path, "http://127.0.0.1:9/bot", "")
    assert main(["--config", str(path), "check-config"]) == 0
    assert "metrics                 off" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        ('listen = "localhost"\nport = 9464', "metrics.listen"),
        ("port = 70000", "metrics.port"),
        ('port = "9464"', "metrics.port"),
        ("prot = 9464", "metrics.prot"),
    ],
)
def test_a_bad_metrics_section_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], metrics: str, expected: str
) -> None:
    path = write_config(tmp_path, "http://127.0.0.1:9/bot", metrics)
    assert main(["--config", str(path), "check-config"]) == 2
    assert expected in capsys.readouterr().err


async def test_run_serves_health_and_metrics(fake: FakeTelegram, tmp_path: Path) -> None:
    path = write_config(tmp_path, fake.base_url, "port = 0")
    async with newsdesk(tmp_path, path, "run", name="run") as bot:
        found = await bot.wait_until(
            lambda: re.search(r"health and metrics on (http://127\.0\.0\.1:\d+)/", bot.output()),
            "the metrics server's log line",
        )
        url = found.group(1)
        await bot.wait_until(lambda: fake.long_polls_waiting > 0, "getUpdates long poll")
        fake.send_text(fake.user(1701, "Omar"), "/start")
        async with aiohttp.ClientSession() as session:

            async def scraped() -> str | None:
                async with session.get(f"{url}/metrics") as response:
                    text = await response.text()
                wanted = 'newsdesk_updates_total{kind="message",outcome="handled"} 1.0'
                return text if wanted in text else None

            text = await wait_until(scraped, 15.0, "the /start counted")
            assert "newsdesk_leader 1.0" in text
            async with session.get(f"{url}/readyz") as response:
                assert (response.status, await response.text()) == (200, "ready\n")
        bot.proc.send_signal(signal.SIGTERM)
        assert await bot.exit_code(within=15) == 0, bot.output()


async def test_a_taken_port_is_one_line_and_exit_2(fake: FakeTelegram, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        path = write_config(tmp_path, fake.base_url, f"port = {port}")
        async with newsdesk(tmp_path, path, "run", name="run") as bot:
            code = await bot.exit_code()
    assert code == 2, bot.output()
    lines = [ln for ln in bot.stderr.read_text().splitlines() if ln.startswith("newsdesk: ")]
    assert lines == [
        f"newsdesk: cannot listen for metrics on 127.0.0.1:{port} (Address already in use) — "
        "change [metrics] listen or port, or stop what holds the port"
    ], bot.output()
    assert not fake.calls_of("getUpdates")  # it never started polling
