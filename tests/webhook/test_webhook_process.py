"""`newsdesk run` in webhook mode as a real process: serves, answers, stops on SIGTERM with 0."""

from __future__ import annotations

import signal
from pathlib import Path

import aiohttp

from sandbox.fakeapi import FakeTelegram
from tests import processes
from tests.processes import newsdesk
from tests.webhook.conftest import PATH, SECRET, free_port


async def test_run_in_webhook_mode_answers_and_stops_on_sigterm(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    config = processes.write_config(tmp_path, fake.base_url, "enabled = false")
    with config.open("a", encoding="utf-8") as file:
        file.write(
            f'\n[webhook]\nurl = "http://127.0.0.1:{port}{PATH}"\nport = {port}\npath = "{PATH}"\n'
        )
    env = {"NEWSDESK_WEBHOOK_SECRET": SECRET}
    async with newsdesk(
        tmp_path, config, "--log-level", "DEBUG", "run", name="hook", env=env
    ) as bot:
        await bot.wait_until(lambda: fake.calls_of("setWebhook"), "setWebhook")
        (call,) = fake.calls_of("setWebhook")
        assert call.params["secret_token"] == SECRET  # from the environment
        ann = fake.user(1101, "Ann")
        fake.send_text(ann, "/start")
        await bot.wait_until(
            lambda: [c for c in fake.calls_of("sendMessage") if c.params.get("chat_id") == ann.id],
            "reply to /start",
        )
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/readyz") as response,
        ):
            assert (response.status, await response.text()) == (200, "ready\n")

        bot.proc.send_signal(signal.SIGTERM)
        code = await bot.exit_code(within=15)
    output = bot.output()
    assert code == 0, output
    assert "webhook set" in output and "newsdesk stopped" in output
    assert fake.calls_of("deleteWebhook") == []  # other workers still serve the URL
    assert fake.calls_of("getUpdates") == []
    assert SECRET not in output  # never logged, even at DEBUG
    assert "Traceback" not in output
