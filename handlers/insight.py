"""Reaction counts on our channel posts: Telegram's `message_reaction_count` updates, stored.

The update is anonymous (totals per reaction, no reader), and each one is the post's whole
current state, so storing it is one upsert; which channel it is, and whether it is newer than
what is stored, is the service's call.
"""

from __future__ import annotations

from telegram import ReactionCount, ReactionTypeCustomEmoji, ReactionTypeEmoji, Update
from telegram.ext import BaseHandler, MessageReactionHandler

from bot.context import Context
from bot.insight.reactions import CUSTOM_PREFIX, PAID


def _kind(count: ReactionCount) -> str:
    reaction = count.type
    if isinstance(reaction, ReactionTypeEmoji):
        return reaction.emoji
    if isinstance(reaction, ReactionTypeCustomEmoji):
        return f"{CUSTOM_PREFIX}{reaction.custom_emoji_id}"
    return PAID if reaction.type == "paid" else str(reaction.type)


async def record_reaction_counts(update: Update, context: Context) -> None:
    """Keep the latest counts of a channel post (posts of chats we do not post to are ignored)."""
    counted = update.message_reaction_count
    if counted is None:
        return
    counts: dict[str, int] = {}
    for entry in counted.reactions:
        kind = _kind(entry)
        counts[kind] = counts.get(kind, 0) + entry.total_count
    await context.bot_data.services.reactions.record(
        chat_id=counted.chat.id,
        username=counted.chat.username,
        message_id=counted.message_id,
        counts=counts,
        at=counted.date,
    )


def insight_handlers() -> list[BaseHandler[Update, Context, None]]:
    """The handlers this feature owns."""
    return [
        MessageReactionHandler(
            record_reaction_counts,
            message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_COUNT_UPDATED,
        )
    ]
