"""The proxy for the Bot API, read from the environment once.

aiohttp's `trust_env=True` looks the proxy up (and reads `~/.netrc`) on every request, in a
worker thread: in the ⭐-storm profile that was half the cost of an answer. The environment does
not change while the bot runs, so the answer is computed at start and passed to each request.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass


def proxy_for(url: str) -> str | None:
    """`HTTPS_PROXY` / `HTTP_PROXY` (as `NO_PROXY` allows) for `url`, or `None`."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host or proxy_bypass(host):
        return None
    return getproxies().get(parts.scheme) or None
