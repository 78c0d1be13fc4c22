"""A webhook worker killed between recording an update and handing it on loses nothing.

The killed process leaves what a kill -9 leaves: its `workers` row with a heartbeat that stops,
and the update id it recorded. Telegram (the fake) got no 2xx, so it delivers the update again;
the running bot must hand it on — the reader sees the answer, once — instead of skipping it as
"already taken". Both engines, the real bot in webhook mode against the fake.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import WebhookInfo

from bot.context import NewsdeskApp
from bot.domain.webhook import Taken
from sandbox.fakeapi import FakeTelegram
from storage.webhook_updates import WebhookUpdateRepository
from storage.workers import WorkerRepository
from tests.support import wait_until
from tests.webhook.conftest import HookBot

KILLED = "killed-worker"
TTL = timedelta(seconds=60)  # the bot's storage.lease_ttl_seconds (the default)


async def killed_worker_took(app: NewsdeskApp, update_id: int, *, beat: datetime | None) -> None:
    """What a worker killed mid-hand-over leaves: its id recorded, its row beating at `beat`
    (None: no row — a restarted single bot swept it when it took the store over)."""
    async with app.bot_data.services.db.write() as conn:
        if beat is not None:
            await WorkerRepository(conn).beat(
                KILLED, hostname="another-host", pid=4242, command="run", now=beat
            )
        taken = await WebhookUpdateRepository(conn).take(
            update_id, worker=KILLED, now=beat or datetime.now(UTC), ttl=TTL
        )
    assert taken is Taken.NEW


async def refused_503(app: NewsdeskApp) -> WebhookInfo | None:
    """Telegram's (the fake's) webhook info once its last delivery was answered 503."""
    info = await app.bot.get_webhook_info()
    return info if "503" in (info.last_error_message or "") else None


async def taker(app: NewsdeskApp, update_id: int) -> str | None:
    value = await app.bot_data.services.db.store.fetchval(
        "SELECT taken_by FROM webhook_updates WHERE update_id = $1", update_id
    )
    return None if value is None else str(value)


def replies_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in fake.calls_of("sendMessage")
        if c.params.get("chat_id") == chat_id
    ]


@pytest.mark.parametrize("left", ["silent", "swept"])
async def test_the_redelivery_of_an_update_a_killed_worker_took_is_answered_once(
    hook_bot: HookBot, left: str
) -> None:
    fake, app = hook_bot.fake, hook_bot.app
    update_id = fake.next_update_id  # the id the reader's message will carry
    stale = datetime.now(UTC) - TTL - timedelta(seconds=5)
    await killed_worker_took(app, update_id, beat=stale if left == "silent" else None)

    reader = fake.user(811, "Hala", "en")
    assert fake.send_text(reader, "/start") == update_id  # Telegram's redelivery of it
    await fake.wait_for_call("sendMessage", lambda p: p.get("chat_id") == reader.id)
    await wait_until(lambda: fake.pending_update_count == 0, what="the update confirmed")
    assert len(replies_to(fake, reader.id)) == 1  # handed on once, by the live bot
    assert await taker(app, update_id) == app.bot_data.services.db.worker_id


async def test_an_update_a_live_worker_holds_waits_then_is_answered_once_it_dies(
    hook_bot: HookBot,
) -> None:
    fake, app = hook_bot.fake, hook_bot.app
    update_id = fake.next_update_id
    await killed_worker_took(app, update_id, beat=datetime.now(UTC))  # beating a moment ago

    reader = fake.user(812, "Rami", "en")
    fake.send_text(reader, "/start")
    # Its worker may still be handing it on: the bot answers 503 and the fake keeps retrying.
    info = await wait_until(lambda: refused_503(app), 10.0, "a 503 from the bot")
    assert info.pending_update_count == 1
    assert replies_to(fake, reader.id) == []
    # Its heartbeat goes stale (it was killed): the next retry is re-taken and answered, once.
    async with app.bot_data.services.db.write() as conn:
        await WorkerRepository(conn).beat(
            KILLED,
            hostname="another-host",
            pid=4242,
            command="run",
            now=datetime.now(UTC) - TTL - timedelta(seconds=5),
        )
    await fake.wait_for_call("sendMessage", lambda p: p.get("chat_id") == reader.id)
    await wait_until(lambda: fake.pending_update_count == 0, what="the update confirmed")
    assert len(replies_to(fake, reader.id)) == 1
    assert await taker(app, update_id) == app.bot_data.services.db.worker_id
