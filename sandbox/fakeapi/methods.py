"""Bot API methods that create or change messages: send, edit, delete, pin.

These are the calls whose effects a reader of the channel sees, so each one validates its
input the way Telegram does before allocating a message id, and leaves the stored message in
the state Telegram would show (edit date, pin flag, deletion) for tests and the web view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.fakeapi.decode import UploadedFile
from sandbox.fakeapi.faults import NOT_MODIFIED, ApiError, bad_request
from sandbox.fakeapi.models import FakeChat, JsonDict, StoredMessage
from sandbox.fakeapi.state import State
from sandbox.fakeapi.validate import check_caption, check_reply_markup, check_text, format_text

_PHOTO_SIZES = ((90, 51), (320, 180), (800, 450))


@dataclass
class Call:
    """One decoded API call handed to a method handler."""

    state: State
    bot_id: int
    method: str
    params: JsonDict
    files: dict[str, UploadedFile] = field(default_factory=dict)
    arrived: float = 0.0  # time.monotonic() when the request arrived (0: now)


Handler = Callable[[Call], Any]


def _reply_target(st: State, chat: FakeChat, params: JsonDict) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        target, lenient = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
    else:
        target = params.get("reply_to_message_id")
        lenient = bool(params.get("allow_sending_without_reply"))
    if not isinstance(target, int):
        return None
    found = st.messages.get((chat.id, target))
    if found is None or found.deleted:
        if lenient:
            return None
        raise bad_request("message to be replied not found")
    return target


def _link_preview(params: JsonDict) -> JsonDict | None:
    options = params.get("link_preview_options")
    if isinstance(options, dict):
        return options
    if params.get("disable_web_page_preview") is True:
        return {"is_disabled": True}
    return None


def _new_message(call: Call, chat: FakeChat, **content: Any) -> StoredMessage:
    st = call.state
    message = StoredMessage(
        chat_id=chat.id,
        message_id=chat.take_message_id(),
        date=int(time.time()),
        sender=st.bot_user(call.bot_id),
        from_bot=True,
        parse_mode=call.params.get("parse_mode"),
        reply_markup=check_reply_markup(call.params.get("reply_markup")),
        disable_notification=call.params.get("disable_notification") is True,
        reply_to_message_id=_reply_target(st, chat, call.params),
        **content,
    )
    return st.store(message)


def send_message(call: Call) -> JsonDict:
    """sendMessage."""
    st, params = call.state, call.params
    chat = st.resolve_chat(params.get("chat_id"))
    st.check_can_post(chat)
    text, entities = format_text(
        params.get("text"), params.get("parse_mode"), params.get("entities")
    )
    check_text(text)
    check_reply_markup(params.get("reply_markup"))
    raw = params.get("text")
    message = _new_message(
        call,
        chat,
        text=text,
        raw_text=raw if isinstance(raw, str) else None,
        entities=entities,
        link_preview_options=_link_preview(params),
    )
    return st.message_api(message)


def photo_sizes(st: State, call: Call) -> tuple[list[JsonDict], JsonDict]:
    photo = call.params.get("photo")
    upload = call.files.get("photo")
    if isinstance(photo, str) and photo.startswith("attach://"):
        upload = call.files.get(photo.removeprefix("attach://"))
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
    if upload is not None:
        source: JsonDict = {"kind": "upload", "filename": upload.filename, "size": upload.size}
    elif isinstance(photo, str) and photo in st.photos_by_file_id:
        return st.photos_by_file_id[photo], {"kind": "file_id", "file_id": photo}
    elif isinstance(photo, str) and photo.lower().startswith(("http://", "https://")):
        source = {"kind": "url", "url": photo}
    elif photo is None or photo == "":
        raise bad_request("there is no photo in the request")
    else:
        raise bad_request("wrong file identifier/HTTP URL specified")
    st.file_counter += 1
    number = st.file_counter
    sizes: list[JsonDict] = [
        {
            "file_id": f"AgACAgFakePhoto{number:05d}x{width}",
            "file_unique_id": f"AQADFake{number:05d}x{width}",
            "file_size": width * height // 8,
            "width": width,
            "height": height,
        }
        for width, height in _PHOTO_SIZES
    ]
    for size in sizes:
        st.photos_by_file_id[size["file_id"]] = sizes
        if upload is not None:
            st.uploads[size["file_id"]] = upload.data
    return sizes, source


def send_photo(call: Call) -> JsonDict:
    """sendPhoto (URL, known file_id or multipart upload)."""
    st, params = call.state, call.params
    chat = st.resolve_chat(params.get("chat_id"))
    st.check_can_post(chat)
    caption, entities = format_text(
        params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
    )
    check_caption(caption)
    check_reply_markup(params.get("reply_markup"))
    _reply_target(st, chat, params)
    sizes, source = photo_sizes(st, call)
    raw = params.get("caption")
    message = _new_message(
        call,
        chat,
        caption=caption or None,
        raw_text=raw if isinstance(raw, str) else None,
        entities=entities,
        photo=sizes,
        photo_source=source,
    )
    return st.message_api(message)


def editable(call: Call) -> StoredMessage:
    st, params = call.state, call.params
    if "inline_message_id" in params:
        raise bad_request("inline messages are not supported by the fake Bot API")
    chat = st.resolve_chat(params.get("chat_id"))
    st.check_can_post(chat)
    message = st.live_message(chat, params.get("message_id"), "message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def finish_edit(call: Call, message: StoredMessage, changed: bool, markup: Any) -> JsonDict:
    if not changed and markup == message.reply_markup:
        raise ApiError(400, NOT_MODIFIED)
    message.reply_markup = markup
    message.edit_date = int(time.time())
    call.state.bump()
    return call.state.message_api(message)


def edit_message_text(call: Call) -> JsonDict:
    """editMessageText."""
    params = call.params
    message = editable(call)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities = format_text(
        params.get("text"), params.get("parse_mode"), params.get("entities")
    )
    check_text(text)
    markup = check_reply_markup(params.get("reply_markup"))
    changed = (text, entities) != (message.text, message.entities)
    if changed:
        message.text, message.entities = text, entities
        raw = params.get("text")
        message.raw_text = raw if isinstance(raw, str) else None
        message.parse_mode = params.get("parse_mode")
        options = _link_preview(params)
        if options is not None:
            message.link_preview_options = options
    return finish_edit(call, message, changed, markup)


def edit_message_caption(call: Call) -> JsonDict:
    """editMessageCaption."""
    params = call.params
    message = editable(call)
    if message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = format_text(
        params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
    )
    check_caption(caption)
    markup = check_reply_markup(params.get("reply_markup"))
    changed = (caption or None, entities) != (message.caption, message.entities)
    if changed:
        message.caption, message.entities = caption or None, entities
        raw = params.get("caption")
        message.raw_text = raw if isinstance(raw, str) else None
        message.parse_mode = params.get("parse_mode")
    return finish_edit(call, message, changed, markup)


def edit_message_reply_markup(call: Call) -> JsonDict:
    """editMessageReplyMarkup."""
    message = editable(call)
    markup = check_reply_markup(call.params.get("reply_markup"))
    return finish_edit(call, message, False, markup)


def delete_message(call: Call) -> bool:
    """deleteMessage."""
    st = call.state
    chat = st.resolve_chat(call.params.get("chat_id"))
    message = st.live_message(chat, call.params.get("message_id"), "message to delete not found")
    message.deleted = True
    st.bump()
    return True


def pin_chat_message(call: Call) -> bool:
    """pinChatMessage."""
    st = call.state
    chat = st.resolve_chat(call.params.get("chat_id"))
    st.check_can_post(chat)
    message = st.live_message(chat, call.params.get("message_id"), "message to pin not found")
    message.pinned = True
    st.bump()
    return True


def unpin_chat_message(call: Call) -> bool:
    """unpinChatMessage (the given message, else the newest pinned one)."""
    st = call.state
    chat = st.resolve_chat(call.params.get("chat_id"))
    st.check_can_post(chat)
    message_id = call.params.get("message_id")
    if message_id is None:
        pinned = [m for m in st.chat_messages(chat.id) if m.pinned and not m.deleted]
        if not pinned:
            return True
        message = pinned[-1]
    else:
        message = st.live_message(chat, message_id, "message to unpin not found")
    message.pinned = False
    st.bump()
    return True


def unpin_all_chat_messages(call: Call) -> bool:
    """unpinAllChatMessages."""
    st = call.state
    chat = st.resolve_chat(call.params.get("chat_id"))
    st.check_can_post(chat)
    for message in st.chat_messages(chat.id):
        message.pinned = False
    st.bump()
    return True


MESSAGE_HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "pinChatMessage": pin_chat_message,
    "unpinChatMessage": unpin_chat_message,
    "unpinAllChatMessages": unpin_all_chat_messages,
}
SEND_METHODS = frozenset({"sendMessage", "sendPhoto"})
