"""Every sentence a user reads, in every language newsdesk speaks.

Texts are Telegram HTML (the parse mode is set once, in the app's `Defaults`); placeholders are
filled with already-escaped values by the caller. English is the fallback for any language we
do not have, and a test fails if a key exists in one language but not another.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "start": (
            "👋 This is the <b>{site}</b> news bot.\n\n"
            "Every new article appears in our channel. Press ⭐ under any post there to save it "
            "for later.\n\nSend /help to see what I can do."
        ),
        "help": (
            "<b>{site}</b> news bot\n\n"
            "/start — welcome\n"
            "/help — this list\n\n"
            "To save a story, press ⭐ under its post in the channel."
        ),
    },
    "ar": {
        "start": (
            "👋 هذا بوت أخبار <b>{site}</b>.\n\n"
            "تظهر كل المقالات الجديدة في قناتنا. اضغط ⭐ تحت أي منشور هناك لحفظه لوقت لاحق."
            "\n\nأرسل /help لمعرفة ما يمكنني فعله."
        ),
        "help": (
            "بوت أخبار <b>{site}</b>\n\n"
            "/start — الترحيب\n"
            "/help — هذه القائمة\n\n"
            "لحفظ خبر، اضغط ⭐ تحت منشوره في القناة."
        ),
    },
}

# Right-to-left languages get a right-to-left mark before each line that starts with a neutral
# or left-to-right token (a command, an emoji), so clients lay the message out right-to-left.
_RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
_RLM = "\u200f"


def pick_language(code: str | None) -> str:
    """The catalogue language for a Telegram `language_code` such as 'ar-EG'."""
    if code:
        base = code.split("-", 1)[0].lower()
        if base in MESSAGES:
            return base
    return DEFAULT_LANGUAGE


def text(key: str, language: str, **values: str) -> str:
    """The message `key` in `language` (falling back to English), with placeholders filled."""
    table = MESSAGES.get(language, MESSAGES[DEFAULT_LANGUAGE])
    template = table.get(key) or MESSAGES[DEFAULT_LANGUAGE][key]
    message = template.format(**values)
    if language in _RTL_LANGUAGES:
        message = "\n".join(_RLM + line if line else line for line in message.split("\n"))
    return message
