"""Article identity: the one key that makes "the same story" the same row.

The order is fixed by the foundation issue: a source's guid, else the URL normalised so that
tracking parameters and cosmetic differences do not create duplicates, else a SHA-256 of title
and publication time. A short hash would make distinct stories collide, so none is used.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_EXACT = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_EXACT


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment, tracking parameters and default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{host}"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((scheme, netloc, path, query, ""))


def content_hash(title: str, published_at: datetime | None) -> str:
    """SHA-256 over title and publication time, for articles with neither guid nor URL."""
    stamp = published_at.isoformat() if published_at is not None else ""
    digest = hashlib.sha256(f"{title.strip()}\n{stamp}".encode()).hexdigest()
    return f"sha256:{digest}"


def article_guid(
    guid: str | None, url: str | None, title: str, published_at: datetime | None
) -> str:
    """The stored identity of an article, by the guid → URL → hash rule."""
    if guid is not None and guid.strip():
        return guid.strip()
    if url is not None and url.strip():
        return normalize_url(url)
    return content_hash(title, published_at)
