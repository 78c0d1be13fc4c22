"""Readers reacting to channel posts, and the anonymous counts Telegram tells the bot about.

In a channel reactions are anonymous: an administrator bot that asked for
``message_reaction_count`` gets the full current counts of a post, never who reacted or a delta.
Telegram sends them late and coalesced, so several changes to one post arrive as one update
with the latest state; the double folds every change into the post's update while it waits
undelivered, and starts a new one once the bot has seen it. Only channels are modelled: groups
and private chats (where Telegram sends per-user ``message_reaction`` updates) are not needed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sandbox.fakeapi.models import (
    MAX_REACTION_COUNT,
    ChatRef,
    FakeChat,
    FakeUser,
    JsonDict,
    StoredMessage,
)
from sandbox.fakeapi.state import REACTION_COUNT, State

# Reaction types one reader may set on a message (Telegram Premium's limit); a paid (Star)
# reaction comes on top of them.
MAX_PER_READER = 3
PAID = "paid"
CUSTOM_PREFIX = "custom:"
# ReactionTypeEmoji's list in the Bot API docs. Telegram sends the heart as a bare U+2764, so a
# test writing "❤️" (with U+FE0F) is told so; the three joined emoji are also accepted in the
# spelling python-telegram-bot's ReactionEmoji uses (with U+FE0F), since sources differ.
_EMOJI_LIST = (
    "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 "
    "\u2764\u200d🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 "
    "👨\u200d💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 "
    "😎 👾 🤷\u200d\u2642 🤷 🤷\u200d\u2640 😡 "
    "\u2764\ufe0f\u200d🔥 🤷\u200d\u2642\ufe0f 🤷\u200d\u2640\ufe0f"
)
EMOJI = frozenset(_EMOJI_LIST.split())


def reaction_type(reaction: str) -> JsonDict:
    """The Bot API ``ReactionType`` a test's reaction string names, or a ValueError."""
    if reaction == PAID:
        return {"type": "paid"}
    if reaction.startswith(CUSTOM_PREFIX):
        custom_id = reaction.removeprefix(CUSTOM_PREFIX)
        if not custom_id.isdigit():
            raise ValueError(f"custom emoji id must be digits: {reaction!r}")
        return {"type": "custom_emoji", "custom_emoji_id": custom_id}
    if reaction not in EMOJI and reaction.replace("\ufe0f", "") in EMOJI:
        bare = reaction.replace("\ufe0f", "")
        raise ValueError(f"Telegram writes {reaction!r} without U+FE0F: {bare!r}")
    if reaction not in EMOJI:
        raise ValueError(
            f"{reaction!r} is not a reaction emoji Telegram allows "
            '(write "custom:<id>" for a custom emoji, "paid" for a Star reaction)'
        )
    return {"type": "emoji", "emoji": reaction}


def reacted_message(st: State, chat: ChatRef, message_id: int) -> tuple[FakeChat, StoredMessage]:
    """The channel and the message a test names, or a ValueError saying what is wrong."""
    found = st.find_chat(chat)
    message = st.messages.get((found.id, message_id)) if found is not None else None
    if found is None or message is None:
        raise ValueError(f"no message {message_id} in chat {chat!r}")
    if found.type != "channel":
        raise ValueError(f"reactions are modelled in channels only, not in a {found.type} chat")
    return found, message


def set_reactions(
    st: State, user: FakeUser, chat: ChatRef, message_id: int, reactions: Sequence[str]
) -> None:
    """Set ``user``'s reactions on a channel post (empty: remove theirs) and tell the bot."""
    found, message = reacted_message(st, chat, message_id)
    if message.deleted:
        raise ValueError(f"message {message_id} in chat {chat!r} is deleted")
    if isinstance(reactions, str):
        raise ValueError("reactions is a sequence of reactions, e.g. ['👍'], not one string")
    chosen = tuple(reactions)
    for reaction in chosen:
        reaction_type(reaction)
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"a reader sets each reaction once: {chosen!r}")
    if len([r for r in chosen if r != PAID]) > MAX_PER_READER:
        raise ValueError(f"a reader sets at most {MAX_PER_READER} reactions: {chosen!r}")
    if set(chosen) == set(message.readers_reactions.get(user.id, ())):
        return  # nothing changed, so Telegram has nothing to tell
    others = {r for uid, rs in message.readers_reactions.items() if uid != user.id for r in rs}
    if len(others | set(chosen)) > MAX_REACTION_COUNT:
        raise ValueError(f"a message carries at most {MAX_REACTION_COUNT} reaction types")
    if chosen:
        message.readers_reactions[user.id] = chosen
    else:
        message.readers_reactions.pop(user.id, None)
    st.bump()
    if found.bot_is_member and found.bot_is_admin:
        _announce(st, found, message)


def _announce(st: State, chat: FakeChat, message: StoredMessage) -> None:
    """Queue the post's counts, or fold them into its update still waiting undelivered."""
    body: JsonDict = {
        "chat": chat.to_api(),
        "message_id": message.message_id,
        "date": int(time.time()),
        "reactions": [
            {"type": reaction_type(reaction), "total_count": count}
            for reaction, count in message.reaction_counts().items()
        ],
    }
    key = (chat.id, message.message_id)
    waiting = st.queued_update(st.reaction_updates.get(key))
    if waiting is not None:
        waiting.update(body)  # the latest state, in the place of the first change
        st.bump()
    else:
        st.reaction_updates[key] = st.enqueue_update(REACTION_COUNT, body)
