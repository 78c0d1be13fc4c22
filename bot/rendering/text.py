"""Plain-text helpers for Telegram posts: cleaning, escaping, UTF-16 lengths and safe cutting.

Article text arrives as plain text from feeds and scraped pages and is never trusted as HTML.
Telegram counts its limits in UTF-16 code units of the text *after* entity parsing, rejects some
control characters outright, and shows half an emoji, half a flag or a stray combining mark as
garbage. Everything here exists so that the post builder never trips over any of that: it cuts
the plain text first (on grapheme clusters) and escapes afterwards, so a cut can never land inside
a tag or an HTML entity.
"""

from __future__ import annotations

# The `regex` package ships no type hints; stubs may or may not be installed (types-regex).
import regex  # type: ignore[import-untyped, unused-ignore]

ELLIPSIS = "…"

# `\X` is an extended grapheme cluster (UAX #29): ZWJ families, flags, skin tones, a letter with
# its combining marks. The standard library's `re` has no equivalent.
_GRAPHEME = regex.compile(r"\X")

_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})

# A sentence may end in any of these; the CJK, Arabic, Urdu and Devanagari stops included.
_SENTENCE_ENDS = frozenset(".!?…。！？؟۔।")
# Closing quotes and brackets that may follow the stop ("He said so." / «...»).
_CLOSERS = frozenset("\"'”’»)]}」』›")


def _cleaning_table() -> dict[int, str | None]:
    """Map what Telegram rejects or mangles to nothing, and every spelling of a line break to \\n.

    Dropped: C0/C1 controls, lone surrogates (a str decoded with surrogateescape can hold them;
    they cannot be encoded as UTF-8 at all) and Unicode noncharacters.
    """
    table: dict[int, str | None] = {}
    dropped = [*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0xD800, 0xE000)]
    dropped += range(0xFDD0, 0xFDF0)
    for plane in range(17):
        dropped += [plane * 0x10000 + 0xFFFE, plane * 0x10000 + 0xFFFF]
    for code in dropped:
        table[code] = None
    for code in (0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029):
        table[code] = "\n"
    table[0x09] = " "
    return table


_CLEANING = _cleaning_table()


def strip_controls(text: str) -> str:
    """Drop characters Telegram rejects and turn every kind of line break into ``\\n``."""
    return text.replace("\r\n", "\n").translate(_CLEANING)


def single_line(text: str | None) -> str:
    """Clean text meant for one line (title, byline): whitespace runs become one space."""
    if not text:
        return ""
    return " ".join(strip_controls(text).split())


def paragraphs(text: str | None) -> list[str]:
    """Split text into cleaned, non-empty paragraphs: each line of the source is one paragraph.

    Feeds and page extractors put one paragraph per line; a blank line is no extra paragraph.
    """
    if not text:
        return []
    lines = (" ".join(line.split()) for line in strip_controls(text).split("\n"))
    return [line for line in lines if line]


def escape_html(text: str) -> str:
    """Escape ``& < > "`` so text stays literal in Telegram HTML, in content and attributes."""
    return text.translate(_HTML_ESCAPES)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts its limits in."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def graphemes(text: str) -> list[str]:
    """Split text into extended grapheme clusters: what a reader sees as one character."""
    clusters: list[str] = _GRAPHEME.findall(text)
    return clusters


def ends_sentence(text: str) -> bool:
    """Whether text ends with a sentence stop, possibly followed by closing quotes or brackets."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] in _SENTENCE_ENDS


def _is_sentence_break(clusters: list[str], index: int) -> bool:
    """Whether cutting before ``clusters[index]`` ends a sentence or a paragraph."""
    following = clusters[index]
    if following == "\n":
        return True
    return following.isspace() and ends_sentence("".join(clusters[max(0, index - 4) : index]))


def truncate(text: str, max_utf16: int) -> str:
    """Shorten text to at most ``max_utf16`` UTF-16 units, ending in "…" when anything was cut.

    The cut prefers, in order, the end of a sentence or paragraph (if that keeps at least two
    thirds of the room), a space between words (at least half), and otherwise the last whole
    grapheme cluster that fits: a 300-letter word or a run of CJK has no spaces to cut at. A cut
    never splits a surrogate pair or a grapheme cluster, so no emoji, flag or accent is broken.
    """
    if utf16_len(text) <= max_utf16:
        return text
    if max_utf16 < 1:
        return ""
    # Only a prefix can be kept: max_utf16 + 1 code points hold more than max_utf16 units, and
    # every cluster boundary before the slice's last character is a boundary of the whole text.
    # Segmenting a 50,000-character body just to keep 900 of it would be most of the work.
    clusters = graphemes(text[: max_utf16 + 1])
    window = max_utf16 - 2  # room for the longest ending, " …"
    ends = [0]
    for cluster in clusters:
        size = ends[-1] + utf16_len(cluster)
        if size > window:
            break
        ends.append(size)
    fit = len(ends) - 1  # clusters that fit; fewer than all, since the text is too long
    cut = _cut_point(clusters, ends, fit, window)
    kept = clusters[:cut]
    while kept and kept[-1].isspace():  # whole clusters only, never a bare rstrip
        kept.pop()
    if not kept:
        return ELLIPSIS
    body = "".join(kept)
    return body + (" " + ELLIPSIS if ends_sentence(body) else ELLIPSIS)


def _cut_point(clusters: list[str], ends: list[int], fit: int, window: int) -> int:
    """Pick how many clusters to keep: a sentence end, else a word break, else all that fit."""
    for index in range(fit, 0, -1):
        if ends[index] * 3 < window * 2:
            break
        if _is_sentence_break(clusters, index):
            return index
    for index in range(fit, 0, -1):
        if ends[index] * 2 < window:
            break
        if clusters[index].isspace():
            return index
    return fit
