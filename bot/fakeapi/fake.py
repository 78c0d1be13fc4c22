"""The test-facing double: start a fake Telegram, shape its world, act as users, observe.

Everything a test or the demo sandbox needs goes through ``FakeTelegram``: it owns the shared
state and the HTTP thread, and every method takes the state lock, so it is safe to call from
the test's event loop while the bot talks to the server from its own connections. Returned
messages and calls are copies, so assertions never race with the server.
"""

from __future__ import annotations

import copy
import time
from datetime import datetime
from types import TracebackType
from typing import Self

from bot.fakeapi import actors
from bot.fakeapi.dispatch import Dispatcher
from bot.fakeapi.faults import Fault
from bot.fakeapi.methods_chat import scope_key
from bot.fakeapi.models import FakeChat, FakeUser, JsonDict, RecordedCall, StoredMessage
from bot.fakeapi.server import HttpServerThread
from bot.fakeapi.state import State
from bot.fakeapi.waiting import WaitingMixin

ChatRef = int | str


class FakeTelegram(WaitingMixin):
    """A local fake Telegram Bot API server; point PTB at ``base_url``."""

    def __init__(
        self,
        *,
        bot_username: str = "newsdesk_bot",
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._state = State(bot_username)
        self._dispatcher = Dispatcher(self._state, token)
        self._host, self._port = host, port
        self._http: HttpServerThread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind the port and serve in a background thread."""
        if self._http is not None:
            raise RuntimeError("FakeTelegram is already started")
        self._state.stopping.clear()
        self._http = HttpServerThread(
            self._dispatcher.handle, self._state.stopping, self._host, self._port
        )
        self._http.start()
        return self

    def stop(self) -> None:
        """Stop serving; pending long polls and held answers are released at once."""
        if self._http is None:
            return
        self._state.stopping.set()
        with self._state.cond:
            self._state.cond.notify_all()
        self._http.stop()
        self._http = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT``."""
        if self._http is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self._host}:{self._http.port}"

    @property
    def base_url(self) -> str:
        """What to pass to ``ApplicationBuilder().base_url()``: ``<url>/bot``."""
        return f"{self.url}/bot"

    # -- the world ---------------------------------------------------------------------------

    def add_channel(
        self,
        username: str | None = "example_news",
        chat_id: int = -1001234567890,
        title: str = "Example News",
        *,
        owner_id: int | None = None,
        bot_is_admin: bool = True,
    ) -> FakeChat:
        """Create a channel the bot administers."""
        chat = FakeChat(chat_id, "channel", title, username, owner_id=owner_id)
        chat.bot_is_admin = bot_is_admin
        return self._add_chat(chat)

    def add_group(
        self,
        chat_id: int = -1009876543210,
        title: str = "Readers Group",
        *,
        username: str | None = None,
        supergroup: bool = True,
        bot_is_admin: bool = False,
    ) -> FakeChat:
        """Create a (super)group the bot is a member of."""
        kind = "supergroup" if supergroup else "group"
        chat = FakeChat(chat_id, kind, title, username, bot_is_admin=bot_is_admin)
        return self._add_chat(chat)

    def _add_chat(self, chat: FakeChat) -> FakeChat:
        with self._state.cond:
            self._state.chats[chat.id] = chat
            self._state.bump()
            return copy.copy(chat)

    def user(
        self,
        user_id: int,
        first_name: str = "Ann",
        language_code: str | None = "en",
        username: str | None = None,
    ) -> FakeUser:
        """The user with this id (created on first use; is_bot False)."""
        with self._state.cond:
            known = self._state.users.get(user_id)
            if known is None:
                known = FakeUser(user_id, first_name, language_code, username)
                self._state.users[user_id] = known
                self._state.bump()
            return known

    def block(self, user_id: int, blocked: bool = True) -> None:
        """Make the user block (or unblock) the bot."""
        with self._state.cond:
            self.user(user_id).blocked = blocked
            self._state.bump()

    def kick_from_channel(self, chat: ChatRef, kicked: bool = True) -> None:
        """Remove the bot from a channel/group (``kicked=False`` restores it)."""
        with self._state.cond:
            found = self._state.resolve_chat(chat)
            found.bot_is_member = not kicked
            self._state.bump()

    def restore_to_channel(self, chat: ChatRef) -> None:
        """Undo :meth:`kick_from_channel`."""
        self.kick_from_channel(chat, kicked=False)

    # -- acting as users ---------------------------------------------------------------------

    def send_text(
        self,
        user: FakeUser,
        text: str,
        chat: ChatRef | None = None,
        *,
        date: int | float | datetime | None = None,
        reply_to: StoredMessage | None = None,
    ) -> int:
        """Enqueue a message from ``user`` (private chat by default); return its update_id."""
        with self._state.cond:
            return actors.send_text(
                self._state, self._own(user), text, chat, date=date, reply_to=reply_to
            )

    def send_photo_from_user(
        self,
        user: FakeUser,
        caption: str | None = None,
        chat: ChatRef | None = None,
        *,
        date: int | float | datetime | None = None,
    ) -> StoredMessage:
        """Enqueue a photo from ``user``; return the message (to use as ``reply_to``)."""
        with self._state.cond:
            sent = actors.send_photo(self._state, self._own(user), caption, chat, date=date)
            return copy.deepcopy(sent)

    def press_button(self, user: FakeUser, chat: ChatRef, message_id: int, data: str) -> str:
        """Enqueue a callback_query on a stored message; return the query id."""
        with self._state.cond:
            return actors.press_button(self._state, self._own(user), chat, message_id, data)

    def _own(self, user: FakeUser) -> FakeUser:
        return self._state.users.get(user.id) or self.user(
            user.id, user.first_name, user.language_code, user.username
        )

    # -- faults ------------------------------------------------------------------------------

    def fail_next(self, method: str, fault: Fault, times: int = 1) -> None:
        """Give the next ``times`` calls of ``method`` this fault (FIFO after earlier ones)."""
        with self._state.cond:
            self._state.faults.add(method, fault, times)

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        with self._state.cond:
            self._state.faults.clear()

    def limit_chat_rate(self, per_minute: int | None) -> None:
        """Answer 429 once a chat got ``per_minute`` sends in the last 60 s (None: off)."""
        with self._state.cond:
            self._state.rates.per_chat_minute = per_minute

    def limit_global_rate(self, per_second: int | None) -> None:
        """Answer 429 once ``per_second`` sends happened in the last second (None: off)."""
        with self._state.cond:
            self._state.rates.global_second = per_second

    @property
    def count_429(self) -> int:
        """How many 429 answers were given (injected or by flood control)."""
        with self._state.cond:
            return self._state.count_429

    # -- observation -------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call so far, oldest first."""
        with self._state.cond:
            return list(self._state.calls)

    def calls_of(self, method: str) -> list[RecordedCall]:
        """Calls of one method (case-insensitive)."""
        wanted = method.lower()
        return [c for c in self.calls if c.method.lower() == wanted]

    def messages(self, chat: ChatRef) -> list[StoredMessage]:
        """Current state of a chat's messages (edits, pins, deletions applied)."""
        with self._state.cond:
            found = self._state.find_chat(chat)
            if found is None:
                if chat in self._state.users:
                    return []  # a user who never wrote: no private chat yet
                raise LookupError(f"unknown chat {chat!r}")
            return copy.deepcopy(self._state.chat_messages(found.id))

    def message(self, chat: ChatRef, message_id: int) -> StoredMessage | None:
        """One message's current state, or None."""
        with self._state.cond:
            found = self._state.find_chat(chat)
            stored = self._state.messages.get((found.id, message_id)) if found else None
            return copy.deepcopy(stored)

    def callback_answers(self, query_id: str) -> JsonDict | None:
        """The answerCallbackQuery parameters given for ``query_id``, if answered."""
        with self._state.cond:
            answer = self._state.callback_answers.get(query_id)
            return dict(answer) if answer is not None else None

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """Commands stored by setMyCommands for a scope and language."""
        with self._state.cond:
            key = scope_key({"scope": scope, "language_code": language_code})
            return copy.deepcopy(self._state.commands.get(key, []))

    def file_bytes(self, file_id: str) -> bytes | None:
        """The bytes the bot uploaded for a photo file_id (None for URLs and unknown ids)."""
        with self._state.cond:
            return self._state.uploads.get(file_id)

    @property
    def pending_update_count(self) -> int:
        """Updates enqueued but not yet confirmed by a getUpdates offset."""
        with self._state.cond:
            return len(self._state.updates)

    @property
    def long_polls_waiting(self) -> int:
        """getUpdates requests currently parked waiting for an update."""
        with self._state.cond:
            return self._state.long_polls_waiting

    @property
    def version(self) -> int:
        """Increases on every state change; cheap to poll."""
        with self._state.cond:
            return self._state.version

    def wait_for_change(self, version: int, timeout: float) -> int:
        """Block until ``version`` moves past the given value (or timeout); return it."""
        deadline = time.monotonic() + timeout
        with self._state.cond:
            while self._state.version <= version and not self._state.stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._state.cond.wait(remaining)
            return self._state.version

    def snapshot(self) -> JsonDict:
        """JSON-able chats and messages, for a live view."""
        with self._state.cond:
            return copy.deepcopy(self._state.snapshot())
