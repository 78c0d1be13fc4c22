"""The audit trail: every admin action, written in its own short transaction after the fact.

Recording never fails the action it describes: a store error here is logged, because the
editor's post is already out and telling them "failed" would be a lie.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.control.editors import Actor
from bot.domain import AuditEntry
from storage.audit import AuditRepository
from storage.database import Database

logger = logging.getLogger(__name__)


class AuditTrail:
    """Writes and reads `audit_log`."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def record(self, actor: Actor, action: str, target: str, result: str) -> None:
        """Append one action (who, what, on what, how it ended)."""
        try:
            async with self._db.write() as conn:
                await AuditRepository(conn).record(
                    at=self._clock(),
                    actor_id=actor.id,
                    actor=actor.name,
                    action=action,
                    target=target,
                    result=result,
                )
        except Exception:
            logger.exception("could not write the audit log: %s %s %s", action, target, result)

    async def latest(self, limit: int = 20) -> list[AuditEntry]:
        """The newest actions first."""
        return await AuditRepository(self._db.store).latest(limit)
