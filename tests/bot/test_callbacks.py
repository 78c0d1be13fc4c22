"""Every button's callback data fits Telegram's 64 bytes, reads back as written, and nothing
else reads as a button: one anchoring (fullmatch), bounded numbers, unknown data is None."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from telegram import InlineKeyboardMarkup
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.app import build_application
from bot.callbacks import (
    KINDS,
    MAX_ID,
    BreakingAction,
    BreakingChannel,
    BreakingDecision,
    Callback,
    ChooseLanguage,
    FavoritesPage,
    HeldDecision,
    LatestPage,
    RemoveFavorite,
    RetractDecision,
    SaveFavorite,
    SearchResults,
    SetAlerts,
    ShowCategory,
    UncertainDecision,
)
from bot.config import Settings
from bot.subscribers import views
from bot.subscribers.news import Category, short_key
from bot.subscribers.pages import MAX_PAGE, Page
from handlers.presses import Press, read_press
from tests.rendering.helpers import make_article

LONGEST_NAME = "a category name far longer than sixty-four bytes " * 40 + "عربي" * 50
KEY = short_key(LONGEST_NAME)

# Each kind with the largest values it can carry.
LARGEST: list[Callback] = [
    SaveFavorite(MAX_ID),
    FavoritesPage(MAX_PAGE),
    RemoveFavorite(MAX_ID, MAX_PAGE),
    LatestPage(MAX_PAGE, KEY),
    LatestPage(MAX_PAGE, None),
    SearchResults(MAX_PAGE, KEY),
    ShowCategory(KEY),
    ChooseLanguage("zz"),
    SetAlerts(on=False),
    *(BreakingDecision(action, MAX_ID) for action in BreakingAction),
    BreakingChannel(MAX_ID, 99),
    RetractDecision(confirm=True, article_id=MAX_ID),
    RetractDecision(confirm=False, article_id=MAX_ID),
    HeldDecision(run=False, held_id=MAX_ID),
    UncertainDecision(post_again=True, article_id=MAX_ID),
    UncertainDecision(post_again=False, article_id=MAX_ID),
]

# Buttons already out there (channel posts keep theirs forever): they must keep working.
WIRE = {
    "fav:75123": SaveFavorite(75123),
    "fv:3": FavoritesPage(3),
    "fr:5:2": RemoveFavorite(5, 2),
    "lt:0:": LatestPage(0, None),
    "lt:2:abcdEF_-": LatestPage(2, "abcdEF_-"),
    "sr:1:abcd-fgh": SearchResults(1, "abcd-fgh"),
    "ct:abcdefgh": ShowCategory("abcdefgh"),
    "lang:ar": ChooseLanguage("ar"),
    "al:on": SetAlerts(on=True),
    "al:off": SetAlerts(on=False),
    "brk:pub:5": BreakingDecision(BreakingAction.PUBLISH, 5),
    "brk:again:5": BreakingDecision(BreakingAction.PUBLISH_AGAIN, 5),
    "brk:cancel:5": BreakingDecision(BreakingAction.CANCEL, 5),
    "brc:5:0": BreakingChannel(5, 0),
    "brc:5:12": BreakingChannel(5, 12),
    "rtr:yes:5": RetractDecision(confirm=True, article_id=5),
    "rtr:no:5": RetractDecision(confirm=False, article_id=5),
    "held:run:5": HeldDecision(run=True, held_id=5),
    "held:drop:5": HeldDecision(run=False, held_id=5),
    "unc:again:5": UncertainDecision(post_again=True, article_id=5),
    "unc:done:5": UncertainDecision(post_again=False, article_id=5),
}


def test_every_kind_fits_at_its_largest_and_reads_back() -> None:
    assert {type(button) for button in LARGEST} == set(KINDS)  # a new kind must be listed
    for button in LARGEST:
        assert len(button.data.encode()) <= 64, button
        assert type(button).parse(button.data) == button
        assert callbacks.parse(button.data) == button


@pytest.mark.parametrize("data", WIRE)
def test_the_wire_format_of_existing_buttons_is_kept(data: str) -> None:
    assert callbacks.parse(data) == WIRE[data]
    assert WIRE[data].data == data
    assert type(WIRE[data]).matches(data)


NEAR_MISSES = [
    *(f"{data}\n" for data in WIRE),  # `$` accepted a trailing newline
    *(f"{data}!" for data in WIRE),
    *(f"{data}:1" for data in WIRE),
    *(f" {data}" for data in WIRE),
    *(data.upper() for data in WIRE),
    "fav:01",
    "fav:0",
    "fav:-1",
    "fav:+1",
    "fav:1.0",
    "fav: 1",
    "fav:",
    "fav",
    "fav:١٢",  # Arabic-Indic digits: int() would take them
    "fav:１",  # fullwidth
    f"fav:{MAX_ID + 1}",
    f"fav:{10**19}",
    "fav:1:2",
    "fv:1000",
    "fv:01",
    "fr:1:1:1",
    "fr:1",
    "lt:1:abc",
    "lt:1",
    "lt:1:abcdefghi",
    "lt:1:abcd efg",
    "sr:1:",
    "ct:",
    "ct:abcdefg",
    "lang:",
    "lang:a",
    "lang:english",
    "lang:xx-yy",
    "lang:eng",
    "al:maybe",
    "al:",
    "brk:yes:1",
    "rtr:pub:1",
    "held:again:1",
    "unc:run:1",
    "brk:pub:0",
    "brk:pub:00",
    f"unc:done:{MAX_ID + 1}",
    "brk::1",
    "brc:1:100",
    "brc:1:01",
    "brc:1:-1",
    "brc:0:1",
    "brc:1",
    "brc:1:١",
    "x" * 65,
    "",
    ":",
    "like:1",
]


@pytest.mark.parametrize("data", NEAR_MISSES)
def test_near_misses_are_none(data: str) -> None:
    assert callbacks.parse(data) is None
    assert not any(kind.matches(data) for kind in KINDS)
    assert all(kind.parse(data) is None for kind in KINDS)


def test_data_that_is_not_text_is_none() -> None:
    for data in (None, 5, b"fav:1", object()):
        assert callbacks.parse(data) is None
        assert not SaveFavorite.matches(data)


@pytest.mark.parametrize(
    "build",
    [
        lambda: SaveFavorite(0),
        lambda: SaveFavorite(MAX_ID + 1),
        lambda: FavoritesPage(MAX_PAGE + 1),
        lambda: FavoritesPage(-1),
        lambda: RemoveFavorite(1, 1000),
        lambda: LatestPage(0, "short"),
        lambda: SearchResults(0, LONGEST_NAME),
        lambda: ShowCategory("a:b:c:d:"),
        lambda: ChooseLanguage("ar\n"),
        lambda: HeldDecision(run=True, held_id=-5),
    ],
)
def test_a_button_that_would_not_read_back_cannot_be_built(build: object) -> None:
    with pytest.raises(ValueError, match="cannot be"):
        build()  # type: ignore[operator]


def _data(markup: InlineKeyboardMarkup | None) -> list[str]:
    assert markup is not None
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


def test_the_longest_category_name_rides_as_its_key() -> None:
    category = Category(LONGEST_NAME, 10**9, KEY)
    ctx = views.ListContext("en", ZoneInfo("UTC"), "example_bot")
    page = Page([make_article(id=MAX_ID)], MAX_PAGE - 1, True)
    shown = [
        *_data(views.categories_reply([category], "en").keyboard),
        *_data(views.latest_reply(page, category, ctx).keyboard),
        *_data(views.favorites_reply(page, ctx, "@example_news").keyboard),
    ]
    assert len(shown) == 6  # the category; Prev and Next twice; remove one
    for data in shown:
        assert len(data.encode()) <= 64, data
        assert callbacks.parse(data) is not None, data


def test_every_callback_handler_reads_with_the_module(
    make_settings: object,
) -> None:
    settings: Settings = make_settings()  # type: ignore[operator]
    app = build_application(settings)
    handlers = [
        h for group in app.handlers.values() for h in group if isinstance(h, CallbackQueryHandler)
    ]
    patterns = [h.pattern for h in handlers]
    assert patterns.count(None) == 1  # the fallback for stale buttons, answered politely
    handled = {getattr(p, "__self__", None) for p in patterns if p is not None}
    # Every kind has a handler, every handler is a kind's; ⭐ presses are read from the raw
    # update before python-telegram-bot (handlers.presses), with the module's parser too.
    assert handled == set(KINDS) - {SaveFavorite}
    press = {"callback_query": {"id": "q", "from": {"id": 5}, "data": SaveFavorite(7).data}}
    assert read_press(press) == Press("q", 5, None, 7)
    assert read_press({"callback_query": {**press["callback_query"], "data": "fav:7\n"}}) is None


def test_a_drafts_preview_shows_a_star_that_does_nothing() -> None:
    assert SaveFavorite.under_post(7) == "fav:7"
    assert callbacks.parse(SaveFavorite.under_post(0)) is None  # a preview's draft has id 0
    with pytest.raises(ValueError, match="cannot be"):
        SaveFavorite.under_post(-1)
