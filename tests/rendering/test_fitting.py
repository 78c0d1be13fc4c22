"""`fit_html`: any editor message fits Telegram's limit as Telegram measures it, and parses.

Checked with the fake Bot API's own parser of Telegram HTML (what the bot is judged by in every
wire test): the fitted text parses, is at most the limit in UTF-16 units after parsing, and
begins with what the original showed. Deterministic seeds name a failing case.
"""

from __future__ import annotations

import random

import pytest

from bot.rendering import CAPTION_LIMIT, TEXT_LIMIT, escape_html
from bot.rendering.fitting import fit_html, visible_len
from sandbox.fakeapi.html import parse_html
from sandbox.fakeapi.html import utf16_len as telegram_len

WORDS = [
    "source",
    "فشل",
    "🔴",
    "👩🏽‍💻",
    "a&b",
    "<x>",
    '"q"',
    "naïve",
    "e\u0301",
    "x" * 90,
    "\u200f",
]


def _message(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 400)):
        text = escape_html(" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30))))
        shape = rng.randint(0, 5)
        if shape == 0:
            text = f"<b>{text}</b> tail"
        elif shape == 1:
            text = f'<a href="https://x.example/?a=1&amp;b=2">{text}</a>'
        elif shape == 2:
            text = f"<code>{text}</code>"
        lines.append(text)
    message = "\n".join(lines)
    if rng.random() < 0.3:
        message = f"<pre>{message}</pre>"  # one tag across every line: no clean line end
    return message


@pytest.mark.parametrize("seed", range(300))
def test_fitted_messages_parse_and_fit(seed: int) -> None:
    rng = random.Random(seed)
    message = _message(rng)
    limit = rng.choice([TEXT_LIMIT, CAPTION_LIMIT, 200])
    fitted = fit_html(message, limit)
    shown, _entities = parse_html(fitted)
    original, _ = parse_html(message)
    assert telegram_len(shown) <= limit
    if telegram_len(original) <= limit:
        assert fitted == message
    else:
        cut = shown.split("\n… and ")[0].removesuffix("…").rstrip()
        assert original.startswith(cut)


def test_whole_lines_are_dropped_and_counted() -> None:
    message = "\n".join(f"🔴 <b>source-{n}</b>: failing" for n in range(1000))
    fitted = fit_html(message)
    assert visible_len(fitted) <= TEXT_LIMIT
    assert fitted.endswith("more lines")
    kept = fitted.count("\n")
    assert f"… and {1000 - kept} more lines" in fitted
    assert fitted.split("\n")[kept - 1].endswith("</b>: failing")
