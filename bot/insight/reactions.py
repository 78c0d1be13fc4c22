"""Reaction counts from Telegram, kept per channel post.

A bot that is an admin of a channel gets `message_reaction_count` updates: anonymous totals, each
the post's whole current state, sent with some delay and coalesced by Telegram. The update names
the chat by its numeric id (and username, for a public channel); our config may name it either
way, and a channel that migrated has a new id, so the chat is matched the way the publisher
addresses it (`PublishingService.chat_id`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.publishing.service import PublishingService
from storage.database import Database
from storage.insight import InsightRepository

CUSTOM_PREFIX = "custom:"  # a custom emoji is kept as "custom:<custom_emoji_id>"
PAID = "paid"  # paid (Telegram Stars) reactions


class ReactionIntake:
    """Stores reaction counts for posts in our channels; other chats' are ignored."""

    def __init__(self, db: Database, publisher: PublishingService) -> None:
        self._db = db
        self._publisher = publisher

    async def channel_of(self, chat_id: int, username: str | None) -> str | None:
        """The configured channel a chat is, by id or @username, or None."""
        wanted = f"@{username}".casefold() if username else None
        for name in self._publisher.editions:
            chat = await self._publisher.chat_id(name)
            if chat == chat_id or str(chat) == str(chat_id):
                return name
            if wanted is not None and isinstance(chat, str) and chat.casefold() == wanted:
                return name
        return None

    async def record(
        self,
        *,
        chat_id: int,
        username: str | None,
        message_id: int,
        counts: Mapping[str, int],
        at: datetime,
    ) -> bool:
        """Keep a post's latest counts; False for a chat we do not post to or a stale update."""
        channel = await self.channel_of(chat_id, username)
        if channel is None:
            return False
        async with self._db.write() as conn:
            return await InsightRepository(conn).record_reactions(
                channel, message_id, counts, at=at
            )
