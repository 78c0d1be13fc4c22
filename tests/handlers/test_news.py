"""/latest, /breaking, /categories and /search through the real bot and store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .conftest import Bot

HOSTILE_QUERIES = [
    '"',
    '"unbalanced',
    "elect*",
    "*",
    "-budget",
    "budget -",
    "NEAR",
    "budget NEAR vote",
    "NEAR(budget vote, 2)",
    "budget AND",
    "AND OR NOT",
    "(budget",
    "budget))",
    "title:budget",
    "^budget",
    "{budget}",
    "budget" + " x" * 1998,
    "ب" * 4000,
]


async def test_latest_lists_posted_newest_first_and_pages(bot: Bot) -> None:
    for n in range(12):
        await bot.article(f"Headline {n}", age=timedelta(hours=20 - n))
    await bot.article("Not posted yet", posted=False, age=timedelta(minutes=1))
    reader = bot.fake.user(900)
    call = await bot.send(reader, "/latest")
    text = bot.shown(call)
    assert "Latest news · page 1" in text
    assert text.index("Headline 11") < text.index("Headline 2")
    assert "Headline 1\n" not in text and "Not posted yet" not in text
    nav = call.params["reply_markup"]["inline_keyboard"][-1]
    assert nav == [{"text": "Next ›", "callback_data": "lt:1:"}]

    message_id = call.result_or_error["message_id"]
    await bot.press(reader, message_id, "lt:1:", chat=reader.id)
    shown = bot.fake.message(reader.id, message_id)
    assert shown is not None and shown.text is not None
    assert "Headline 0" in shown.text and "Headline 11" not in shown.text


async def test_latest_of_a_category_and_an_unknown_one(bot: Bot) -> None:
    await bot.article("Match report", category="Sports")
    await bot.article("Summit", category="International News")
    reader = bot.fake.user(901)
    call = await bot.send(reader, "/latest international_news")
    text = bot.shown(call)
    assert "Latest in International News" in text
    assert "Summit" in text and "Match report" not in text
    unknown = await bot.send(reader, "/latest <Weather>")
    assert unknown.params["text"] == "There is no category “&lt;Weather&gt;”. See /categories."


async def test_categories_with_counts_and_buttons(bot: Bot) -> None:
    await bot.article("One", category="Sports")
    await bot.article("Two", category="Sports")
    await bot.article("Three", category="Économie & Marchés")
    reader = bot.fake.user(902)
    call = await bot.send(reader, "/categories")
    rows = call.params["reply_markup"]["inline_keyboard"]
    labels = [row[0]["text"] for row in rows]
    assert labels == ["Sports (2)", "Économie & Marchés (1)"]
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in rows)

    since = len(bot.fake.calls)
    await bot.press(
        reader, call.result_or_error["message_id"], rows[1][0]["callback_data"], chat=reader.id
    )
    listed = await bot.fake.wait_for_call("sendMessage", since=since)
    assert "Latest in Économie &amp; Marchés" in listed.params["text"]
    text = bot.shown(listed)
    assert "Three" in text and "One" not in text


async def test_breaking_shows_the_last_day_only(bot: Bot) -> None:
    reader = bot.fake.user(903)
    none = await bot.send(reader, "/breaking")
    assert none.params["text"] == "No breaking news right now."
    await bot.article("Old alarm", breaking=True, age=timedelta(hours=30))
    await bot.article("Quake hits", breaking=True, age=timedelta(hours=2))
    await bot.article("Fresh alarm", breaking=True, age=timedelta(minutes=5))
    await bot.article("Routine", age=timedelta(minutes=1))
    call = await bot.send(reader, "/breaking")
    text = bot.shown(call)
    assert text.index("Fresh alarm") < text.index("Quake hits")
    assert "Old alarm" not in text and "Routine" not in text


async def test_search_ranks_and_pages(bot: Bot) -> None:
    await bot.article("Budget vote delayed", summary="Parliament postpones the budget.")
    await bot.article("Weather", body="A word about the budget deep in the body.")
    for n in range(11):
        await bot.article(f"Filler {n}", body="elections everywhere", age=timedelta(days=n))
    reader = bot.fake.user(904)
    call = await bot.send(reader, "/search budget")
    text = bot.shown(call)
    assert text.index("Budget vote delayed") < text.index("Weather")

    paged = await bot.send(reader, "/search elections")
    nav = paged.params["reply_markup"]["inline_keyboard"][-1]
    assert nav[0]["text"] == "Next ›"
    await bot.press(
        reader, paged.result_or_error["message_id"], nav[0]["callback_data"], chat=reader.id
    )
    second = bot.fake.message(reader.id, paged.result_or_error["message_id"])
    assert second is not None and second.text is not None and "Filler 10" in second.text


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
async def test_hostile_queries_are_searched_as_words(bot: Bot, query: str) -> None:
    await bot.article("Budget vote", summary="near the end, and or not")
    call = await bot.send(bot.fake.user(905), f"/search {query}")
    text = bot.shown(call)
    assert text.startswith(("🔎 Results for", "Nothing found for", "Send /search"))
    if "budget" in query.lower().split()[0] or query.startswith("-budget"):
        assert "Budget vote" in text


async def test_empty_search_gets_the_usage_line(bot: Bot) -> None:
    for query in ("/search", "/search   ", "/search ***"):
        call = await bot.send(bot.fake.user(906), query)
        assert call.params["text"].startswith("Send /search followed by")


@pytest.mark.parametrize(
    "query", ["محمد", "مُحَمَّد", "العربية", "الـعـربـيـة", "احمد", "أحمد", "المستشفي", "إلى"]
)
async def test_arabic_search_ignores_diacritics(bot: Bot, query: str) -> None:
    await bot.article(
        "زيارة مُحَمَّد إلى المستشفى", summary="أحمد يتحدث اللغة العَرَبِيَّة", category="محلي"
    )
    call = await bot.send(bot.fake.user(907, language_code="ar"), f"/search {query}")
    assert "زيارة" in bot.shown(call)
    assert call.params["text"].startswith("\u200f")
