"""What a page shows its readers about the article when its metadata says nothing.

Some pages state their byline, time or picture only in the visible article: `<span
class="writeBy">كتبت أسماء نصار</span>` under the headline, `<span class="pubTime">2016年10月14日
07:17</span>` beside it, `<div class="dig-autoren">Von Clemens Höges</div>` at the end, an
interview opening with the credit "حوار: آسيا العتروس", a Chinese translation ending
"（编译/林靖东）", the article's picture as an `<img>` whose alt text is the headline. These are
statements, not guesses, so they are read — but only with bounded rules, and only as fallbacks
after the metadata (`pagemeta`):
- only elements after the page's first `<h1>` (the article, not the site's header), never inside
  navigation, footers, asides, forms, comments or related-story lists;
- a byline element is marked as one (`itemprop=author`, `rel=author`, a class naming an author,
  byline or writer) and holds a few short names, no digits;
- a time stamp is a `<time>` or an element whose class, itemprop or id says date/time/publish,
  within the first elements after the headline, written with numbers (ISO, "2016年10月14日
  07:17", "2016.10.14 07:17", "14.10.2016 07:17"), and not an update stamp;
- a picture is an `<img>` whose alt text is the headline itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import html

_BYLINE_CLASSES = ("author", "autor", "auteur", "byline", "writer", "writeby", "writtenby")
_STAMP_CLASSES = re.compile(r"date|time|publish|datum|fecha", re.IGNORECASE)
_NOT_ARTICLE = re.compile(
    r"comment|related|sidebar|teaser|recommend|footer|\bnav|promo|share|popular|most-?read",
    re.IGNORECASE,
)
_NOT_ARTICLE_TAGS = frozenset({"nav", "footer", "aside", "form"})
_UPDATED = re.compile(
    r"update|aktualisiert|mis à jour|actualiza|atualiza|aggiorn|تحديث|更新|обновл", re.IGNORECASE
)
_STAMP_WINDOW = 60  # elements after the headline where a time stamp may stand
_MAX_IMAGES = 30
_MAX_SCAN = 20_000  # elements read after the headline (the extractor's own bound)
_MAX_BYLINE = 100  # characters: a byline, not a biography
# "By", "Von", "Par", ..., Arabic "كتب/كتبت" (wrote), "بقلم" (by the pen of), "حوار" (interview).
CREDIT = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|przez|interview by|entrevista de|"
    r"كتبت?|بقلم|حوار|إعداد)(?:\s*[:：\-–—]\s*|\s+)",
    re.IGNORECASE,
)
_CO_AUTHORS = re.compile(
    r"\s*(?:[,;&|()]|\b(?:and|et|und|y|e|avec|with|mit|con|com)\b)\s*", re.IGNORECASE
)
_NUMERIC_DATES = (
    re.compile(
        r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
        r"(?:[\sT,]*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    ),
    re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)(?:[\s,]*(\d{1,2}):(\d{2}))?"),
)
_CJK_CREDIT = re.compile(
    r"[（(](?:文|编译|編譯|记者|記者|作者|撰文|撰稿)\s*[/／：:]\s*([\u4e00-\u9fff·]{2,6})[）)]\s*$"
)


@dataclass
class Visible:
    """The article's visible byline, time stamps and pictures (alt text, src), unjudged."""

    people: list[str] = field(default_factory=list)
    stamps: list[str] = field(default_factory=list)  # ISO strings, zone-less
    images: list[tuple[str, str]] = field(default_factory=list)


def read_visible(tree: html.HtmlElement) -> Visible:
    """The visible statements after the page's first headline (nothing when it has no h1)."""
    found = Visible()
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return found
    inside = {id(element) for element in headline.iter()}
    after = (element for element in tree.iter() if isinstance(element.tag, str))
    started = False
    index = 0
    for element in after:
        if not started:
            started = element is headline
            continue
        if id(element) in inside:
            continue
        index += 1
        if index > _MAX_SCAN:
            break
        _read_element(element, index, found)
    return found


