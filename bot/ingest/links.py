"""The Read more link: the article's canonical URL, unwrapped from redirectors, without tracking.

Feeds hand out links dressed for their own statistics: tracking parameters (`utm_*`,
`?partner=rss&emc=rss`, `wt_mc=`, `#tk.rss_all`), redirectors that count the click before
sending the reader on (FeedBurner `~r/`, feedsportal, `go/?u=<real>`, `redir…/*https://real`)
and guids that are the clean permalink. A reader who taps "Read more" should land on the article
itself, and the channel should not leak the feed's tracking codes, so every reader stores the
URL this module gives.

Identity is a different matter: `bot.identity.normalize_url` keeps its own, smaller set of
tracking parameters because articles already stored are keyed by it. Readers compute the guid
from the link as the feed wrote it and store the clean URL beside it, so nothing already stored
changes its key.

All functions are pure and take plain strings, so the page reader can use them as well.
"""

from __future__ import annotations

import re
from typing import TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from bot.domain import ArticleDraft

# Parameter names (lower-cased) that only ever identify the campaign or the click.
_TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "gbraid", "wbraid", "mc_cid", "mc_eid",
     "_ga", "_gl", "partner", "emc", "wt_mc", "ns_mchannel", "ns_source", "ns_campaign",
     "ns_linkname", "ns_fee", "feedtype", "feedname", "cmpid", "ocid", "smid", "cmp", "wprss",
     "ito", "xtor", "igshid", "_hsenc", "_hsmi", "mkt_tok", "spm", "iref", "sr_share",
     "ref_src", "ncid", "mbid", "soc_src", "soc_trk", "s_cid", "dicbo", "cid", "rss"}
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "wt.", "wt_", "at_", "pk_", "mtm_", "ns_", "mc_", "hmb_", "sc_")
# `ref` is a real parameter on some sites; only its feed values are tracking.
_REF_FEED_VALUES = re.compile(r"^(?:rss|feed|atom)[\w.-]*$", re.IGNORECASE)
_FEED_CAMPAIGN_VALUE = re.compile(r"^[\w.-]*rss[\w.-]*$", re.IGNORECASE)
_TRACKING_FRAGMENT = re.compile(
    r"^(?:tk\.|xtor=|utm_|ref=rss|at_medium=|Echobox=|ns_)", re.IGNORECASE
)
# Redirectors that carry the real URL in a query parameter.
_REDIRECT_PATH = re.compile(
    r"(?:^|/)(?:go|url|redirect|redir|click|out|r|l\.php|link|away|exit|track|goto)/?$",
    re.IGNORECASE,
)
_TARGET_PARAMS = ("url", "u", "target", "dest", "destination", "redirect", "to", "goto", "link")
# `…/*https://real`: the real URL follows a star inside the path.
_STAR_URL = re.compile(r"\*(https?://.+)$", re.IGNORECASE)
# feedsportal.com writes the real URL into one path segment with its own escapes.
_FEEDSPORTAL_SEGMENT = re.compile(r"/l/([0-9A-Za-z]+)/")
_FEEDSPORTAL_CODES = {
    "A": "0", "B": ".", "C": "/", "D": "?", "E": "-", "F": "=", "G": "&", "H": ",", "I": "_",
    "J": "%", "K": "+", "L": "http://", "M": "https://", "N": ".com", "O": ".co.uk", "P": ";",
    "Q": "|", "R": ":", "S": "www.", "T": "#", "U": "$", "V": "~", "W": "!", "X": "(", "Y": ")",
}  # fmt: skip
# Redirectors whose real URL is not in the link itself (a feed may give it elsewhere).
_OPAQUE_REDIRECTORS = (
    re.compile(r"^https?://(?:feedproxy\.google\.com|feeds\.feedburner\.com)/~r/", re.I),
    re.compile(r"^https?://news\.google\.com/(?:__i/rss/rd/|rss/)?articles/", re.I),
    re.compile(r"^https?://[^/]*feedsportal\.com/", re.I),
    re.compile(r"^https?://[^/]*pheedo\.com/", re.I),
    re.compile(r"^https?://[^/]+/click\.phdo\?", re.I),
)


