"""Steering and watching the fake: injected faults, flood limits, and what the bot did.

Faults and rate limits make the fake misbehave the way Telegram does (429s, 5xx, timeouts,
refusals); the observation side returns copies of recorded calls and current messages, taken
under the state lock, so a test's assertions never race with the server's thread.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable

from sandbox.fakeapi.faults import PAID_BROADCAST_PER_SECOND, Fault
from sandbox.fakeapi.methods_chat import scope_key
from sandbox.fakeapi.models import ChatRef, JsonDict, PressRecord, RecordedCall, StoredMessage
from sandbox.fakeapi.state import State


class RecordingMixin:
    """Faults in, observations out; the host class provides ``_state``."""

    _state: State

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

    def limit_global_rate(
        self, per_second: int | None, *, paid_per_second: int = PAID_BROADCAST_PER_SECOND
    ) -> None:
        """Answer 429 once ``per_second`` sends happened in the last second (None: off), and
        paid broadcasts (``allow_paid_broadcast``) past their own ``paid_per_second``."""
        with self._state.cond:
            self._state.rates.global_second = per_second
            self._state.rates.paid_second = paid_per_second

    def limit_callback_age(self, seconds: float) -> None:
        """Refuse answerCallbackQuery for a query older than ``seconds`` (default 15)."""
        with self._state.cond:
            self._state.callback_max_age = seconds

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

    def calls_since(self, index: int) -> list[RecordedCall]:
        """Calls from number ``index`` on: cheap to poll while a long log keeps growing."""
        with self._state.cond:
            return self._state.calls[index:]

    @property
    def call_count(self) -> int:
        """How many calls were recorded so far (an ``index`` for :meth:`calls_since`)."""
        with self._state.cond:
            return len(self._state.calls)

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

    def press_record(self, query_id: str) -> PressRecord | None:
        """When a press was made and when its answer arrived (refused or not), if it exists."""
        with self._state.cond:
            record = self._state.presses.get(query_id)
            return copy.copy(record) if record is not None else None

    def press_records(self, query_ids: Iterable[str] | None = None) -> dict[str, PressRecord]:
        """Press records by query id: those named, or all of them."""
        with self._state.cond:
            presses = self._state.presses
            wanted = presses.keys() if query_ids is None else query_ids
            return {q: copy.copy(presses[q]) for q in wanted if q in presses}

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
    def next_update_id(self) -> int:
        """The update_id the next update made here gets (ids count up, as Telegram's do)."""
        with self._state.cond:
            return self._state.next_update_id

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
