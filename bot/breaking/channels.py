"""Which channels a breaking item goes to: the default choice and the ✅/⬜ toggles.

With several channels, a /breaking preview carries one toggle per channel. The default is the
channels whose language is written the way the editor's text is — right to left (Arabic) or
not (Latin) — because an Arabic flash typed for the Arabic edition should not land in the
English one unasked; when no channel's language matches, every channel is chosen. The choice is
stored with the preview, so Publish after a restart still posts where the editor chose. A desk
with one channel gets no toggles and pushes exactly as before (where routing sends it).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.callbacks import BreakingChannel
from bot.config import Settings
from bot.rendering.direction import is_rtl_language, is_rtl_text


def default_channels(settings: Settings, text: str) -> tuple[str, ...] | None:
    """The channels chosen before the editor touches a toggle (None: one channel, routing's)."""
    if len(settings.channels) < 2:
        return None
    rtl = is_rtl_text(text)
    same = [c.name for c in settings.channels if is_rtl_language(c.language) == rtl]
    return tuple(same or (c.name for c in settings.channels))


def toggled(settings: Settings, chosen: tuple[str, ...], index: int) -> tuple[str, ...] | None:
    """The choice after pressing channel `index`'s toggle, in configuration order; None for an
    index the configuration does not have (an old button after a config change)."""
    if not 0 <= index < len(settings.channels):
        return None
    name = settings.channels[index].name
    flipped = set(chosen) ^ {name}
    return tuple(c.name for c in settings.channels if c.name in flipped)


def channel_rows(
    settings: Settings, preview_id: int, chosen: tuple[str, ...] | None
) -> list[list[InlineKeyboardButton]]:
    """The toggles, two to a row: "✅ en" chosen, "⬜ ar" not (none with one channel)."""
    if chosen is None:
        return []
    toggles = [
        InlineKeyboardButton(
            f"{'✅' if channel.name in chosen else '⬜'} {channel.name}",
            callback_data=BreakingChannel(preview_id, index).data,
        )
        for index, channel in enumerate(settings.channels)
    ]
    return [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
