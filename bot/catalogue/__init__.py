"""Every sentence a user reads — subscribers and editors — in every language newsdesk speaks.

Texts are Telegram HTML (the parse mode is set once, in the app's `Defaults`); placeholders are
filled with already-escaped values by the caller. Keys starting with `toast_`, `cmd_`, `nav_`,
`button_` or `alerts_button_` are plain text (callback toasts, command menus, button labels), so
they hold no markup. English is the fallback for any language we do not have.

Why a Python catalogue and not gettext/Babel: two languages, reviewed in the code they serve; a
key is a `Literal` type (`bot.catalogue.keys`), so a misspelt key fails mypy where gettext
would show the English msgid at run time; completeness is a test over the catalogue's own keys
(every key in every language, the same placeholders, every plural form). Plural forms — the one
thing gettext would bring — are six for Arabic and fit in `bot.catalogue.plurals` (CLDR's rule
in ten lines), without a compile step or a `.mo` file to ship.

Right to left: one definition (`bot.rendering.direction`), used here and by every renderer; in
such a language every line gets a right-to-left mark, so a line that starts with a command, an
emoji, a digit or a Latin name is still laid out right to left.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.catalogue import editors_ar, editors_en, readers
from bot.catalogue.keys import EditorKey, Key, PluralKey, ReaderKey
from bot.catalogue.plurals import CATEGORIES, Category, category
from bot.rendering.direction import RLM, is_rtl_language

__all__ = [
    "CATEGORIES",
    "DEFAULT_LANGUAGE",
    "LANGUAGE_NAMES",
    "MESSAGES",
    "MONTHS",
    "PLURALS",
    "Category",
    "Compose",
    "EditorKey",
    "Key",
    "PluralKey",
    "ReaderKey",
    "is_rtl",
    "month",
    "phrase",
    "pick_language",
    "plural",
    "text",
    "unmarked",
    "weekday",
]

DEFAULT_LANGUAGE = "en"

# A message written per language: given a catalogue language, its text (a notice to editors
# who each read their own language).
Compose = Callable[[str], str]

# Each language named in itself, for the /language buttons.
LANGUAGE_NAMES = {"en": "English", "ar": "العربية"}


def _merge(
    readers_texts: dict[ReaderKey, str], editors_texts: dict[EditorKey, str]
) -> dict[Key, str]:
    """One language's table: the subscribers' texts and the editors'."""
    table: dict[Key, str] = {}
    for reader_key, value in readers_texts.items():
        table[reader_key] = value
    for editor_key, value in editors_texts.items():
        table[editor_key] = value
    return table


MESSAGES: dict[str, dict[Key, str]] = {
    "en": _merge(readers.EN, editors_en.TEXTS),
    "ar": _merge(readers.AR, editors_ar.TEXTS),
}
PLURALS: dict[str, dict[PluralKey, dict[Category, str]]] = {
    "en": editors_en.PLURALS,
    "ar": editors_ar.PLURALS,
}
MONTHS: dict[str, tuple[str, ...]] = {"en": editors_en.MONTHS, "ar": editors_ar.MONTHS}
WEEKDAYS: dict[str, tuple[str, ...]] = {"en": editors_en.WEEKDAYS, "ar": editors_ar.WEEKDAYS}


def pick_language(code: str | None) -> str:
    """The catalogue language for a Telegram `language_code` such as 'ar-EG'."""
    if code:
        base = code.replace("_", "-").split("-", 1)[0].strip().lower()
        if base in MESSAGES:
            return base
    return DEFAULT_LANGUAGE


def is_rtl(language: str) -> bool:
    """Whether replies in this language read right to left (the one definition's answer)."""
    return is_rtl_language(language)


def text(key: Key, language: str, **values: object) -> str:
    """The message `key` in `language` (falling back to English), with placeholders filled."""
    return _directed(phrase(key, language, **values), language)


def phrase(key: Key, language: str, **values: object) -> str:
    """Like `text`, without direction marks: for a phrase that goes inside another text (a
    time, a state, a reason); the text around it carries the marks, once, at its lines' starts.
    """
    if language not in MESSAGES:
        language = DEFAULT_LANGUAGE
    template = MESSAGES[language].get(key) or MESSAGES[DEFAULT_LANGUAGE][key]
    return template.format(**values)


def unmarked(key: Key, language: str) -> str:
    """A text without direction marks, for a renderer that marks its lines itself."""
    if language not in MESSAGES:
        language = DEFAULT_LANGUAGE
    return MESSAGES[language].get(key) or MESSAGES[DEFAULT_LANGUAGE][key]


def plural(
    key: PluralKey,
    language: str,
    count: float,
    *,
    mark: bool = True,
    grouped: bool = False,
    **values: object,
) -> str:
    """The form of `key` that `count` takes in `language` ("3 sources" / "3 مصادر").

    `mark=False` for a phrase inside another text (see `phrase`); `grouped=True` writes a
    large whole count with thousands separators ("412,000 readers").
    """
    if language not in PLURALS:
        language = DEFAULT_LANGUAGE
    forms = PLURALS[language][key]
    template = forms.get(category(language, count)) or forms["other"]
    shown = f"{count:g}" if isinstance(count, float) else f"{count:,}" if grouped else str(count)
    message = template.format(count=shown, **values)
    return _directed(message, language) if mark else message


def month(language: str, number: int) -> str:
    """The short name of month `number` (1–12) as the editors' times show it."""
    return MONTHS.get(language, MONTHS[DEFAULT_LANGUAGE])[number - 1]


def weekday(language: str, number: int) -> str:
    """The short name of weekday `number` (0 is Monday, as `date.weekday()`)."""
    return WEEKDAYS.get(language, WEEKDAYS[DEFAULT_LANGUAGE])[number]


def _directed(message: str, language: str) -> str:
    """In a right-to-left language, a mark before every line fixes each line's direction."""
    if language not in MESSAGES or not is_rtl(language):
        return message
    return "\n".join(RLM + line if line else line for line in message.split("\n"))
