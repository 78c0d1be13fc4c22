"""Is this string a URL newsdesk can fetch? One answer for config, `/post <url>` and redirects.

A URL typed into config.toml or sent by an editor is checked here, at the door, so that a typo
is reported where it was made (a config key, an editor's reply) instead of surfacing later as
an exception deep inside an HTTP library. The fetcher checks every redirect target the same way.
Only the *shape* is judged here; whether the host's addresses may be reached is the address
guard's question (`bot.sources.addresses`), asked at fetch time.

Credentials (`http://user:secret@host/`) are refused: the URL is shown in logs, `/status`, the
audit log and error replies, so a password in it would leak, and no news feed needs one.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

from bot.domain.errors import InvalidURLError

SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def check_url(url: str) -> str:
    """Return `url` unchanged if it is a fetchable http(s) URL; else raise `InvalidURLError`."""
    if not url:
        raise InvalidURLError("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURLError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if _UNSAFE.search(url):
        raise InvalidURLError("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidURLError(f"the URL cannot be parsed ({_reason(exc)})") from None
    if parts.scheme.lower() not in SCHEMES:
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise InvalidURLError(f"only http:// and https:// URLs can be fetched (got {shown})")
    if parts.username is not None or parts.password is not None:
        raise InvalidURLError("the URL carries a user name or password; remove them")
    if not parts.hostname:
        raise InvalidURLError("the URL has no host")
    _check_port(parts.netloc)
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise InvalidURLError(f"the URL cannot be parsed ({_reason(exc)})") from None
    _check_host(host)
    return url


def _check_port(netloc: str) -> None:
    """The port, if any, is a number from 1 to 65535 (urlsplit accepts 0 and says less)."""
    hostport = netloc.rpartition("@")[2]
    after_host = hostport.partition("]")[2] if hostport.startswith("[") else hostport
    if ":" not in after_host:
        return
    text = after_host.rpartition(":")[2]
    if not text:
        return  # "host:" means the default port
    if not text.isascii() or not text.isdigit():
        raise InvalidURLError(f"the port {text!r} is not a number")
    if not 1 <= int(text) <= 65_535:
        raise InvalidURLError(f"port {int(text)} is out of range (1-65535)")


def _check_host(host: str) -> None:
    """An IP literal, or a DNS name whose every label is letters, digits, `-` or `_`."""
    if ":" in host or host.replace(".", "").isdigit():
        return  # an IP literal: httpx has parsed it already (it refuses malformed ones)
    name = host.removesuffix(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise InvalidURLError(f"{host!r} is not a valid host name")


def _reason(exc: Exception) -> str:
    return str(exc).rstrip(".") or type(exc).__name__
