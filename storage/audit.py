"""SQL for `audit_log` (every admin action) and `held_commands` (stale commands to confirm).

The audit log is append-only: what an editor did stays on record even when it was refused, so
`/audit` can answer "who pressed that, and what happened" after the fact. The statements are
the same on both engines; a new id comes back with `RETURNING id`.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import AuditEntry, HeldCommand
from storage.articles import from_db_time, to_db_time
from storage.sql import StoreConn

_MAX_FIELD = 500  # an audit line is for reading at a glance, never a copy of a whole post


class AuditRepository:
    """All SQL on `audit_log`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def record(
        self, *, at: datetime, actor_id: int, actor: str, action: str, target: str, result: str
    ) -> None:
        """Append one action."""
        await self._conn.execute(
            "INSERT INTO audit_log (at, actor_id, actor, action, target, result) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            to_db_time(at),
            actor_id,
            actor[:_MAX_FIELD],
            action[:_MAX_FIELD],
            target[:_MAX_FIELD],
            result[:_MAX_FIELD],
        )

    async def latest(self, limit: int) -> list[AuditEntry]:
        """The newest `limit` actions, newest first."""
        rows = await self._conn.fetch(
            "SELECT id, at, actor_id, actor, action, target, result FROM audit_log "
            "ORDER BY id DESC LIMIT $1",
            limit,
        )
        return [
            AuditEntry(int(r[0]), from_db_time(r[1]), int(r[2]), r[3], r[4], r[5], r[6])
            for r in rows
        ]


class HeldCommandRepository:
    """All SQL on `held_commands`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def hold(
        self,
        *,
        actor_id: int,
        command: str,
        args: str,
        photo_file_id: str | None,
        sent_at: datetime,
        now: datetime,
    ) -> int:
        """Keep a stale command; return its id for the confirm button."""
        held_id = await self._conn.fetchval(
            "INSERT INTO held_commands (actor_id, command, args, photo_file_id, sent_at, held_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            actor_id,
            command,
            args,
            photo_file_id,
            to_db_time(sent_at),
            to_db_time(now),
        )
        return int(held_id)

    async def take(self, held_id: int, *, actor_id: int, state: str) -> HeldCommand | None:
        """Move the actor's held command to `run` or `dropped`; None if not theirs or decided."""
        # One conditional UPDATE is the claim: of two presses (or two processes), one changes
        # the row and gets the command, the other finds it decided.
        r = await self._conn.fetchrow(
            "UPDATE held_commands SET state = $1 "
            "WHERE id = $2 AND actor_id = $3 AND state = 'held' "
            "RETURNING id, actor_id, command, args, photo_file_id, sent_at, held_at, state",
            state,
            held_id,
            actor_id,
        )
        if r is None:
            return None
        return HeldCommand(
            int(r[0]), int(r[1]), r[2], r[3], r[4], from_db_time(r[5]), from_db_time(r[6]), r[7]
        )
