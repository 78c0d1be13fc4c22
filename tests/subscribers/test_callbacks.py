"""Every button's callback data fits Telegram's 64 bytes and reads back as written."""

from __future__ import annotations

from bot.subscribers import callbacks
from bot.subscribers.news import short_key
from bot.subscribers.pages import MAX_PAGE

BIGGEST_ID = 10**18 - 1


def test_built_data_fits_and_parses_back() -> None:
    key = short_key("a category name far longer than sixty-four bytes " * 4 + "عربي")
    built = {
        callbacks.favorites_page(MAX_PAGE): callbacks.FAVORITES_PAGE,
        callbacks.favorite_remove(BIGGEST_ID, MAX_PAGE): callbacks.FAVORITE_REMOVE,
        callbacks.latest_page(MAX_PAGE, key): callbacks.LATEST_PAGE,
        callbacks.latest_page(0, None): callbacks.LATEST_PAGE,
        callbacks.search_page(MAX_PAGE, key): callbacks.SEARCH_PAGE,
        callbacks.category(key): callbacks.CATEGORY,
        callbacks.language("ar"): callbacks.LANGUAGE,
        callbacks.alerts(True): callbacks.ALERTS,
        f"fav:{BIGGEST_ID}": callbacks.FAVORITE,
    }
    for data, pattern in built.items():
        assert len(data.encode()) <= 64, data
        assert pattern.match(data), data


def test_near_misses_are_refused() -> None:
    for data in ("fav:1\n", "fav:01", "fv:1000", "fr:1:1:1", "lt:1:abc", "al:maybe"):
        patterns = (callbacks.FAVORITE, callbacks.FAVORITES_PAGE, callbacks.FAVORITE_REMOVE,
                    callbacks.LATEST_PAGE, callbacks.ALERTS)  # fmt: skip
        assert not any(p.match(data) for p in patterns), data
