"""Unknown input gets one line of help; groups stay quiet; a flooder is slowed, others are not."""

from __future__ import annotations

from tests.support import BOT_USERNAME

from .conftest import Bot

GROUP_ID = -1009876543210


async def test_unknown_command_and_plain_text_get_a_hint(bot: Bot) -> None:
    reader = bot.fake.user(1200)
    unknown = await bot.send(reader, "/frobnicate")
    assert bot.shown(unknown) == "I don't know that command. Send /help to see what I can do."
    text = await bot.send(reader, "hello?")
    assert bot.shown(text).startswith("To search the news, send /search")
    arabic = await bot.send(bot.fake.user(1201, language_code="ar"), "مرحبا")
    assert bot.shown(arabic).startswith("\u200fللبحث")


async def test_groups_quiet_unless_addressed(bot: Bot) -> None:
    bot.fake.add_group(chat_id=GROUP_ID)
    member = bot.fake.user(1202)
    since = len(bot.fake.calls)
    bot.fake.send_text(member, "/latest", chat=GROUP_ID)
    bot.fake.send_text(member, "nice story", chat=GROUP_ID)
    await bot.fake.wait_for(lambda: bot.fake.pending_update_count == 0)
    bot.fake.send_text(member, f"/latest@{BOT_USERNAME}", chat=GROUP_ID)
    hint = await bot.fake.wait_for_call("sendMessage", since=since)
    assert hint.params["chat_id"] == GROUP_ID
    assert hint.params["text"] == f"I answer in private chat — open @{BOT_USERNAME}."
    sent = [c for c in bot.fake.calls[since:] if c.method == "sendMessage"]
    assert sent == [hint]


async def test_flooding_user_is_slowed_and_others_still_answered(bot: Bot) -> None:
    article = await bot.article("Popular story")
    post = await bot.channel_post(article)
    flooder, calm = bot.fake.user(1300), bot.fake.user(1301)
    answers = [await bot.press(flooder, post, f"fav:{article}") for _ in range(25)]
    texts = [a["text"] for a in answers]
    assert (
        texts[:20]
        == [
            "Saved to your favorites — open @newsdesk_bot to see them",
            "Removed from your favorites",
        ]
        * 10
    )
    assert texts[20:] == ["You're going a bit fast — please wait a few seconds."] * 5
    # Twenty presses toggled 10 times: nothing saved; the refused presses changed nothing.
    assert await bot.subscribers.favorites.saved_ids(flooder.id) == []

    calm_answer = await bot.press(calm, post, f"fav:{article}")
    assert calm_answer["text"].startswith("Saved to your favorites")
    reply = await bot.send(calm, "/latest")
    assert "Popular story" in bot.shown(reply)


async def test_flooding_commands_get_one_slow_down_message(bot: Bot) -> None:
    flooder = bot.fake.user(1302)
    slow_down = "You're sending messages very quickly — please wait a few seconds, then try again."
    for _ in range(24):
        bot.fake.send_text(flooder, "/breaking")

    def flooder_texts() -> list[str] | None:
        texts = [
            c.params["text"]
            for c in bot.fake.calls_of("sendMessage")
            if c.params["chat_id"] == flooder.id
        ]
        return texts if slow_down in texts and len(texts) >= 21 else None

    texts = await bot.fake.wait_for(flooder_texts)
    assert texts.count("No breaking news right now.") == 20
    assert texts.count(slow_down) == 1
    marker = await bot.send(bot.fake.user(1303), "/breaking")  # everyone else is still answered
    assert bot.shown(marker) == "No breaking news right now."
    assert len(flooder_texts() or []) == 21  # the other three were dropped without a word
