"""Adoption: articles the publisher has not seen get one delivery record per channel taking them.

Routing decides the channels (`routing`); an article no channel takes is recorded as skipped
with each channel's reason, so an editor asking "why was it not posted?" gets an answer. The
backlog rule (too old: skipped, not posted in a burst) applies as before, per record.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.publishing.routing import channels_for, unrouted_reason
from storage.adoption import AdoptionRepository
from storage.database import Database


async def adopt_new(db: Database, settings: Settings, *, now: datetime, cutoff: datetime) -> None:
    """Give every new article its per-channel records; skip what waited past the backlog."""
    async with db.write() as conn:
        adoption = AdoptionRepository(conn)
        for facts in await adoption.unadopted(now=now, cutoff=cutoff):
            rules = (facts.language, facts.category, facts.source, settings.site.language)
            taken = channels_for(settings.channels, *rules)
            reason = "" if taken else unrouted_reason(settings.channels, *rules)
            await adoption.adopt(facts, [c.name for c in taken], reason, now=now)
        await adoption.skip_overdue(now=now, cutoff=cutoff)


async def adopt_unnamed(db: Database, channel: str) -> int:
    """Records from before editions become the first configured channel's (at start)."""
    async with db.write() as conn:
        return await AdoptionRepository(conn).adopt_unnamed(channel)
