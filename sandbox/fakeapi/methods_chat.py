"""Bot API methods around the messages: identity, updates, commands, chats, callbacks.

python-telegram-bot calls several of these on its own (getMe on start, getUpdates in a
long-poll loop; deleteWebhook, which it calls before polling, is in ``methods_webhook``), so
they must answer with complete, correctly shaped objects even when a test never looks at them.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from sandbox.fakeapi.faults import bad_request, forbidden
from sandbox.fakeapi.html import utf16_len
from sandbox.fakeapi.methods import Call, Handler
from sandbox.fakeapi.methods_webhook import refuse_get_updates
from sandbox.fakeapi.models import FakeChat, JsonDict

MAX_CALLBACK_ANSWER = 200
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def get_me(call: Call) -> JsonDict:
    """getMe."""
    user = call.state.bot_user(call.bot_id)
    user.update(
        can_join_groups=True,
        can_read_all_group_messages=False,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return user


def get_updates(call: Call) -> list[JsonDict]:
    """getUpdates, long-polling on the state condition until an update, timeout or stop.

    Refused with 409 while a webhook is set, as Telegram does, and ended with one when a
    webhook is set during the poll.
    """
    st, params = call.state, call.params
    refuse_get_updates(st)
    offset = params.get("offset")
    limit = params.get("limit", 100)
    limit = min(max(limit if isinstance(limit, int) else 100, 1), 100)
    timeout = params.get("timeout", 0)
    timeout = max(timeout if isinstance(timeout, int) else 0, 0)
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        st.allowed_updates = frozenset(str(kind) for kind in allowed)
    deadline = time.monotonic() + timeout
    while True:
        result = st.pending_updates(offset if isinstance(offset, int) else None, limit)
        remaining = deadline - time.monotonic()
        if result or remaining <= 0 or st.stopping.is_set():
            return result
        st.long_polls_waiting += 1
        try:
            st.cond.wait(remaining)
        finally:
            st.long_polls_waiting -= 1
        refuse_get_updates(st, waiting=True)


def scope_key(params: JsonDict) -> tuple[str, str]:
    """The storage key of a command list: canonical scope JSON and language code."""
    scope = params.get("scope")
    if not isinstance(scope, dict):
        scope = {"type": "default"}
    language = params.get("language_code")
    return json.dumps(scope, sort_keys=True), language if isinstance(language, str) else ""


def set_my_commands(call: Call) -> bool:
    """setMyCommands, stored per scope and language."""
    commands = call.params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    stored: list[JsonDict] = []
    for entry in commands:
        command = entry.get("command") if isinstance(entry, dict) else None
        description = entry.get("description") if isinstance(entry, dict) else None
        if not isinstance(command, str) or not _COMMAND_RE.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored.append({"command": command, "description": description})
    call.state.commands[scope_key(call.params)] = stored
    call.state.bump()
    return True


def get_my_commands(call: Call) -> list[JsonDict]:
    """getMyCommands."""
    return list(call.state.commands.get(scope_key(call.params), []))


def delete_my_commands(call: Call) -> bool:
    """deleteMyCommands."""
    call.state.commands.pop(scope_key(call.params), None)
    call.state.bump()
    return True


def get_chat(call: Call) -> JsonDict:
    """getChat."""
    return call.state.resolve_chat(call.params.get("chat_id")).full_info()


def _admin(user: JsonDict, chat: FakeChat) -> JsonDict:
    rights: JsonDict = {
        "status": "administrator",
        "user": user,
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": True,
        "can_edit_stories": True,
        "can_delete_stories": True,
    }
    if chat.type == "channel":
        rights.update(can_post_messages=True, can_edit_messages=True)
    else:
        rights["can_pin_messages"] = True
    return rights


def _member(call: Call, chat: FakeChat, user_id: int) -> JsonDict:
    st = call.state
    if user_id == call.bot_id:
        bot = st.bot_user(call.bot_id)
        if chat.type == "private":
            return {"status": "member", "user": bot}
        if not chat.bot_is_member:
            return {"status": "left", "user": bot}
        return _admin(bot, chat) if chat.bot_is_admin else {"status": "member", "user": bot}
    known = st.users.get(user_id)
    user = known.to_api() if known else {"id": user_id, "is_bot": False, "first_name": "User"}
    if chat.owner_id == user_id:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if known is None or (chat.type == "private" and chat.id != user_id):
        return {"status": "left", "user": user}
    return {"status": "member", "user": user}


def get_chat_member(call: Call) -> JsonDict:
    """getChatMember (the bot is an administrator of channels unless configured otherwise)."""
    chat = call.state.resolve_chat(call.params.get("chat_id"))
    user_id = call.params.get("user_id")
    if not isinstance(user_id, int):
        raise bad_request("invalid user_id specified")
    return _member(call, chat, user_id)


def get_chat_administrators(call: Call) -> list[JsonDict]:
    """getChatAdministrators."""
    chat = call.state.resolve_chat(call.params.get("chat_id"))
    if chat.type != "private" and not chat.bot_is_member:
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    admins: list[JsonDict] = []
    if chat.owner_id is not None:
        admins.append(_member(call, chat, chat.owner_id))
    if chat.type != "private" and chat.bot_is_admin:
        admins.append(_member(call, chat, call.bot_id))
    return admins


def send_chat_action(call: Call) -> bool:
    """sendChatAction."""
    st = call.state
    chat = st.resolve_chat(call.params.get("chat_id"))
    st.check_can_post(chat)
    if call.params.get("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def answer_callback_query(call: Call) -> bool:
    """answerCallbackQuery: once per query, and only while the query is young enough.

    Telegram refuses an answer that comes after its deadline with the same error as for an
    unknown id; the double does too, and notes on the press record that the answer came late.
    """
    st = call.state
    query_id = call.params.get("callback_query_id")
    if not isinstance(query_id, str) or query_id not in st.callback_queries:
        raise bad_request(_QUERY_TOO_OLD)
    record = st.presses.get(query_id)
    now = call.arrived or time.monotonic()
    late = record is not None and now - record.created > st.callback_max_age
    if record is not None and record.answered is None:
        record.answered, record.refused = now, late
    if late or query_id in st.callback_answers:
        raise bad_request(_QUERY_TOO_OLD)
    text = call.params.get("text")
    if isinstance(text, str) and utf16_len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    st.callback_answers[query_id] = dict(call.params)
    st.bump()
    return True


def _true(call: Call) -> Any:
    return True


CHAT_HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "sendChatAction": send_chat_action,
    "answerCallbackQuery": answer_callback_query,
    "close": _true,
    "logOut": _true,
}
