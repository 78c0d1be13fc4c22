"""Messages to editors arrive whatever the counts: /status with 200 failing sources, long notices.

Through the real bot and the fake Bot API, which refuses a text over 4,096 UTF-16 units after
entity parsing exactly as Telegram does: the editor must receive a message that fits and says
how many sources are failing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import SourceState
from sandbox.fakeapi import FakeTelegram
from sandbox.fakeapi.html import utf16_len as telegram_len
from storage.sources import SourceStateRepository
from tests.support import ADMIN_ID, StartAdmin


async def test_status_with_200_failing_sources_fits_and_names_the_count(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    now = datetime.now(UTC)
    async with admin_bot() as bot:
        db = bot.app.bot_data.services.db
        async with db.write() as conn:
            states = SourceStateRepository(conn)
            for n in range(200):
                await states.save(
                    SourceState(
                        name=f"regional-wire-service-{n:03d}-" + "x" * 34,  # 64, the maximum
                        last_fetch_at=now,
                        failing_since=now - timedelta(hours=3),
                        consecutive_failures=9,
                        last_error="connection refused by the remote host " * 20,
                    )
                )
            await states.save(SourceState(name="healthy-feed", last_success_at=now))
        answer = await bot.command(editor, "/status")
        shown = bot.shown(answer)
    assert answer.status == 200
    assert telegram_len(shown) <= 4096
    assert "200 sources failing" in shown
    assert "regional-wire-service-000" in shown and "more" in shown
    assert "🟢 healthy-feed: ok" in shown
    assert "Up " in shown  # the lines after the sources are still there


async def test_a_long_notice_reaches_the_editors_with_its_markup(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        await bot.command(editor, "/status")  # the editor has opened the bot
        notifier = bot.app.bot_data.services.notifier
        text = "⚠️ <b>Sources failing</b>\n" + "\n".join(
            f"🔴 <b>source-{n}</b>: {'&lt;timeout&gt; ' * 10}" for n in range(300)
        )
        assert await notifier.send(text) == 1
    *_, message = [m for m in fake.messages(ADMIN_ID) if m.text and m.text != "/status"]
    assert telegram_len(message.text or "") <= 4096
    assert message.text is not None and message.text.startswith("⚠️ Sources failing")
    assert "<b>" not in message.text and "<timeout>" in message.text  # parsed as HTML
    assert message.text.rstrip().endswith("more lines")
