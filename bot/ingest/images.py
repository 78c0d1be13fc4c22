"""The post's photo: the article's own image, never a share button, an ad pixel or a logo.

Feeds put many images next to an article: share buttons inside the description (facebook.gif,
twitter_icon_large.png), ad servers' click images and 1x1 counting pixels (FeedBurner,
feedsportal, Pheedo, DoubleClick), emoji, avatars and the feed's own logo repeated on every
item. A photo post shows one image large, so a wrong one is worse than none. The rules:
candidates come in groups by how explicitly the feed names them (enclosure, media:content,
media:thumbnail, then `<img>` in the text); within a group the largest stated size wins (feeds
list several sizes of one image); anything matching a known share/ad/icon pattern, stated as
tiny, or equal to the feed's own image is never chosen.

Pure functions over plain URLs, so the page reader can use them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# Hosts and paths that only ever serve ads, counters and feed furniture.
_AD_URL = re.compile(
    r"//(?:[^/]*\.)?(?:doubleclick\.net|googlesyndication\.com|googleadservices\.com|"
    r"pheedo\.com|da\.feedsportal\.com|pi\.feedsportal\.com|rss\.feedsportal\.com|"
    r"res\.feedsportal\.com|ads?\.[^/]+|adserver\.[^/]+|stats\.[^/]+|pixel\.[^/]+|"
    r"feeds\.wordpress\.com|stats\.wordpress\.com|pixel\.wp\.com)/"
    r"|feedburner\.com/~(?:r|ff|fc)/|/~(?:ff|r)/|feedsportal\.com/[^?]*/mf\.gif"
    r"|/(?:piwik|matomo|p)\.php\b|/(?:a2t?\.img)$|gravatar\.com/(?:avatar|blavatar)/"
    r"|/wp-includes/images/|s\.w\.org/images/core/emoji|/click\.phdo",
    re.IGNORECASE,
)
# Words in a file name that mark furniture, not a photo ("twitter_icon_large.png").
_FURNITURE_WORDS = frozenset(
    {"icon", "icons", "logo", "logos", "sprite", "sprites", "avatar", "avatars", "emoji",
     "favicon", "badge", "button", "buttons", "btn", "share", "sharing", "spacer", "pixel",
     "blank", "transparent", "1x1", "smiley", "smilies", "feedflare", "masthead", "tracker"}
)  # fmt: skip
# A file named after a network is its share button ("facebook.gif").
_NETWORKS = frozenset(
    {"facebook", "twitter", "linkedin", "pinterest", "whatsapp", "reddit", "tumblr", "digg",
     "delicious", "stumbleupon", "email", "mail", "print", "rss", "feed", "googleplus",
     "gplus", "telegram", "flipboard", "bookmark", "partagez"}
)  # fmt: skip
_FURNITURE_DIRS = frozenset(
    {"icons", "emoji", "emojis", "smilies", "smileys", "sprites", "avatars", "logos", "buttons",
     "share", "social", "badges"}
)  # fmt: skip
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_SIZE_IN_NAME = re.compile(r"(?<![0-9])(\d{1,4})x(\d{1,4})(?![0-9])")
# Below this many pixels on a side an image is an icon or a counter, not a photo.
MIN_SIDE = 50


@dataclass(frozen=True)
class ImageCandidate:
    """An image URL a feed or page offers, with the size it states (None when unstated)."""

    url: str
    width: int | None = None
    height: int | None = None
    # The item names this image as its own twice (its thumbnail and its content): words in the
    # file name ("womply-logo.png", the startup's logo as the story's picture) do not veto it.
    designated: bool = False


def size_hint(value: object) -> int | None:
    """A stated width or height ("460", "460px", 460) as pixels, or None."""
    match = re.match(r"\s*(\d{1,5})(?:\.\d+)?\s*(?:px)?\s*$", str(value or ""))
    return int(match.group(1)) if match else None


def is_article_image(
    url: str, width: int | None = None, height: int | None = None, *, designated: bool = False
) -> bool:
    """False for share buttons, ad-server images, pixels, icons, logos and stated tiny sizes.

    A `designated` image (see ImageCandidate) is judged only by its host and size.
    """
    if _AD_URL.search(url):
        return False
    if any(side is not None and side < MIN_SIDE for side in (width, height)):
        return False
    if designated:
        return True
    path = urlsplit(url).path.lower()
    *folders, name = path.split("/") if path else [""]
    stem = name.rsplit(".", 1)[0]
    words = set(_WORD_SPLIT.split(stem)) - {""}
    if words & _FURNITURE_WORDS or stem in _NETWORKS or _FURNITURE_DIRS & set(folders):
        return False
    for match in _SIZE_IN_NAME.finditer(stem):
        # "32x32", "1x1", "88x31" are icon sizes; "3x2" or "16x9" is an aspect ratio.
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        if low < MIN_SIDE and (low == high or low >= 10):
            return False
    return True


def _same_image(url: str, others: set[str]) -> bool:
    parts = urlsplit(url.strip())
    key = f"{(parts.hostname or '').lower()}{parts.path}"
    return url.strip() in others or key in others


def _keys(urls: Iterable[str | None]) -> set[str]:
    keys: set[str] = set()
    for url in urls:
        if url and url.strip():
            parts = urlsplit(url.strip())
            keys.update({url.strip(), f"{(parts.hostname or '').lower()}{parts.path}"})
    return keys


def pick_image(
    groups: Iterable[Sequence[ImageCandidate]], *, exclude: Iterable[str | None] = ()
) -> str | None:
    """The article's image from candidate groups in order of preference, or None.

    Within a group the largest stated width (then height) wins, the first on a tie; `exclude`
    holds the feed's own image and icon, which are never an article's.
    """
    excluded = _keys(exclude)
    for group in groups:
        usable = [
            c
            for c in group
            if is_article_image(c.url, c.width, c.height, designated=c.designated)
            and not _same_image(c.url, excluded)
        ]
        if usable:
            return max(usable, key=lambda c: (c.width or 0, c.height or 0)).url
    return None
