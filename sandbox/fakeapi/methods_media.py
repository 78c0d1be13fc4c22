"""editMessageMedia: replacing the photo of a posted message, as corrections need.

Only photos are supported, as the bot only posts photos. Like Telegram, a text message cannot
gain media this way, and the new media carries its own caption (a missing one clears it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sandbox.fakeapi.faults import bad_request
from sandbox.fakeapi.methods import Call, Handler, editable, finish_edit, photo_sizes
from sandbox.fakeapi.models import JsonDict
from sandbox.fakeapi.validate import check_caption, check_reply_markup, format_text


def edit_message_media(call: Call) -> JsonDict:
    """editMessageMedia (type "photo" only)."""
    message = editable(call)
    media: Any = call.params.get("media")
    if not isinstance(media, dict) or media.get("type") != "photo":
        raise bad_request("MEDIA_EMPTY: only photos are supported by the fake Bot API")
    if message.photo is None:
        raise bad_request("there is no media in the message to edit")
    caption, entities = format_text(
        media.get("caption"), media.get("parse_mode"), media.get("caption_entities")
    )
    check_caption(caption)
    markup = check_reply_markup(call.params.get("reply_markup"))
    sizes, source = photo_sizes(call.state, replace(call, params={"photo": media.get("media")}))
    changed = (source, caption or None, entities) != (
        message.photo_source,
        message.caption,
        message.entities,
    )
    if changed:
        message.photo, message.photo_source = sizes, source
        message.caption, message.entities = caption or None, entities
        raw = media.get("caption")
        message.raw_text = raw if isinstance(raw, str) else None
        message.parse_mode = media.get("parse_mode")
    return finish_edit(call, message, changed, markup)


MEDIA_HANDLERS: dict[str, Handler] = {"editMessageMedia": edit_message_media}