def _read_element(element: html.HtmlElement, index: int, found: Visible) -> None:
    """One element after the headline: a picture, the byline or a time stamp, if it is one."""
    is_image = element.tag == "img" and len(found.images) < _MAX_IMAGES
    is_byline = not found.people and _is_byline(element)
    is_stamp = index <= _STAMP_WINDOW and _is_stamp(element)
    if is_image:  # no place test: only a picture captioned with the headline is ever taken
        found.images.append((str(element.get("alt") or ""), str(element.get("src") or "")))
    if not (is_byline or is_stamp) or _outside_article(element):
        return
    if is_byline:
        found.people.extend(byline_names(element.text_content()))
    if is_stamp:
        stamp = _stamp(element)
        if stamp is not None and stamp not in found.stamps:
            found.stamps.append(stamp)


def _outside_article(element: html.HtmlElement) -> bool:
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag in _NOT_ARTICLE_TAGS:
            return True
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if _NOT_ARTICLE.search(marks):
            return True
    return False


def _is_byline(element: html.HtmlElement) -> bool:
    if element.tag in ("meta", "link", "script", "style", "img"):
        return False
    if element.get("itemprop") == "author":
        return True
    if "author" in str(element.get("rel") or "").lower().split():
        return True
    classes = re.sub(r"[-_\s]", "", str(element.get("class") or "")).lower()
    return any(word in classes for word in _BYLINE_CLASSES)


def byline_names(text: str) -> list[str]:
    """The names in a visible byline ("Par A (avec B et C)" -> A, B, C); [] if it is not one."""
    flat = " ".join(text.split())
    if not flat or len(flat) > _MAX_BYLINE or any(ch.isdigit() for ch in flat):
        return []
    flat = CREDIT.sub("", flat)
    names = [part.strip(" .:-–—") for part in _CO_AUTHORS.split(flat)]
    names = [name for name in names if name]
    if not names or len(names) > 4 or any(len(name.split()) > 4 for name in names):
        return []
    return names


def _is_stamp(element: html.HtmlElement) -> bool:
    if element.tag == "time":
        return True
    marks = " ".join(str(element.get(key) or "") for key in ("class", "itemprop", "id"))
    return bool(_STAMP_CLASSES.search(marks)) and not _UPDATED.search(marks)


def _stamp(element: html.HtmlElement) -> str | None:
    text = " ".join(element.text_content().split())
    if len(text) > 80 or _UPDATED.search(text):
        return None
    stated = str(element.get("datetime") or "").strip()
    if stated:
        return stated
    for number, pattern in enumerate(_NUMERIC_DATES):
        match = pattern.search(text)
        if match is None:
            continue
        parts = match.groups()
        year, month, day = (parts[0], parts[1], parts[2]) if number == 0 else parts[2::-1]
        stamp = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        if parts[3] is not None:
            seconds = parts[5] if number == 0 and parts[5] else "00"
            stamp += f"T{int(parts[3]):02d}:{parts[4]}:{seconds}"
        return stamp
    return None


def headline_image(visible: Visible, title: str) -> str | None:
    """The picture whose alt text is the headline: the article's own photo."""
    wanted = " ".join(title.split()).casefold()
    for alt, src in visible.images:
        if src and " ".join(alt.split()).casefold() == wanted:
            return src
    return None


class Credit(NamedTuple):
    """A body's credit: the body to post, the names credited, the opening line removed."""

    body: str
    names: list[str]
    opening: str


def body_credit(body: str) -> Credit:
    """The body without an opening credit line ("حوار: آسيا العتروس"), and the names credited.

    A credit is a short first paragraph that is a credit word and names only; a Chinese text
    may instead end a paragraph with its writer or translator ("（编译/林靖东）"), kept in place.
    """
    paragraphs = body.split("\n\n")
    first = " ".join(paragraphs[0].split())
    if len(paragraphs) > 1 and CREDIT.match(first) and len(first) <= 60:
        names = byline_names(first)
        if names:
            return Credit("\n\n".join(paragraphs[1:]), names, first)
    for paragraph in paragraphs:
        match = _CJK_CREDIT.search(paragraph.strip())
        if match is not None:
            return Credit(body, [match.group(1)], "")
    return Credit(body, [], "")
