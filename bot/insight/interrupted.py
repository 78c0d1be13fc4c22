"""Digests and weekly reports a crash left half-sent: marked uncertain once, and the editors told.

A claim is committed before its Bot API call, so a process that died during the call leaves a
`sending` row. At start, under the lease and before any new claim, every such row becomes
`uncertain` and the editors get one notice listing them. Nothing is sent again: a report that
may have arrived twice is worse than one that may not have arrived at all.
"""

from __future__ import annotations

from bot import catalogue
from bot.clock import Clock
from bot.control.editors import esc
from bot.domain.insight import InsightSend
from bot.notify import AdminNotifier
from storage.database import Database
from storage.insight_sends import InsightSendRepository

_KINDS: dict[str, catalogue.Key] = {
    "weekly": "insight_kind_weekly",
    "digest": "insight_kind_digest",
}


async def report_interrupted_sends(
    db: Database, notifier: AdminNotifier, clock: Clock
) -> list[InsightSend]:
    """Mark the sends a crash interrupted as uncertain and tell the editors; what was found."""
    async with db.transaction():
        found = await InsightSendRepository(db.conn).interrupted_to_uncertain(now=clock())
    if found:

        def notice(language: str) -> str:
            lines = "\n".join(
                catalogue.phrase(
                    "insight_interrupted_line",
                    language,
                    what=catalogue.phrase(_KINDS[send.kind], language)
                    if send.kind in _KINDS
                    else esc(send.kind),
                    period=esc(send.period),
                    target=esc(send.target),
                )
                for send in found
            )
            return catalogue.text("insight_interrupted", language, lines=lines)

        await notifier.send(notice)
    return found
