"""A burst of ⭐ presses through the lean path: every press stored, each answered once."""

from __future__ import annotations

from sandbox.fakeapi import FakeTelegram
from tests.support import CHANNEL_ID, HandlerErrors, StartBot

from .conftest import Bot

PRESSES = 300


async def test_a_burst_is_answered_in_each_readers_language_and_stored(bot: Bot) -> None:
    article = await bot.article("Storm over the capital")
    post = await bot.channel_post(article)
    readers = [
        bot.fake.user(10_000 + n, f"R{n}", "ar" if n % 3 == 0 else "en") for n in range(PRESSES)
    ]
    queries = [bot.fake.press_button(r, CHANNEL_ID, post, f"fav:{article}") for r in readers]
    answers = [await bot.fake.wait_for(lambda q=q: bot.fake.callback_answers(q)) for q in queries]
    arabic = [a for a in answers if a["text"].lstrip("\u200f").startswith("حُفظ في مفضلتك")]
    english = [a for a in answers if a["text"].startswith("Saved to your favorites")]
    assert (len(arabic), len(english)) == (PRESSES // 3, PRESSES - PRESSES // 3)
    for reader in readers:
        assert await bot.subscribers.favorites.saved_ids(reader.id) == [article]
    assert len(bot.fake.calls_of("answerCallbackQuery")) == PRESSES  # once each


async def test_presses_in_hand_when_the_bot_stops_are_all_stored(
    start_bot: StartBot, fake: FakeTelegram
) -> None:
    readers = [fake.user(20_000 + n, f"S{n}", "en") for n in range(PRESSES)]
    async with start_bot(publishing={"enabled": False}) as app:
        running = Bot(app, fake, app.bot_data.services.settings, HandlerErrors().errors)
        article = await running.article("Breaking: dam holds")
        post = await running.channel_post(article)
        for reader in readers:
            fake.press_button(reader, CHANNEL_ID, post, f"fav:{article}")
        await fake.wait_for(lambda: fake.pending_update_count == 0 or None)
    # The first bot stopped with presses in hand; a second one reads the same store.
    async with start_bot(publishing={"enabled": False}) as app:
        favorites = app.bot_data.services.subscribers.favorites
        for reader in readers:
            assert await favorites.saved_ids(reader.id) == [article]
