"""Content checks Telegram applies before accepting a message: markup, lengths, keyboards.

These are the rules a bot trips over in production: a headline with an unescaped ``<``, a long
article summary over 1024 caption units, callback data that grew past 64 bytes. The double
applies them in Telegram's order (parse, trim, then measure in UTF-16) so tests fail the same
way the live channel would.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sandbox.fakeapi.faults import bad_request
from sandbox.fakeapi.html import HtmlParseError, parse_html, utf16_len
from sandbox.fakeapi.models import JsonDict

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _strip(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Trim surrounding whitespace as Telegram does, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    kept: list[JsonDict] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def format_text(text: Any, parse_mode: Any, entities: Any) -> tuple[str, list[JsonDict]]:
    """Apply ``parse_mode`` (or explicit entities) and return trimmed text plus entities.

    HTML is validated like Telegram; MarkdownV2/Markdown are passed through unparsed.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    found: list[JsonDict] = []
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        try:
            text, found = parse_html(text)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc
    elif mode not in ("", "markdown", "markdownv2"):
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    elif isinstance(entities, list):
        found = [e for e in entities if isinstance(e, dict)]
    return _strip(text, found)


def check_text(text: str) -> None:
    """Enforce the 1..4096 UTF-16 unit limit of message text."""
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(caption: str) -> None:
    """Enforce the 1024 UTF-16 unit limit of captions."""
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a string")
    actions = [name for name in _BUTTON_ACTIONS if name in button]
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request("can't parse inline keyboard button: exactly one action is allowed")
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme.lower() not in ("http", "https", "tg"):
            raise bad_request("BUTTON_URL_INVALID")
        if parts.scheme.lower() != "tg" and not parts.netloc:
            raise bad_request("BUTTON_URL_INVALID")


def check_reply_markup(markup: Any) -> JsonDict | None:
    """Validate ``reply_markup``; return it (or None when absent)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup: field must be an Array")
        for row in rows:
            for button in row:
                _check_button(button)
    return markup
