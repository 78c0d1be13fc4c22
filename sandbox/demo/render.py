"""One stored message of the double → the HTML of a chat bubble on the demo page.

A bubble shows what a Telegram client shows: the photo (a remote URL, so with alt text and a
placeholder when it cannot load), the text rebuilt from entities (see `entities`), a link
preview card when the bot asked for one, the time, "edited", the pin and — because an editor
cares — whether the post went out silently. Inline keyboards sit under the bubble; their
callback buttons carry what the page needs to press them through the double.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sandbox.demo.entities import entities_to_html, link_open, safe_href
from sandbox.fakeapi import StoredMessage

_ALT_MAX = 140


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def first_line(message: StoredMessage) -> str:
    """The first non-empty line of the text or caption (for alt text and the pinned bar)."""
    body = message.text if message.text is not None else message.caption or ""
    for line in body.splitlines():
        cleaned = line.strip().lstrip("\u200f\u200e")
        if cleaned:
            return cleaned
    return "Photo" if message.photo else ""


def _photo(message: StoredMessage) -> str:
    if not message.photo:
        return ""
    alt = first_line(message)[:_ALT_MAX] or "Photo"
    source = message.photo_source or {}
    url = source.get("url") if source.get("kind") == "url" else None
    href = safe_href(url) if isinstance(url, str) else None
    fallback = (
        '<figcaption class="photo-fallback"><span class="photo-icon" aria-hidden="true">🖼'
        f'</span><span class="photo-alt">{escape(alt)}</span>'
        '<span class="photo-note">photo not loaded</span></figcaption>'
    )
    if href is None or not href.lower().startswith(("http://", "https://")):
        return f'<figure class="photo broken">{fallback}</figure>'
    return (
        f'<figure class="photo"><img src="{_attr(href)}" alt="{_attr(alt)}" loading="lazy" '
        f'referrerpolicy="no-referrer" decoding="async">{fallback}</figure>'
    )


def _preview(message: StoredMessage) -> str:
    """The link preview card Telegram would draw for a text post with previews on."""
    options = message.link_preview_options or {}
    url = options.get("url")
    if message.text is None or options.get("is_disabled") or not isinstance(url, str):
        return ""
    if safe_href(url) is None:
        return ""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return (
        f'{link_open(url, "preview")}<span class="preview-site">{escape(parts.hostname or "")}'
        f'</span><span class="preview-url">{escape(path or "/")}</span></a>'
    )


def _time(timestamp: int, tz: ZoneInfo) -> str:
    when = datetime.fromtimestamp(timestamp, tz)
    return (
        f'<time datetime="{when.isoformat()}" data-ts="{timestamp}" '
        f'title="{when:%d %b %Y, %H:%M %Z}">{when:%H:%M}</time>'
    )


def _meta(message: StoredMessage, tz: ZoneInfo, *, channel: bool) -> str:
    marks = []
    if channel and message.disable_notification:
        marks.append('<span class="mark silent" title="posted silently (no sound)">🔕</span>')
    if message.pinned:
        marks.append('<span class="mark pin" title="pinned">📌</span>')
    if message.edit_date is not None:
        when = datetime.fromtimestamp(message.edit_date, tz)
        marks.append(f'<span class="mark edited" title="edited {when:%H:%M:%S}">edited</span>')
    return f'<div class="meta">{"".join(marks)}{_time(message.date, tz)}</div>'


def _button(button: dict[str, Any], where: str, message_id: int) -> str:
    label = escape(str(button.get("text", "")))
    if isinstance(button.get("callback_data"), str):
        return (
            f'<button type="button" class="kb" data-where="{where}" data-mid="{message_id}" '
            f'data-cb="{_attr(button["callback_data"])}">{label}</button>'
        )
    if isinstance(button.get("url"), str) and safe_href(button["url"]) is not None:
        return f'{link_open(button["url"], "kb url")}{label}<span class="arrow">↗</span></a>'
    return (
        '<button type="button" class="kb" disabled title="not available in the demo">'
        f"{label}</button>"
    )


def keyboard(message: StoredMessage, where: str) -> str:
    """The inline keyboard under a message, one flex row per keyboard row."""
    rows = (message.reply_markup or {}).get("inline_keyboard")
    if not isinstance(rows, list) or not rows:
        return ""
    html_rows = []
    for row in rows:
        if isinstance(row, list):
            buttons = "".join(
                _button(b, where, message.message_id) for b in row if isinstance(b, dict)
            )
            html_rows.append(f'<div class="kb-row">{buttons}</div>')
    return f'<div class="keyboard">{"".join(html_rows)}</div>'


def bubble(message: StoredMessage, tz: ZoneInfo, *, where: str) -> str:
    """A message as a bubble with its keyboard; `where` is "channel" or "chat"."""
    channel = where == "channel"
    body = message.text if message.text is not None else message.caption
    text = ""
    if body:
        html = entities_to_html(body, message.entities, commands=not channel)
        text = f'<div class="text" dir="auto">{html}</div>'
    side = "in" if message.from_bot else "out"
    classes = ["msg", side]
    if message.photo:
        classes.append("has-photo")
    if message.pinned:
        classes.append("pinned")
    return (
        f'<div class="msg-wrap {side}" id="{where}-{message.message_id}" '
        f'data-mid="{message.message_id}"><article class="{" ".join(classes)}">'
        f"{_photo(message)}{text}{_preview(message)}{_meta(message, tz, channel=channel)}"
        f"</article>{keyboard(message, where)}</div>"
    )


def pinned_bar(messages: list[StoredMessage]) -> str:
    """The bar at the top of the channel: the newest pinned message, as Telegram shows it."""
    pinned = [m for m in messages if m.pinned and not m.deleted]
    if not pinned:
        return ""
    top = pinned[-1]
    return (
        f'<a class="pinned-bar" href="#channel-{top.message_id}" data-mid="{top.message_id}">'
        '<span class="pinned-label">📌 Pinned message</span>'
        f'<span class="pinned-text" dir="auto">{escape(one_line(top))}</span></a>'
    )


def one_line(message: StoredMessage, limit: int = 300) -> str:
    """The text or caption on one line, as Telegram's pinned bar shows it (CSS cuts it)."""
    body = message.text if message.text is not None else message.caption or ""
    flat = " ".join(body.split())
    return flat[:limit] or ("Photo" if message.photo else "")


def with_days(messages: list[StoredMessage], tz: ZoneInfo, *, where: str) -> str:
    """Bubbles with a date chip wherever the day changes, as Telegram clients show them."""
    out: list[str] = []
    day = None
    for message in messages:
        when = datetime.fromtimestamp(message.date, tz)
        if when.date() != day:
            day = when.date()
            out.append(f'<div class="day">{when:%-d %B %Y}</div>')
        out.append(bubble(message, tz, where=where))
    return "".join(out)
