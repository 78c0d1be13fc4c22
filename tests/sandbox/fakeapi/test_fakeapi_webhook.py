"""Webhook mode, the methods: setWebhook, getWebhookInfo, deleteWebhook and getUpdates' 409."""

from __future__ import annotations

import asyncio
import socket
import time

from telegram import Bot

from sandbox.fakeapi import FakeTelegram
from tests.sandbox.fakeapi.conftest import Receiver
from tests.support import TOKEN, wait_until

CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def closed_port_url() -> str:
    """A loopback URL nothing listens on (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


async def test_info_shows_the_webhook_ptb_set(fake: FakeTelegram, receiver: Receiver) -> None:
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        before = await bot.get_webhook_info()
        assert await bot.set_webhook(
            receiver.url, secret_token="s3cret_-X", max_connections=7, allowed_updates=["message"]
        )
        info = await bot.get_webhook_info()
    assert (before.url, before.max_connections, before.last_error_date) == ("", None, None)
    assert info.url == receiver.url
    assert info.has_custom_certificate is False
    assert (info.pending_update_count, info.max_connections) == (0, 7)
    assert info.allowed_updates == ("message",)
    assert info.ip_address == "127.0.0.1"
    assert (info.last_error_date, info.last_error_message) == (None, None)


async def test_set_webhook_refuses_what_telegram_refuses(fake: FakeTelegram, api) -> None:
    refused = {
        "https://127.0.0.1:8443/hook": "Bad Request: bad webhook: the fake Bot API delivers "
        "only to http:// on 127.0.0.1",
        "http://example.com/hook": "Bad Request: bad webhook: An HTTPS URL must be provided "
        "for webhook",
        "ftp://127.0.0.1/hook": "Bad Request: invalid webhook URL specified",
    }
    for url, description in refused.items():
        assert await api.error("setWebhook", 400, url=url) == description
    url = "http://127.0.0.1:9/hook"
    assert await api.error("setWebhook", 400, url=url, secret_token="no spaces") == (
        "Bad Request: secret token contains unallowed characters"
    )
    assert await api.error("setWebhook", 400, url=url, secret_token="x" * 257) == (
        "Bad Request: secret token is too long"
    )
    assert (await api.ok("getWebhookInfo"))["url"] == ""  # nothing was set by the refusals
    assert await api.ok("setWebhook", url=url, max_connections=500) is True
    assert (await api.ok("getWebhookInfo"))["max_connections"] == 100  # clamped, as Telegram
    assert await api.ok("setWebhook", url="") is True  # an empty URL removes the webhook
    assert (await api.ok("getWebhookInfo"))["url"] == ""
    assert await api.ok("getUpdates") == []


async def test_get_updates_conflicts_while_a_webhook_is_set(fake: FakeTelegram, api) -> None:
    poll = asyncio.create_task(api("getUpdates", timeout=5))
    await wait_until(lambda: fake.long_polls_waiting == 1, what="a parked long poll")
    started = time.monotonic()
    assert await api.ok("setWebhook", url=closed_port_url()) is True
    status, body = await poll
    assert time.monotonic() - started < 2  # ended by setWebhook, not by its timeout
    assert (status, body["description"]) == (409, "Conflict: terminated by setWebhook request")
    assert await api.error("getUpdates", 409) == CONFLICT
    assert await api.ok("deleteWebhook") is True
    assert await api.ok("getUpdates") == []


async def test_delete_webhook_keeps_pending_updates(fake: FakeTelegram, api) -> None:
    url = closed_port_url()
    assert await api.ok("setWebhook", url=url) is True
    update_id = fake.send_text(fake.user(5), "are you there?")

    async def failing() -> dict:
        info: dict = await api.ok("getWebhookInfo")
        return info if info.get("last_error_message") else {}

    info = await wait_until(failing, what="a failed delivery")
    assert info["last_error_message"] == "Connection refused"
    assert abs(info["last_error_date"] - time.time()) < 10
    assert info["pending_update_count"] == 1
    assert await api.ok("deleteWebhook") is True
    info = await api.ok("getWebhookInfo")
    assert (info["url"], info["pending_update_count"]) == ("", 1)
    assert "last_error_message" not in info  # a new (or no) webhook starts with a clean slate
    updates = await api.ok("getUpdates")
    assert [(u["update_id"], u["message"]["text"]) for u in updates] == [
        (update_id, "are you there?")
    ]


async def test_delete_webhook_can_drop_pending_updates(fake: FakeTelegram, api) -> None:
    assert await api.ok("setWebhook", url=closed_port_url()) is True
    fake.send_text(fake.user(5), "one")
    fake.send_text(fake.user(6), "two")
    assert (await api.ok("getWebhookInfo"))["pending_update_count"] == 2
    assert await api.ok("deleteWebhook", drop_pending_updates=True) is True
    assert await api.ok("getUpdates") == []
    assert fake.pending_update_count == 0


async def test_set_webhook_can_drop_pending_updates(fake: FakeTelegram, receiver, api) -> None:
    fake.send_text(fake.user(5), "stale")
    assert await api.ok("setWebhook", url=receiver.url, drop_pending_updates=True) is True
    fresh = fake.send_text(fake.user(5), "fresh")
    await wait_until(lambda: receiver.arrivals, what="a delivery")
    assert receiver.update_ids() == [fresh]
