"""Pydantic's validation errors as one line each, for an operator editing a TOML file.

Each line names the key as the file spells it (`sources[0].url`), says what was expected in
plain words, and shows what was given, with a password in a URL masked and anything shaped like
a bot token redacted (a token pasted into the wrong key must not be echoed back).
"""

from __future__ import annotations

import re
from typing import Any

from bot.redaction import redact

_URL_USERINFO = re.compile(r"(://)[^/?#@\s]*@")

# Pydantic's strict-type messages, in the words of someone editing a TOML file.
_TYPE_MESSAGES = {
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "string_type": "expected a string in quotes",
}


def _toml_value(value: str | int | float | bool) -> str:
    """A value as it reads in TOML (`true`, not `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _key_path(parts: tuple[int | str, ...]) -> str:
    """`sources[0].url`: list positions in brackets, as an operator reads `[[sources]]`."""
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return path.lstrip(".") or "(top level)"


def describe(error: Any) -> str:
    """One line naming the key, the problem and what was given, with no token in it."""
    loc = _key_path(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return redact(f"{loc}: unknown key (check the spelling; see config.example.toml)")
    if kind == "missing":
        return f"{loc}: required key is missing"
    message = _TYPE_MESSAGES.get(kind, str(error["msg"]).removeprefix("Value error, "))
    if "token" in loc:  # never echo a token back, even a malformed one
        return f"{loc}: {message}"
    shown = error.get("input")
    if isinstance(shown, str):
        shown = _URL_USERINFO.sub(r"\1***@", shown)  # a password in a URL is never echoed
    if isinstance(shown, (str, int, float, bool)):
        return redact(f"{loc}: {message} (got {_toml_value(shown)})")
    return redact(f"{loc}: {message}")
