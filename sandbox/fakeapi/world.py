"""Shaping the fake's world and acting in it: channels, groups, users, and what users do.

A test first builds the world the bot will find (a channel it administers, a readers' group,
users who block it or kick it out), then acts as those users: messages, photos, button presses
and reactions to channel posts become updates for the bot's next getUpdates. Every method
takes the state lock, since the bot's requests reach the same state from the server's thread.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime

from sandbox.fakeapi import actors
from sandbox.fakeapi.models import ChatRef, FakeChat, FakeUser, StoredMessage
from sandbox.fakeapi.reactions import reacted_message, set_reactions
from sandbox.fakeapi.state import State
from sandbox.fakeapi.storm import PressStorm


class WorldMixin:
    """Building chats and users and acting as users; the host class provides ``_state``."""

    _state: State

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

    def react(
        self, user: FakeUser, chat: ChatRef, message_id: int, reactions: Sequence[str]
    ) -> None:
        """Set ``user``'s reactions on a channel post; the bot hears of it as Telegram tells.

        A reaction is an emoji ("👍"), ``"custom:<id>"`` or ``"paid"``; up to 3 (plus paid) per
        reader, and an empty sequence removes theirs. An administrator bot that asked for
        ``message_reaction_count`` gets the post's anonymous totals, one update per post while
        undelivered. Channels only; a deleted or unknown message is a ValueError.
        """
        with self._state.cond:
            set_reactions(self._state, self._own(user), chat, message_id, reactions)

    def reaction_counts(self, chat: ChatRef, message_id: int) -> dict[str, int]:
        """The fake's own truth: readers per reaction on a channel post, most common first."""
        with self._state.cond:
            _, message = reacted_message(self._state, chat, message_id)
            return message.reaction_counts()

    def press_storm(
        self,
        chat: ChatRef,
        message_id: int,
        data: str,
        *,
        rate: float,
        seconds: float,
        first_user: int,
    ) -> PressStorm:
        """Start presses on one message at ``rate``/s for ``seconds``, each by a new user.

        Users are ``first_user``, ``first_user + 1``…; read ``query_ids`` for their records.
        """
        with self._state.cond:
            found = self._state.find_chat(chat)
            if found is None or (found.id, message_id) not in self._state.messages:
                raise ValueError(f"no message {message_id} in chat {chat!r}")
        storm = PressStorm(
            self._state,
            found.id,
            message_id,
            data,
            rate=rate,
            seconds=seconds,
            first_user=first_user,
        )
        return storm.start()

    def _own(self, user: FakeUser) -> FakeUser:
        return self._state.users.get(user.id) or self.user(
            user.id, user.first_name, user.language_code, user.username
        )
