"""Acting as Telegram users: the updates a person's messages and button presses produce.

The bot under test only ever sees users through getUpdates, so a test speaks for a user by
enqueuing exactly the ``message`` / ``callback_query`` updates Telegram would deliver, built
from the same stored messages the bot's own posts live in (a button press carries the current
state of the message it was pressed on).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sandbox.fakeapi.html import utf16_len
from sandbox.fakeapi.models import FakeChat, FakeUser, JsonDict, PressRecord, StoredMessage
from sandbox.fakeapi.state import State

_USER_PHOTO = ((90, 90), (320, 320), (1280, 1280))


def _timestamp(date: int | float | datetime | None) -> int:
    if date is None:
        return int(time.time())
    if isinstance(date, datetime):
        return int(date.timestamp())
    return int(date)


def _target_chat(st: State, user: FakeUser, chat: int | str | None) -> FakeChat:
    if chat is None or chat == user.id:
        return st.private_chat(user)
    found = st.find_chat(chat)
    if found is None:
        raise ValueError(f"unknown chat {chat!r}; add it with add_group/add_channel first")
    if found.type == "channel":
        raise ValueError("users cannot post into a channel; the bot posts there")
    if found.type == "private":
        if found.id != user.id:
            raise ValueError("a private chat belongs to its own user")
        return st.private_chat(user)
    return found


def _command_entities(text: str) -> list[JsonDict]:
    if not text.startswith("/") or len(text) < 2:
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


def _enqueue(st: State, message: StoredMessage) -> int:
    chat = st.chats[message.chat_id]
    kind = "channel_post" if chat.type == "channel" else "message"
    return st.enqueue_update(kind, st.message_api(message))


def user_message(
    st: State,
    user: FakeUser,
    chat: int | str | None,
    *,
    date: int | float | datetime | None,
    reply_to: StoredMessage | None,
    **content: Any,
) -> StoredMessage:
    """Store a message written by ``user`` (not yet delivered as an update)."""
    target = _target_chat(st, user, chat)
    if reply_to is not None and reply_to.chat_id != target.id:
        raise ValueError("reply_to must be a message of the same chat")
    message = StoredMessage(
        chat_id=target.id,
        message_id=target.take_message_id(),
        date=_timestamp(date),
        sender=user.to_api(),
        from_bot=False,
        reply_to_message_id=reply_to.message_id if reply_to is not None else None,
        **content,
    )
    return st.store(message)


def send_text(
    st: State,
    user: FakeUser,
    text: str,
    chat: int | str | None = None,
    *,
    date: int | float | datetime | None = None,
    reply_to: StoredMessage | None = None,
) -> int:
    """Enqueue a text message from ``user``; return the update_id."""
    message = user_message(
        st,
        user,
        chat,
        date=date,
        reply_to=reply_to,
        text=text,
        raw_text=text,
        entities=_command_entities(text),
    )
    return _enqueue(st, message)


def send_photo(
    st: State,
    user: FakeUser,
    caption: str | None = None,
    chat: int | str | None = None,
    *,
    date: int | float | datetime | None = None,
) -> StoredMessage:
    """Enqueue a photo message from ``user``; return the stored message."""
    st.file_counter += 1
    number = st.file_counter
    sizes: list[JsonDict] = [
        {
            "file_id": f"AgACAgUserPhoto{number:05d}x{width}",
            "file_unique_id": f"AQADUser{number:05d}x{width}",
            "file_size": width * height // 8,
            "width": width,
            "height": height,
        }
        for width, height in _USER_PHOTO
    ]
    for size in sizes:
        st.photos_by_file_id[size["file_id"]] = sizes
    message = user_message(
        st,
        user,
        chat,
        date=date,
        reply_to=None,
        caption=caption,
        raw_text=caption,
        photo=sizes,
        photo_source={"kind": "user"},
    )
    _enqueue(st, message)
    return message


def press_button(st: State, user: FakeUser, chat: int | str, message_id: int, data: str) -> str:
    """Enqueue a callback_query for a button on a stored message; return the query id."""
    found = st.find_chat(chat)
    message = st.messages.get((found.id, message_id)) if found is not None else None
    if found is None or message is None:
        raise ValueError(f"no message {message_id} in chat {chat!r}")
    return press(st, user.to_api(), found, st.message_api(message), data)


def press(st: State, user: JsonDict, chat: FakeChat, message: JsonDict, data: str) -> str:
    """Enqueue one press by ``user`` (a Bot API User) on ``message``; return the query id.

    The press's time is recorded with it, so toast latency and late answers can be read later.
    """
    st.query_counter += 1
    query_id = f"{4_000_000_000_000_000 + st.query_counter * 7919}"
    query: JsonDict = {
        "id": query_id,
        "from": user,
        "message": message,
        "chat_instance": str(abs(chat.id) * 31 + 17),
        "data": data,
    }
    st.callback_queries[query_id] = query
    st.presses[query_id] = PressRecord(user["id"], time.monotonic())
    st.enqueue_update("callback_query", query)
    return query_id
