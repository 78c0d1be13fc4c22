"""What feeds add around the article text, recognised and removed: links, notices, topic tails.

Feeds end their descriptions with furniture that is not the article: "Read full article >>",
"Read more of this story at Slashdot.", "Continue reading...", "The post X appeared first on
Y.", "To read this article in full, please click here", a podcast host's privacy line, a
"Related articles" heading with its list of links, a "★" permalink glyph, and Golem's topic
tail "(Xiaomi, Smartphone)". They are recognised by shape, in several languages, and removed
paragraph by paragraph, so article text that merely mentions "read more" is left alone.

Adverts posing as items ("Featured Advertiser", "[Sponsor] …", a link to an ad server) are
not cleaned but named, so the item can be held back with that reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.ingest.normalise import Block

# Whole paragraphs that are a link or notice, never article text.
_NOTICE = re.compile(
    r"""^[\[(«]*\s*(?:
        read\s+(?:the\s+)?(?:full|whole|entire|complete)\s+(?:article|story|post)
      | read\s+more(?:\s+of\s+this\s+story)?(?:\s+(?:at|on)\s+.{1,60})?
      | (?:click\s+here\s+)?to\s+read\s+(?:this|the)\s+(?:full\s+)?(?:article|story)
          (?:\s+in\s+full)?(?:,?\s*(?:please\s+)?click\s+here)?
      | continue\s+reading(?:\s+.{1,60})?
      | keep\s+reading | full\s+story | more\s*(?:»|>>|→)
      | the\s+post\s+.{1,300}\s+appeared\s+first\s+on\s+.{1,120}
      | this\s+(?:article|post|entry)\s+(?:was\s+)?(?:originally\s+)?(?:published|appeared)\s+
          (?:first\s+)?(?:on|at|in)\s+.{1,120}
      | view\s+full\s+coverage\s+on\s+google\s+news | voir\s+la\s+couverture\s+complète.{0,40}
      | (?:see|visit)\s+\S+\s+for\s+privacy\s+(?:information|policy|and\s+opt-out\s+information)
      | hosted\s+on\s+\S+\.\s+see\s+\S+\s+for\s+(?:more\s+)?(?:privacy\s+)?information
      | (?:lire|voir)\s+la\s+suite.{0,60} | (?:weiter|mehr)\s*lesen.{0,60} | zum\s+artikel
      | leggi\s+(?:tutto|l'articolo|di\s+più).{0,60} | (?:leia|saiba)\s+mais.{0,60}
      | seguir\s+leyendo.{0,60} | leer\s+más.{0,60} | läs\s+mer.{0,60} | lees\s+meer.{0,60}
      | читать\s+(?:далее|полностью).{0,60} | подробнее.{0,30} | اقرأ\s+المزيد.{0,60}
    )\s*[.…:!]*\s*(?:»|>>|>|→|›)*\s*[\])»]*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# A heading that introduces a list of other stories: it and everything after it go.
_RELATED = re.compile(
    r"""^(?:related(?:\s+(?:articles|stories|posts|links|coverage|content))?
      | (?:see|read)\s+also | also\s+read | more\s+on\s+this(?:\s+story)?
      | (?:previously|also|more)\s+on\s+[^:]{1,40}:
      | articles?\s+en\s+rapport | (?:à\s+)?lire\s+aussi | sur\s+le\s+même\s+sujet
      | (?:lesen\s+sie\s+auch|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren)
      | leggi\s+anche | leia\s+também | lea\s+también | читайте\s+также | اقرأ\s+أيضا
    )\s*:?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Related: <a story>" on one line (The Guardian): that paragraph only.
_RELATED_LINE = re.compile(r"^(?:related|see\s+also|read\s+also|lire\s+aussi)\s*:\s+\S", re.I)
# The same notices glued to the end of the last paragraph.
_TAIL = re.compile(
    r"""\s*(?:
        \[?\s*(?:read\s+more|continue\s+reading|more|weiterlesen|lire\s+la\s+suite|leggi\s+tutto)
          \s*(?:\.\.\.|…)?\s*(?:»|>>|→|›)?\s*\]?
      | the\s+post\s+.{1,300}?\s+appeared\s+first\s+on\s+.{1,120}?\.?
      | read\s+more\s+of\s+this\s+story\s+at\s+\S+\.?
      | view\s+full\s+coverage\s+on\s+google\s+news
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Golem's topic tail after the last sentence: "(Red Dead Redemption 2, Red Dead Redemption)".
_TOPIC_TAIL = re.compile(r"(?<=[.!?…\"”»])\s*\(([^()\n.!?]{1,120})\)\s*$")
_MAX_TOPIC = 40  # characters in one topic; a longer parenthesis is a remark, not a tag list
_HAS_WORD = re.compile(r"[^\W\d_]{2}")  # two letters in a row: "★", "↩︎", "+1" have none

_ADVERT_TITLE = re.compile(
    r"""^\s*(?:
        \[\s*(?:sponsor(?:ed)?|ad|advertisement|anzeige|publicité|pub|werbung|partner)\s*\]
      | (?:sponsor(?:ed)?|advertorial|advertisement|anzeige|publireportage|werbung)\s*:
      | (?:featured\s+advertiser|sponsored\s+(?:content|post|link)|advertisement|anzeige
          |paid\s+(?:post|content)|partner\s+content)\s*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_AD_HOSTS = ("doubleclick.net", "da.feedsportal.com/r/", "adserver", "googleadservices")


def clean_blocks(blocks: Sequence[Block]) -> list[Block]:
    """The blocks without notices, related-story lists, glyph-only lines and topic tails."""
    kept: list[Block] = []
    for block in blocks:
        text = block.text
        if "\n" in text:  # lines of one block (<br>, plain-text fields) are checked one by one
            text = "\n".join(line for line in text.split("\n") if not _NOTICE.match(line))
        if _RELATED.match(text):
            break  # a "Related articles" heading: the rest is its list
        if _NOTICE.match(text) or _RELATED_LINE.match(text) or not _HAS_WORD.search(text):
            continue
        kept.append(block if text == block.text else Block(text, block.kind, block.link_share))
    kept = _drop_link_lists(kept)
    # A closing "Also on HuffPost:" introduces something the feed did not include.
    while kept and kept[-1].text.endswith(":") and len(kept[-1].text) < 60:
        kept.pop()
    if kept:
        last = kept[-1]
        text = strip_tails(last.text)
        kept[-1] = Block(text, last.kind, last.link_share) if text else last
        if not text:
            kept.pop()
    return kept


def strip_tails(text: str) -> str:
    """Text without a trailing "Read more »", "The post … appeared first on …" or topic tail."""
    for _ in range(3):  # a tail can hide another: "… (Apple, iOS) Read more »"
        before = text
        text = _TAIL.sub("", text)
        match = _TOPIC_TAIL.search(text)
        if match and _is_topic_list(match.group(1)):
            text = text[: match.start()]
        text = text.rstrip()
        if text == before:
            break
    return text


def _is_topic_list(inside: str) -> bool:
    topics = [topic.strip() for topic in inside.split(",")]
    return all(0 < len(topic) <= _MAX_TOPIC and len(topic.split()) <= 4 for topic in topics)


def _drop_link_lists(blocks: list[Block]) -> list[Block]:
    """Blocks that are mostly a link go when they come in a run or as list items.

    A single paragraph wrapped in one <a> is how some feeds write their whole summary, so a
    lone linked paragraph stays; two or more in a row (Google News' coverage list, "related"
    lists without a heading) are links, not text.
    """
    linked = [block.link_share >= 0.6 for block in blocks]
    kept = []
    for index, block in enumerate(blocks):
        neighbour = (index > 0 and linked[index - 1]) or (
            index + 1 < len(blocks) and linked[index + 1]
        )
        if linked[index] and (neighbour or block.kind == "item"):
            continue
        kept.append(block)
    return kept


def advert_reason(title: str, url: str | None) -> str | None:
    """Why an item is an advert ("Featured Advertiser", "[Sponsor] …"), or None for news."""
    if _ADVERT_TITLE.match(title):
        return f"advertisement: {title.strip()[:80]!r}"
    if url:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        where = host + parts.path.lower()
        if host.startswith(("ads.", "ad.")) or any(marker in where for marker in _AD_HOSTS):
            return f"advertisement: the link goes to an ad server ({host})"
    return None