def is_tracking_parameter(name: str, value: str = "") -> bool:
    """Whether a query parameter only tracks the click (utm_*, partner, wt_mc, fbclid …).

    Besides known names, a parameter whose value is one code saying the click came from the
    feed ("src=rss", "kc=PCRSS03079TX1K0000584") is a campaign code: the article is the same
    page whichever way the reader arrived.
    """
    lowered = name.strip().lower()
    if lowered == "ref":
        return bool(_REF_FEED_VALUES.match(value.strip()))
    if _FEED_CAMPAIGN_VALUE.match(value.strip()):
        return True
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """`url` without tracking parameters or fragments; other parameters kept as written."""
    parts = urlsplit(url.strip())
    kept = []
    for piece in parts.query.split("&") if parts.query else []:
        name, _, value = piece.partition("=")
        if piece and not is_tracking_parameter(unquote(name.replace("+", " ")), unquote(value)):
            kept.append(piece)
    fragment = "" if _TRACKING_FRAGMENT.match(parts.fragment) else parts.fragment
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), fragment))


def _feedsportal(url: str) -> str | None:
    match = _FEEDSPORTAL_SEGMENT.search(url)
    if match is None or "feedsportal.com" not in url.lower():
        return None
    encoded, out, index = match.group(1), [], 0
    while index < len(encoded):
        char = encoded[index]
        if char == "0" and index + 1 < len(encoded):
            out.append(_FEEDSPORTAL_CODES.get(encoded[index + 1], encoded[index + 1]))
            index += 2
        else:
            out.append(char)
            index += 1
    decoded = "".join(out)
    return decoded if _is_http(decoded) else None


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _query_target(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.query:
        return None
    params = dict(
        (name.lower(), value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    host = (parts.hostname or "").lower()
    names = list(_TARGET_PARAMS)
    if host.startswith(("www.google.", "google.")) and parts.path == "/url":
        names.insert(0, "q")
    elif not (_REDIRECT_PATH.search(parts.path) or "redirect" in host):
        return None
    for name in names:
        target = params.get(name, "").strip()
        if _is_http(target):
            return target
    return None


def unwrap_redirect(url: str) -> str:
    """The real URL inside a redirector's link, when the link carries it; else `url`."""
    current = url.strip()
    for _ in range(3):  # a redirector may wrap another one
        star = _STAR_URL.search(current)
        found = (
            _feedsportal(current)
            or (star.group(1) if star and _is_http(star.group(1)) else None)
            or _query_target(current)
        )
        if found is None or found == current:
            return current
        current = found
    return current


def is_opaque_redirect(url: str) -> bool:
    """A click counter whose target is not written in the link (FeedBurner `~r/`, news.google)."""
    return any(pattern.match(url) for pattern in _OPAQUE_REDIRECTORS)


def clean_url(url: str | None) -> str | None:
    """The link a reader should get: redirectors unwrapped, tracking removed; None stays None."""
    if not url or not url.strip():
        return None
    return strip_tracking(unwrap_redirect(url))


def canonical_link(link: str | None, *, alternatives: tuple[str | None, ...] = ()) -> str | None:
    """The article URL from a feed's link and other URLs it gives for the same article.

    `alternatives` are, in order of preference, other URLs the feed gives for the article (a
    guid that is a permalink). The link, cleaned, wins unless it is a redirector whose target is
    not written in it (FeedBurner `~r/`, news.google): then the first alternative that is a
    real URL is the article's, and without one the redirector is kept — it still works. An
    alternative on the redirector's own host is the aggregator's page (Google News'
    `stories/…` Full Coverage guid), not the article, and is passed over.
    """
    cleaned = clean_url(link)
    others = [clean_url(other) for other in alternatives if other and _is_http(other.strip())]
    others = [other for other in others if other and not is_opaque_redirect(other)]
    if cleaned is None or is_opaque_redirect(cleaned):
        own_host = urlsplit(cleaned).hostname if cleaned else None
        others = [other for other in others if urlsplit(other).hostname != own_host]
        return others[0] if others else cleaned
    return cleaned


_Draft = TypeVar("_Draft", bound=ArticleDraft)


def with_clean_url(draft: _Draft) -> _Draft:
    """The draft with its URL cleaned; its guid (already computed) is left as it is."""
    cleaned = clean_url(draft.url)
    return draft if cleaned == draft.url else draft.model_copy(update={"url": cleaned})
