"""⭐ presses under real channel posts, /favorites pages and removal, and every bad button."""

from __future__ import annotations

import pytest

from tests.support import BOT_USERNAME

from .conftest import Bot


async def test_press_saves_then_second_press_removes(bot: Bot) -> None:
    article = await bot.article("Ceasefire talks resume")
    post = await bot.channel_post(article)
    reader = bot.fake.user(501, "Rana", "en")  # never started the bot

    answer = await bot.press(reader, post, f"fav:{article}")
    assert answer["text"] == f"Saved to your favorites — open @{BOT_USERNAME} to see them"
    assert await bot.subscribers.favorites.saved_ids(reader.id) == [article]

    answer = await bot.press(reader, post, f"fav:{article}")
    assert answer["text"] == "Removed from your favorites"
    assert await bot.subscribers.favorites.saved_ids(reader.id) == []


async def test_arabic_reader_gets_arabic_toast(bot: Bot) -> None:
    article = await bot.article("انتخابات بلدية")
    post = await bot.channel_post(article)
    reader = bot.fake.user(502, "Sami", "ar")
    answer = await bot.press(reader, post, f"fav:{article}")
    assert answer["text"].lstrip("\u200f").startswith("حُفظ في مفضلتك")
    assert f"@{BOT_USERNAME}" in answer["text"]


async def test_two_readers_keep_separate_favorites(bot: Bot) -> None:
    article = await bot.article("Budget passes")
    post = await bot.channel_post(article)
    ann, bob = bot.fake.user(601), bot.fake.user(602)
    await bot.press(ann, post, f"fav:{article}")
    await bot.press(bob, post, f"fav:{article}")
    await bot.press(ann, post, f"fav:{article}")
    assert await bot.subscribers.favorites.saved_ids(ann.id) == []
    assert await bot.subscribers.favorites.saved_ids(bob.id) == [article]


@pytest.mark.parametrize(
    "data",
    [
        "fav:abc",
        "fav:-1",
        "fav:0",
        "fav:",
        "fav:1.5",
        "fav:1 ",
        "fav:99999999999999999999999",
        "x" * 64,
        "\u00ff" * 32,
        "zz:1",
        "lt:9999:",
        "sr:1:short",
        "fr:1:abc",
        "lang:xx-yy",
    ],
)
async def test_forged_or_garbage_buttons_get_a_polite_toast(bot: Bot, data: str) -> None:
    article = await bot.article("Anything")
    post = await bot.channel_post(article)
    reader = bot.fake.user(700)
    answer = await bot.press(reader, post, data)
    assert answer["text"] == "Sorry, this button no longer works."
    assert await bot.subscribers.favorites.saved_ids(reader.id) == []


async def test_unknown_or_deleted_article_is_unavailable(bot: Bot) -> None:
    article = await bot.article("Soon deleted")
    post = await bot.channel_post(article)
    reader = bot.fake.user(701)
    async with bot.app.bot_data.services.db.write() as conn:  # the site deletes it
        await conn.execute("DELETE FROM articles WHERE id = $1", article)
    for data in (f"fav:{article}", "fav:99999999"):
        answer = await bot.press(reader, post, data)
        assert answer["text"] == "Sorry, this story is no longer available."
    assert await bot.subscribers.favorites.saved_ids(reader.id) == []


async def test_deleting_an_article_removes_it_from_favorites(bot: Bot) -> None:
    article = await bot.article("Kept then deleted")
    post = await bot.channel_post(article)
    reader = bot.fake.user(702)
    await bot.press(reader, post, f"fav:{article}")
    async with bot.app.bot_data.services.db.write() as conn:
        await conn.execute("DELETE FROM articles WHERE id = $1", article)
    assert await bot.subscribers.favorites.saved_ids(reader.id) == []


async def test_favorites_pages_newest_first_and_remove(bot: Bot) -> None:
    reader = bot.fake.user(800)
    ids = [await bot.article(f"Story number {n}") for n in range(12)]
    post = await bot.channel_post(ids[0])
    for article in ids:  # saved in this order: the last one is the newest favorite
        await bot.press(reader, post, f"fav:{article}")

    first = await bot.send(reader, "/favorites")
    text = bot.fake.message(reader.id, first.result_or_error["message_id"])
    assert text is not None and text.text is not None
    assert "Your favorites · page 1" in text.text
    assert text.text.index("Story number 11") < text.text.index("Story number 2")
    assert "Story number 1\n" not in text.text and "Story number 0" not in text.text
    keyboard = first.params["reply_markup"]["inline_keyboard"]
    removes = [b for row in keyboard for b in row if b["callback_data"].startswith("fr:")]
    assert len(removes) == 10
    assert keyboard[-1] == [{"text": "Next ›", "callback_data": "fv:1"}]

    message_id = first.result_or_error["message_id"]
    await bot.press(reader, message_id, "fv:1", chat=reader.id)
    second = bot.fake.message(reader.id, message_id)
    assert second is not None and second.text is not None
    assert "page 2" in second.text and "Story number 0" in second.text
    assert "Story number 11" not in second.text

    answer = await bot.press(reader, message_id, f"fr:{ids[0]}:1", chat=reader.id)
    assert answer["text"] == "Removed from your favorites"
    assert ids[0] not in await bot.subscribers.favorites.saved_ids(reader.id)
    after = bot.fake.message(reader.id, message_id)
    assert after is not None and after.text is not None and "Story number 0" not in after.text


async def test_empty_favorites_explain_the_star(bot: Bot) -> None:
    call = await bot.send(bot.fake.user(801), "/favorites")
    assert "Press ⭐ under any post in @example_news" in call.params["text"]


async def test_deep_link_saves_and_shows(bot: Bot) -> None:
    article = await bot.article("Deep linked <story> & more")
    reader = bot.fake.user(802)
    saved = await bot.send(reader, f"/start fav_{article}")
    assert "Deep linked &lt;story&gt; &amp; more" in saved.params["text"]
    assert await bot.subscribers.favorites.saved_ids(reader.id) == [article]

    shown = await bot.send(reader, f"/start a_{article}")
    assert "Deep linked &lt;story&gt; &amp; more" in shown.params["text"]
    buttons = shown.params["reply_markup"]["inline_keyboard"][0]
    assert buttons[0]["callback_data"] == f"fav:{article}"

    missing = await bot.send(reader, "/start a_99999")
    assert missing.params["text"] == "Sorry, this story is no longer available."


async def test_retracted_article_is_no_longer_available(bot: Bot) -> None:
    article = await bot.article("Retracted later")
    post = await bot.channel_post(article)
    reader = bot.fake.user(803)
    db = bot.app.bot_data.services.db
    async with db.write() as conn:  # what an editor's /retract records
        await conn.execute("UPDATE articles SET retracted_at = 'now' WHERE id = $1", article)
    answer = await bot.press(reader, post, f"fav:{article}")
    assert answer["text"] == "Sorry, this story is no longer available."
    assert await bot.subscribers.favorites.saved_ids(reader.id) == []


async def test_unposted_article_cannot_be_saved_by_a_forged_press(bot: Bot) -> None:
    embargoed = await bot.article("Embargoed until noon", posted=False)
    post = await bot.channel_post(await bot.article("Posted story"))
    reader = bot.fake.user(804)
    answer = await bot.press(reader, post, f"fav:{embargoed}")
    assert answer["text"] == "Sorry, this story is no longer available."
    deep_link = await bot.send(reader, f"/start fav_{embargoed}")
    assert "Embargoed" not in deep_link.params["text"]
    assert await bot.subscribers.favorites.saved_ids(reader.id) == []
