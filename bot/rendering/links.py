"""Which article URLs may become a button or a photo, and in what spelling.

A URL button with a URL Telegram dislikes makes the *whole* send fail ("Wrong HTTP URL"), so an
article's link is only used when it is an absolute http(s) URL, and is re-spelled in plain ASCII:
the host in IDNA, anything outside RFC 3986's characters (spaces, quotes, ``<>``, Arabic slugs)
percent-encoded as UTF-8. Buttons carry the URL as data, not markup, so it is never HTML-escaped.
"""

from __future__ import annotations

import string
from urllib.parse import quote, urlsplit, urlunsplit

# Unreserved and reserved characters of RFC 3986, plus "%" so existing escapes survive.
_URL_SAFE = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
_SCHEMES = frozenset({"http", "https"})
# Button URLs are sent inside a JSON request; a sane bound keeps a garbage field from bloating it.
_MAX_URL_LENGTH = 2048


def _encode(part: str) -> str:
    return "".join(char if char in _URL_SAFE else quote(char, safe="") for char in part)


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in text)


def _ascii_netloc(netloc: str) -> str | None:
    """The host part in ASCII (IDNA for an internationalised domain), or None if it has none."""
    try:
        ascii_netloc = netloc.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return ascii_netloc if all(char in _URL_SAFE for char in ascii_netloc) else None


def safe_http_url(url: str | None) -> str | None:
    """The URL re-spelled for Telegram, or None when it is not a usable absolute http(s) URL."""
    candidate = (url or "").strip()
    if not candidate or _has_control(candidate):
        return None
    try:
        parts = urlsplit(candidate)
        hostname = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 literal
        return None
    netloc = _ascii_netloc(parts.netloc)
    if parts.scheme.lower() not in _SCHEMES or not hostname or netloc is None:
        return None
    encoded = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            _encode(parts.path),
            _encode(parts.query),
            _encode(parts.fragment),
        )
    )
    return encoded if len(encoded) <= _MAX_URL_LENGTH else None
