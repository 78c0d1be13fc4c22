"""SQL for `insight_sends`: each digest and weekly report claimed once per period.

The claim is one conditional insert, so two processes (a restart racing an old leader, or two
workers) cannot both send the same day's digest: the loser's insert changes nothing. The claim
is committed before the Bot API call, as a post's `sending` is, so a crash during the call
leaves a row that becomes `uncertain` — reported, never sent again.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.insight import InsightSend, SendState
from storage.articles import from_db_time, to_db_time
from storage.sql import Row, StoreConn
from storage.workers import GONE_CLAIMER

_COLUMNS = "kind, target, period, state, message_id, detail, updated_at"


class InsightSendRepository:
    """All SQL on `insight_sends`. Callers own the transaction."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def claim(
        self, kind: str, target: str, period: str, *, now: datetime, claimed_by: str | None = None
    ) -> bool:
        """Take the period's send for `target`; False if it was taken before (by anyone).

        `claimed_by` names the worker (storage.workers), so recovery leaves a live one's send."""
        inserted = await self._conn.execute(
            "INSERT INTO insight_sends (kind, target, period, state, updated_at, claimed_by) "
            "VALUES ($1, $2, $3, 'sending', $4, $5) "
            "ON CONFLICT (kind, target, period) DO NOTHING",
            kind,
            target,
            period,
            to_db_time(now),
            claimed_by,
        )
        return inserted == 1

    async def finish(
        self,
        kind: str,
        target: str,
        period: str,
        state: SendState,
        *,
        now: datetime,
        message_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        """Record how a claimed send ended (sent, skipped with why, uncertain)."""
        await self._conn.execute(
            "UPDATE insight_sends SET state = $1, message_id = $2, detail = $3, updated_at = $4 "
            "WHERE kind = $5 AND target = $6 AND period = $7",
            state.value,
            message_id,
            detail,
            to_db_time(now),
            kind,
            target,
            period,
        )

    async def get(self, kind: str, target: str, period: str) -> InsightSend | None:
        """The period's send for `target`, if it was claimed."""
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM insight_sends "
            "WHERE kind = $1 AND target = $2 AND period = $3",
            kind,
            target,
            period,
        )
        return _send(row) if row is not None else None

    async def interrupted_to_uncertain(self, *, now: datetime) -> list[InsightSend]:
        """Sends a dead process left `sending` (the caller swept the dead workers first): now
        `uncertain`; a live worker's send in flight is left alone."""
        rows = await self._conn.fetch(
            "UPDATE insight_sends SET state = 'uncertain', updated_at = $1 "
            f"WHERE state = 'sending' AND {GONE_CLAIMER} RETURNING {_COLUMNS}",
            to_db_time(now),
        )
        return [_send(row) for row in rows]


def _send(row: Row) -> InsightSend:
    kind, target, period, state, message_id, detail, updated_at = row
    return InsightSend(
        kind=str(kind),
        target=str(target),
        period=str(period),
        state=SendState(state),
        message_id=int(message_id) if message_id is not None else None,
        detail=str(detail) if detail is not None else None,
        updated_at=from_db_time(str(updated_at)),
    )
