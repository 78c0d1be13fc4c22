"""Callback data of every subscriber button: how it is written and how it is read back.

Telegram returns callback data verbatim from whoever presses, so it is untrusted input: it is
parsed with anchored patterns, numbers are bounded, and anything else is simply "not ours".
Patterns end in `\\Z` because python-telegram-bot applies them with `re.match`. Every string
built here stays far below Telegram's 64-byte limit.
"""

from __future__ import annotations

import re

from bot.rendering import SAVE_CALLBACK_PREFIX

# Article ids are SQLite rowids: positive and at most 19 digits; 18 keeps them inside int64.
_ID = r"[1-9][0-9]{0,17}"
_PAGE = r"(?:0|[1-9][0-9]{0,2})"
_KEY = r"[A-Za-z0-9_-]{8}"

FAVORITE = re.compile(rf"{re.escape(SAVE_CALLBACK_PREFIX)}({_ID})\Z")
FAVORITES_PAGE = re.compile(rf"fv:({_PAGE})\Z")
FAVORITE_REMOVE = re.compile(rf"fr:({_ID}):({_PAGE})\Z")
LATEST_PAGE = re.compile(rf"lt:({_PAGE}):({_KEY})?\Z")
SEARCH_PAGE = re.compile(rf"sr:({_PAGE}):({_KEY})\Z")
CATEGORY = re.compile(rf"ct:({_KEY})\Z")
LANGUAGE = re.compile(r"lang:([a-z]{2})\Z")
ALERTS = re.compile(r"al:(on|off)\Z")


def favorites_page(number: int) -> str:
    """Go to page `number` of /favorites."""
    return f"fv:{number}"


def favorite_remove(article_id: int, number: int) -> str:
    """Remove one favorite and redraw page `number`."""
    return f"fr:{article_id}:{number}"


def latest_page(number: int, category_key: str | None) -> str:
    """Page `number` of /latest (of one category)."""
    return f"lt:{number}:{category_key or ''}"


def search_page(number: int, key: str) -> str:
    """Page `number` of a remembered search."""
    return f"sr:{number}:{key}"


def category(key: str) -> str:
    """The latest articles of one category."""
    return f"ct:{key}"


def language(code: str) -> str:
    """Choose a language."""
    return f"lang:{code}"


def alerts(on: bool) -> str:
    """Turn alerts on or off."""
    return f"al:{'on' if on else 'off'}"
