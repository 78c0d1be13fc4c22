"""Corrections: a posted article that changed gets its channel post edited, never reposted.

Only articles updated since their post was last written are looked at, and the post is edited
only when what it shows (the rendered card and photo) actually differs, so a change to a field
the post does not show costs no Bot API call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.domain.deliveries import FailureKind
from bot.domain.errors import DeliveryError
from bot.publishing.channel import content_hash
from storage.database import Database
from storage.deliveries import DeliveryRepository

if TYPE_CHECKING:
    from bot.publishing.edition import Edition

logger = logging.getLogger(__name__)

# Failures after which the edit is tried again on a later pass rather than given up.
_TRY_AGAIN = frozenset(
    {
        FailureKind.TRANSIENT,
        FailureKind.RATE_LIMITED,
        FailureKind.CHANNEL_LOST,
        FailureKind.AMBIGUOUS,
        FailureKind.MIGRATED,
    }
)


async def correct_changed_posts(
    db: Database,
    *,
    editions: Mapping[str, Edition],
    clock: Clock,
    stopping: asyncio.Event,
) -> list[int]:
    """Edit the posts of changed articles in every channel; return the ids whose post was
    edited (once per channel). Each channel's post is its own edition's card."""
    corrected: list[int] = []
    halted: set[str] = set()  # channels that answered 429 or went away: next pass
    for delivery, article in await DeliveryRepository(db.store).corrections_due():
        if stopping.is_set():
            break
        edition = editions.get(delivery.channel)
        if edition is None or delivery.channel in halted:
            continue  # a channel no longer configured keeps its post as it was
        try:
            post = edition.articles.render(article, breaking=article.is_breaking)
        except Exception:
            # One article's data the renderer cannot handle leaves its post as it is; the
            # other corrections still go out.
            logger.exception("post of article %s not corrected: it cannot be rendered", article.id)
            continue
        digest = content_hash(post)
        edited = False
        if digest != delivery.content_hash and delivery.message_id:
            try:
                await edition.sender.edit(
                    delivery.chat_id or await edition.articles.chat_id(),
                    delivery.message_id,
                    post,
                    has_photo=delivery.has_photo,
                )
            except DeliveryError as exc:
                kind = exc.failure.kind
                logger.warning("could not edit the post of article %s: %s", article.id, exc)
                if kind in _TRY_AGAIN:
                    # Left for the next pass; a 429 or a lost channel ends this round of edits
                    # in that channel.
                    if kind in (FailureKind.RATE_LIMITED, FailureKind.CHANNEL_LOST):
                        halted.add(delivery.channel)
                    continue
                # PERMANENT (e.g. the post was deleted by hand): recorded, never retried.
            else:
                corrected.append(article.id)
                edited = True
        async with db.write() as conn:
            await DeliveryRepository(conn).mark_corrected(
                article.id,
                channel=delivery.channel,
                content_hash=digest,
                edited=edited,
                now=clock(),
            )
    return corrected
