"""/alerts and /language: the choice is stored and changes what the bot says."""

from __future__ import annotations

from .conftest import Bot


async def test_alerts_on_off_and_buttons(bot: Bot) -> None:
    reader = bot.fake.user(1100)
    shown = await bot.send(reader, "/alerts")
    assert "alerts are off" in bot.shown(shown)
    on = await bot.send(reader, "/alerts on")
    assert "alerts are on" in bot.shown(on)
    record = await bot.subscribers.users.get(reader.id)
    assert record is not None and record.alerts_opt_in

    await bot.press(reader, on.result_or_error["message_id"], "al:off", chat=reader.id)
    assert not await bot.subscribers.users.alerts_enabled(reader.id)
    edited = bot.fake.message(reader.id, on.result_or_error["message_id"])
    assert edited is not None and edited.text is not None and "alerts are off" in edited.text


async def test_language_choice_overrides_telegram(bot: Bot) -> None:
    reader = bot.fake.user(1101, language_code="en")
    prompt = await bot.send(reader, "/language")
    buttons = prompt.params["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["English", "العربية"]
    await bot.press(reader, prompt.result_or_error["message_id"], "lang:ar", chat=reader.id)
    confirmed = bot.fake.message(reader.id, prompt.result_or_error["message_id"])
    assert confirmed is not None and confirmed.text == "\u200f✅ سأتحدث معك بالعربية من الآن."

    reply = await bot.send(reader, "/breaking")
    assert bot.shown(reply) == "\u200fلا توجد أخبار عاجلة الآن."
    record = await bot.subscribers.users.get(reader.id)
    assert record is not None and record.language == "ar"


async def test_unknown_language_button_is_refused(bot: Bot) -> None:
    reader = bot.fake.user(1102)
    prompt = await bot.send(reader, "/language")
    answer = await bot.press(
        reader, prompt.result_or_error["message_id"], "lang:xx", chat=reader.id
    )
    # "xx" is well-formed: the catalogue falls back to English rather than storing nonsense.
    assert "text" not in answer or answer.get("text") is None
    assert bot.subscribers.users.language_for(reader.id, "ar") == "en"
