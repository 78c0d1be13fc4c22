"""Shared state of the double: chats, users, messages, pending updates and the call log.

The HTTP server answers from worker threads while a test's event loop inspects the same data,
so everything lives in one object guarded by one ``threading.Condition``. The condition doubles
as the signal a getUpdates long-poll waits on, and ``version`` lets a live view poll cheaply
for "anything changed".
"""

from __future__ import annotations

import threading
import time
from collections import deque
from itertools import islice
from typing import Any

from sandbox.fakeapi.faults import FaultQueue, RateLimiter, bad_request, forbidden
from sandbox.fakeapi.models import (
    FakeChat,
    FakeUser,
    JsonDict,
    PressRecord,
    RecordedCall,
    StoredMessage,
    WebhookConfig,
)

BOT_FIRST_NAME = "Newsdesk"
# Telegram refuses answerCallbackQuery some seconds after the press (reports say 5-15 s); the
# double's default is the lenient end, and tests or benchmarks set their own.
CALLBACK_MAX_AGE = 15.0
REACTION_COUNT = "message_reaction_count"
# What an empty (or never given) allowed_updates leaves out: Telegram sends these kinds only to
# a bot that names them explicitly.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", REACTION_COUNT})


class State:
    """All mutable state of one fake Telegram; hold ``cond`` while touching it."""

    def __init__(self, bot_username: str) -> None:
        self.cond = threading.Condition()
        self.stopping = threading.Event()
        self.bot_username = bot_username
        self.chats: dict[int, FakeChat] = {}
        self.users: dict[int, FakeUser] = {}
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.updates: deque[tuple[int, str, JsonDict]] = deque()
        # (chat id, message id) -> update_id of its message_reaction_count update while that
        # update waits undelivered: later changes are folded into it (Telegram's coalescing).
        self.reaction_updates: dict[tuple[int, int], int] = {}
        self.next_update_id = 1
        self.allowed_updates: frozenset[str] = frozenset()
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.callback_queries: dict[str, JsonDict] = {}
        self.callback_answers: dict[str, JsonDict] = {}
        self.presses: dict[str, PressRecord] = {}
        self.callback_max_age = CALLBACK_MAX_AGE
        self.calls: list[RecordedCall] = []
        self.faults = FaultQueue()
        self.rates = RateLimiter()
        self.count_429 = 0
        self.version = 0
        self.photos_by_file_id: dict[str, list[JsonDict]] = {}
        self.uploads: dict[str, bytes] = {}  # file_id -> bytes the bot uploaded
        self.file_counter = 0
        self.query_counter = 0
        self.last_bot_id = 0
        self.long_polls_waiting = 0
        self.webhook: WebhookConfig | None = None  # set: getUpdates is refused, POSTs go out
        self.webhook_generation = 0

    def bump(self) -> None:
        """Record a state change and wake every waiter (long polls, observers)."""
        self.version += 1
        self.cond.notify_all()

    def bot_user(self, bot_id: int) -> JsonDict:
        """The bot's own ``User`` object."""
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": self.bot_username,
        }

    # -- chats -------------------------------------------------------------------------------

    def find_chat(self, ref: int | str) -> FakeChat | None:
        """Look a chat up by id or ``@username`` without raising."""
        if isinstance(ref, int):
            return self.chats.get(ref)
        if isinstance(ref, str) and ref.startswith("@"):
            wanted = ref[1:].lower()
            for chat in self.chats.values():
                if chat.type != "private" and (chat.username or "").lower() == wanted:
                    return chat
        return None

    def resolve_chat(self, ref: Any) -> FakeChat:
        """Find the chat a ``chat_id`` parameter names, or raise Telegram's error."""
        if ref is None or ref == "":
            raise bad_request("chat_id is empty")
        chat = self.find_chat(ref) if isinstance(ref, int | str) else None
        if chat is not None:
            return chat
        if isinstance(ref, int) and ref in self.users:
            raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")

    def check_can_post(self, chat: FakeChat) -> None:
        """Raise the 403 Telegram gives when the bot may not write to ``chat``."""
        if chat.type == "private":
            user = self.users.get(chat.id)
            if user is not None and user.blocked:
                raise forbidden("bot was blocked by the user")
        elif not chat.bot_is_member:
            kind = "channel chat" if chat.type == "channel" else f"{chat.type} chat"
            raise forbidden(f"bot is not a member of the {kind}")

    def private_chat(self, user: FakeUser) -> FakeChat:
        """The private chat with ``user``, created the first time the user writes."""
        user.started = True
        chat = self.chats.get(user.id)
        if chat is None:
            chat = FakeChat(
                id=user.id, type="private", first_name=user.first_name, username=user.username
            )
            self.chats[user.id] = chat
        return chat

    # -- messages ----------------------------------------------------------------------------

    def store(self, message: StoredMessage) -> StoredMessage:
        """Keep a new message and bump the version."""
        self.messages[(message.chat_id, message.message_id)] = message
        self.bump()
        return message

    def live_message(self, chat: FakeChat, message_id: Any, missing: str) -> StoredMessage:
        """An existing, undeleted message, or a 400 with the ``missing`` description."""
        message = self.messages.get((chat.id, message_id)) if isinstance(message_id, int) else None
        if message is None or message.deleted:
            raise bad_request(missing)
        return message

    def message_api(self, message: StoredMessage) -> JsonDict:
        """Render a stored message, with its reply target, as a Bot API ``Message``."""
        chat = self.chats[message.chat_id]
        reply_to = None
        if message.reply_to_message_id is not None:
            reply_to = self.messages.get((chat.id, message.reply_to_message_id))
        return message.to_api(chat, reply_to)

    def chat_messages(self, chat_id: int) -> list[StoredMessage]:
        """Messages of one chat in id order, deleted ones included (flagged)."""
        found = [m for (cid, _), m in self.messages.items() if cid == chat_id]
        return sorted(found, key=lambda m: m.message_id)

    # -- updates -----------------------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: JsonDict) -> int:
        """Queue an update for getUpdates and wake long polls; return its update_id."""
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append((update_id, kind, payload))
        self.bump()
        return update_id

    def pending_updates(self, offset: int | None, limit: int) -> list[JsonDict]:
        """Confirm updates below ``offset`` and return up to ``limit`` deliverable ones."""
        if offset is not None:
            keep = -offset if offset < 0 else None  # negative: keep only the last -offset
            while self.updates and (
                len(self.updates) > keep if keep is not None else self.updates[0][0] < offset
            ):
                self._confirmed(self.updates.popleft())
        self.drop_unwanted()
        delivered = list(islice(self.updates, limit))
        for uid, kind, body in delivered:
            self.mark_seen(uid, kind, body)
        return [{"update_id": uid, kind: body} for uid, kind, body in delivered]

    def confirm_update(self, update_id: int) -> None:
        """Forget one delivered update (a webhook's 2xx); later ones stay queued."""
        for entry in self.updates:
            if entry[0] == update_id:
                self.updates.remove(entry)
                self._confirmed(entry)
                self.bump()
                return

    def _confirmed(self, entry: tuple[int, str, JsonDict]) -> None:
        _, kind, body = entry
        if kind == "callback_query" and (press := self.presses.get(body["id"])):
            press.confirmed = True

    def drop_unwanted(self) -> None:
        """Drop queued updates of kinds the bot's allowed_updates leaves out."""
        for entry in [u for u in self.updates if not self.wanted(u[1])]:
            self.updates.remove(entry)

    def mark_seen(self, update_id: int, kind: str, body: JsonDict) -> None:
        """The bot was shown this update: later reaction changes need an update of their own."""
        key = (body["chat"]["id"], body["message_id"]) if kind == REACTION_COUNT else None
        if key is not None and self.reaction_updates.get(key) == update_id:
            del self.reaction_updates[key]

    def wanted(self, kind: str) -> bool:
        """Whether the bot's allowed_updates lets an update of ``kind`` through."""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_BY_DEFAULT

    def queued_update(self, update_id: int | None) -> JsonDict | None:
        """The body of an update still in the queue (None once confirmed, dropped or cleared)."""
        return next((body for uid, _, body in self.updates if uid == update_id), None)

    # -- observation -------------------------------------------------------------------------

    def record(self, call: RecordedCall) -> None:
        """Append to the call log (and count 429s)."""
        self.calls.append(call)
        if call.status == 429:
            self.count_429 += 1
        self.bump()

    def snapshot(self) -> JsonDict:
        """A JSON-able copy of chats and their messages."""
        chats = []
        for chat in self.chats.values():
            entry = chat.to_api()
            entry["bot_is_member"] = chat.bot_is_member
            entry["messages"] = [m.snapshot() for m in self.chat_messages(chat.id)]
            chats.append(entry)
        return {
            "version": self.version,
            "bot": self.bot_user(self.last_bot_id),
            "chats": chats,
            "taken_at": time.time(),
        }
