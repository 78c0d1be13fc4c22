"""Alerts at the same moment: paid broadcasts in config and on the wire, the reach and time under
a Publish preview, and the fan-out's progress in /status."""

from __future__ import annotations

import re

from bot.config import parse_settings
from bot.control.editors import estimate
from bot.domain.errors import ConfigError
from sandbox.fakeapi import FakeTelegram
from tests.alerts.test_alerts import READERS, alert_sends, open_private_chats, opt_in
from tests.support import ADMIN_ID, OTHER_TOKEN, StartAdmin

BASE = {"telegram": {"token": OTHER_TOKEN, "channel": "@example_news"}}
FAST = {"max_requests_per_second": 1000}


def alerts_config(**alerts: object) -> str:
    """The config error for these alert settings ("" when they are accepted)."""
    try:
        parse_settings({**BASE, "alerts": alerts})
    except ConfigError as exc:
        return str(exc)
    return ""


def test_more_than_telegrams_30_a_second_needs_paid_broadcast() -> None:
    assert alerts_config(max_per_second=30) == ""
    error = alerts_config(max_per_second=31)
    assert "alerts.max_per_second" in error and "alerts.paid_broadcast = true" in error
    assert "30 messages a second" in error and "(got 31)" in error
    assert alerts_config(max_per_second=1000, paid_broadcast=True) == ""
    error = alerts_config(max_per_second=1001, paid_broadcast=True)
    assert "alerts.max_per_second: at most 1000" in error and "paid broadcasts" in error
    assert "paid_broadcast: expected true or false" in alerts_config(paid_broadcast="yes")


def test_estimates_read_as_people_say_them() -> None:
    assert estimate(0.3) == "1 s"
    assert estimate(40.4) == "40 s"
    assert estimate(412_000 / 970) == "7 min"
    assert estimate(3_590) == "1 h"
    assert estimate(1_000_000 / 29) == "9 h 35 min"
    assert estimate(412_000 / 970, "ar") == "7 دقائق"


async def publish_preview_text(bot: object, fake: FakeTelegram, text: str) -> str:
    editor = fake.user(ADMIN_ID, "Editor")
    preview = await bot.command(editor, f"/breaking {text}")  # type: ignore[attr-defined]
    return str(bot.shown(preview))  # type: ignore[attr-defined]


async def test_preview_tells_the_reach_and_the_time(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    open_private_chats(fake, READERS)
    async with admin_bot(alerts={"max_per_second": 30}) as bot:
        nobody = await publish_preview_text(bot, fake, "Quiet day on the coast")
        assert nobody.endswith("📣 No reader has alerts on: Publish alerts nobody.")
        await opt_in(bot, list(READERS))
        shown = await publish_preview_text(bot, fake, "Storm warning for the coast")
        # 300 readers at the 30/s setting's pace of 29/s: about 10 s.
        assert shown.startswith("🔴 BREAKING\nStorm warning for the coast")
        assert shown.endswith("📣 Alert to 300 readers, about 10 s")
        assert alert_sends(fake) == []  # a preview alerts nobody

    async with admin_bot(alerts={"enabled": False}) as bot:
        shown = await publish_preview_text(bot, fake, "Storm warning, no alerts")
        assert "📣" not in shown


async def test_an_arabic_editor_reads_the_reach_in_arabic(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    open_private_chats(fake, READERS)
    editor = fake.user(ADMIN_ID, "Editor", language_code="ar")
    async with admin_bot(alerts={"max_per_second": 1000, "paid_broadcast": True}) as bot:
        await opt_in(bot, list(READERS))
        preview = await bot.command(editor, "/breaking Storm warning")
        # 300 readers at 970/s: under a second, said as one.
        assert bot.shown(preview).endswith("📣 تنبيه إلى 300 قارئ، خلال ثانية واحدة تقريبًا")


async def test_reach_survives_a_preview_cut_to_the_caption_limit(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    open_private_chats(fake, READERS)
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot() as bot:
        await opt_in(bot, list(READERS))
        photo = fake.send_photo_from_user(editor)
        lead = "A long lead that goes on. " * 60  # the caption is cut to 1024 ...
        preview = await bot.command(editor, f"/breaking Flood\n{lead}", reply_to=photo)
        caption = bot.shown(preview)
        assert preview.method == "sendPhoto" and len(caption) <= 1024
        assert caption.endswith("📣 Alert to 300 readers, about 10 s")  # ... the reach is not


async def test_paid_broadcasts_carry_the_flag_and_status_shows_progress(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    open_private_chats(fake, READERS)
    editor = fake.user(ADMIN_ID, "Editor")
    fake.limit_global_rate(30)  # free sends at Telegram's 30/s; paid ones up to 1000/s
    # 300 readers at 40/s: over 30/s only as paid broadcasts; about 8 s in all.
    alerts = {"max_per_second": 40, "paid_broadcast": True}
    async with admin_bot(alerts=alerts, telegram=FAST) as bot:
        await opt_in(bot, list(READERS))
        preview = await bot.command(editor, "/breaking Storm warning for the coast")
        assert bot.shown(preview).endswith("📣 Alert to 300 readers, about 8 s")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        await bot.press(editor, preview, publish)
        await fake.wait_for(lambda: len(alert_sends(fake)) >= 80, timeout=10)  # 2 s in
        status = bot.shown(await bot.command(editor, "/status"))
        assert "🔔 Alert “Storm warning for the coast”" in status
        done, total = map(int, re.findall(r"(\d+)/(\d+) done", status)[0])
        assert total == 300 and 60 <= done < 300
        pace = re.search(r"⏱ (\d+)/s · about (\d+) s left", status)
        assert pace is not None, status
        rate, left = int(pace[1]), int(pace[2])
        assert 25 <= rate <= 45  # measured, near the 38/s pace
        assert abs(left - (300 - done) / rate) <= 2
        await fake.wait_for_call(
            "sendMessage", lambda p: p["chat_id"] == ADMIN_ID and "Alert finished" in p["text"]
        )
    sends = alert_sends(fake)
    assert len(sends) == 300 and all(c.ok for c in sends)
    assert {c.params.get("allow_paid_broadcast") for c in sends} == {True}
    assert fake.count_429 == 0
    # The bot's own replies are not paid broadcasts.
    replies = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == ADMIN_ID]
    assert replies and all("allow_paid_broadcast" not in c.params for c in replies)


async def test_free_alerts_carry_no_paid_flag(fake: FakeTelegram, admin_bot: StartAdmin) -> None:
    readers = range(READERS[0], READERS[0] + 10)
    open_private_chats(fake, readers)
    editor = fake.user(ADMIN_ID, "Editor")
    async with admin_bot(alerts={"max_per_second": 30}, telegram=FAST) as bot:
        await opt_in(bot, list(readers))
        preview = await bot.command(editor, "/breaking Free alert")
        publish = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        await bot.press(editor, preview, publish)
        await fake.wait_for(lambda: len(alert_sends(fake)) == 10, timeout=10)
    assert all("allow_paid_broadcast" not in c.params for c in alert_sends(fake))
