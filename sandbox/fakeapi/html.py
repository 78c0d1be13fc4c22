"""Telegram's HTML parse mode, reproduced strictly enough to catch a bot's markup bugs.

Telegram rejects a message whose HTML it cannot parse ("can't parse entities") instead of
showing it, and it measures entity offsets and length limits in UTF-16 code units. A bot that
forgets to escape a headline, or computes an offset in code points, only fails in production
unless the double does the same, so this parser follows tdlib's rules: a fixed tag set, only
four named entities plus numeric ones, and byte offsets in error messages.

One deliberate difference: an entity-shaped sequence with an unknown name (``&nbsp;``) is an
error here, whereas Telegram shows it literally, because that is always a bot bug. A bare ``&``
is kept literally, as Telegram does.

``strict=True`` also refuses the rest of what Telegram tolerates but only a buggy bot sends: a
bare ``&`` and an attribute the tag does not take. The rendering tests check the bot's markup
that way; the server stays lenient, as Telegram is. This is the one Telegram-HTML parser of the
project: tests use it rather than keeping their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_UNQUOTED_VALUE_RE = re.compile(r"[^\s>\"']+")
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "span", "blockquote", "tg-emoji"})
# The attributes each tag takes; any other is ignored by Telegram and refused in strict mode.
_TAG_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "span": frozenset({"class"}),
    "code": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}


class HtmlParseError(ValueError):
    """Markup Telegram would refuse; the message is the text after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram's offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output where the tag's content starts
    index: int  # where the tag starts in the source, for error messages
    inner_language: str | None = None


@dataclass
class _Parser:
    source: str
    strict: bool = False
    out: list[str] = field(default_factory=list)
    pos16: int = 0
    stack: list[_OpenTag] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.pos16 += utf16_len(text)

    def decode_entity(self, index: int) -> tuple[str, int]:
        """Return the decoded text for an ``&`` at ``index`` and the index after it."""
        match = _ENTITY_RE.match(self.source, index)
        if match is None:
            if self.strict:
                raise HtmlParseError(f"Unescaped & at byte offset {self.byte_offset(index)}")
            return "&", index + 1
        body = match.group(1)
        if body.startswith("#"):
            digits = body[1:]
            code = int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits)
            if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise HtmlParseError(
                    f"Invalid numeric HTML entity at byte offset {self.byte_offset(index)}"
                )
            return chr(code), match.end()
        if body in _NAMED_ENTITIES:
            return _NAMED_ENTITIES[body], match.end()
        raise HtmlParseError(
            f'Unsupported HTML entity "&{body};" at byte offset {self.byte_offset(index)}'
        )

    def decode_value(self, raw: str) -> str:
        return _Parser(raw, self.strict).run_text_only()

    def run_text_only(self) -> str:
        i = 0
        while i < len(self.source):
            if self.source[i] == "&":
                text, i = self.decode_entity(i)
                self.out.append(text)
            else:
                self.out.append(self.source[i])
                i += 1
        return "".join(self.out)

    def parse_attrs(self, index: int, tag: str, start: int) -> tuple[dict[str, str], int]:
        attrs: dict[str, str] = {}
        src = self.source
        while True:
            while index < len(src) and src[index].isspace():
                index += 1
            if index >= len(src):
                raise HtmlParseError(
                    f"Unclosed start tag at byte offset {self.byte_offset(start)}"
                )
            if src[index] == ">":
                return attrs, index + 1
            name_match = _ATTR_NAME_RE.match(src, index)
            if name_match is None:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(start)}"
                )
            name = name_match.group(0).lower()
            index = name_match.end()
            if index < len(src) and src[index] == "=":
                index += 1
                if index < len(src) and src[index] in "\"'":
                    quote = src[index]
                    end = src.find(quote, index + 1)
                    if end < 0:
                        raise HtmlParseError(
                            f"Unclosed start tag at byte offset {self.byte_offset(start)}"
                        )
                    attrs[name] = self.decode_value(src[index + 1 : end])
                    index = end + 1
                else:
                    value_match = _UNQUOTED_VALUE_RE.match(src, index)
                    raw = value_match.group(0) if value_match else ""
                    attrs[name] = self.decode_value(raw)
                    index += len(raw)
            else:
                attrs[name] = ""

    def open_tag(self, index: int) -> int:
        src = self.source
        end = index + 1
        while end < len(src) and not src[end].isspace() and src[end] != ">":
            end += 1
        if end >= len(src):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(index)}")
        name = src[index + 1 : end].lower()
        if name not in _SUPPORTED_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(index)}'
            )
        attrs, after = self.parse_attrs(end, name, index)
        unknown = sorted(set(attrs) - _TAG_ATTRIBUTES.get(name, frozenset()))
        if self.strict and unknown:
            raise HtmlParseError(
                f'Unsupported attribute "{unknown[0]}" in the tag "{name}" at byte offset '
                f"{self.byte_offset(index)}"
            )
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(index)}'
            )
        if name == "code" and self.stack and self.stack[-1].name == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-") and len(language) > len("language-"):
                self.stack[-1].inner_language = language[len("language-") :]
        self.stack.append(_OpenTag(name, attrs, self.pos16, index))
        return after

    def close_tag(self, index: int) -> int:
        src = self.source
        end = src.find(">", index)
        if end < 0:
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(index)}")
        name = src[index + 2 : end].strip().lower()
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(index)}")
        top = self.stack.pop()
        if top.name != name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {self.byte_offset(index)}, expected "</'
                f'{top.name}>", found "</{name}>"'
            )
        self.add_entity(top)
        return end + 1

    def add_entity(self, tag: _OpenTag) -> None:
        length = self.pos16 - tag.offset
        if length <= 0:
            return
        entity: dict[str, Any] = {"offset": tag.offset, "length": length}
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            return  # <pre><code> is one pre entity; any language is attached to it
        if tag.name in _SIMPLE_TAGS:
            entity["type"] = _SIMPLE_TAGS[tag.name]
            if tag.name == "pre" and tag.inner_language is not None:
                entity["language"] = tag.inner_language
        elif tag.name == "span":
            entity["type"] = "spoiler"
        elif tag.name == "a":
            url = tag.attrs.get("href", "")
            if not url:
                return
            entity.update(type="text_link", url=url)
        elif tag.name == "blockquote":
            expandable = "expandable" in tag.attrs
            entity["type"] = "expandable_blockquote" if expandable else "blockquote"
        else:  # tg-emoji
            entity.update(type="custom_emoji", custom_emoji_id=tag.attrs.get("emoji-id", ""))
        self.entities.append(entity)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src = self.source
        i = 0
        while i < len(src):
            char = src[i]
            if char == "&":
                text, i = self.decode_entity(i)
                self.emit(text)
            elif char == "<":
                i = self.close_tag(i) if src.startswith("</", i) else self.open_tag(i)
            else:
                nxt = i
                while nxt < len(src) and src[nxt] not in "<&":
                    nxt += 1
                self.emit(src[i:nxt])
                i = nxt
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities


def parse_html(source: str, *, strict: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Turn Telegram HTML into plain text and entities (UTF-16 offsets); raise HtmlParseError.

    `strict` also refuses a bare ``&`` and attributes the tag does not take (see the module).
    """
    return _Parser(source, strict).run()
