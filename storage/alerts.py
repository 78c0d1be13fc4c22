"""SQL for breaking alerts by private message: one `alerts` row, one row per recipient.

Recipients are copied from `users` when the alert is created (opted in and active at that
moment), so a restart resumes the same list. A window of rows is claimed (`sending`) and
committed before those messages go out; results are written with the next claim, in the same
transaction (one `executemany`), so a broadcast costs one commit per window rather than two per
message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain import RECIPIENT_STATES, Alert, Outcome, Recipient
from storage.articles import from_db_time, to_db_time


class AlertRepository:
    """All SQL on `alerts` and `alert_recipients`. Callers own the transaction for writes."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(self, article_id: int, *, post_url: str | None, now: datetime) -> int:
        """A new alert for every opted-in, active user; return its id."""
        cursor = await self._conn.execute(
            "INSERT INTO alerts (article_id, post_url, created_at) VALUES (?, ?, ?)",
            (article_id, post_url, to_db_time(now)),
        )
        alert_id = cursor.lastrowid
        assert alert_id is not None
        await self._conn.execute(
            "INSERT INTO alert_recipients (alert_id, user_id, language) "
            "SELECT ?, id, coalesce(language, language_code) FROM users "
            "WHERE alerts_opt_in = 1 AND active = 1",
            (alert_id,),
        )
        return alert_id

    async def opted_in(self) -> int:
        """How many users a new alert would go to now (as `create` picks them)."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT count(*) FROM users WHERE alerts_opt_in = 1 AND active = 1"
            )
        )
        return int(rows[0][0])

    async def left_to_send(self) -> int:
        """Recipients of every unfinished alert not handled yet: the queue a new alert joins."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT count(*) FROM alert_recipients WHERE state IN ('pending', 'sending') "
                "AND alert_id IN (SELECT id FROM alerts WHERE finished_at IS NULL)"
            )
        )
        return int(rows[0][0])

    async def unfinished(self) -> list[Alert]:
        """Alerts still going out, oldest first."""
        rows = await self._conn.execute_fetchall(
            "SELECT id, article_id, post_url, created_at, finished_at FROM alerts "
            "WHERE finished_at IS NULL ORDER BY id"
        )
        return [_alert(tuple(r)) for r in rows]

    async def get(self, alert_id: int) -> Alert | None:
        """One alert."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT id, article_id, post_url, created_at, finished_at FROM alerts "
                "WHERE id = ?",
                (alert_id,),
            )
        )
        return _alert(tuple(rows[0])) if rows else None

    async def interrupted_to_uncertain(self, *, now: datetime) -> int:
        """At start-up: `sending` rows belong to a process that died mid-send."""
        cursor = await self._conn.execute(
            "UPDATE alert_recipients SET state = 'uncertain', updated_at = ?, "
            "error = 'interrupted while sending (the bot stopped)' WHERE state = 'sending'",
            (to_db_time(now),),
        )
        return cursor.rowcount

    async def claim(self, alert_id: int, limit: int, *, now: datetime) -> list[Recipient]:
        """Move up to `limit` pending recipients to `sending` and return them."""
        rows = await self._conn.execute_fetchall(
            "UPDATE alert_recipients SET state = 'sending', updated_at = ? "
            "WHERE alert_id = ? AND user_id IN (SELECT user_id FROM alert_recipients "
            "WHERE alert_id = ? AND state = 'pending' ORDER BY user_id LIMIT ?) "
            "RETURNING user_id, language",
            (to_db_time(now), alert_id, alert_id, limit),
        )
        return sorted((Recipient(int(r[0]), r[1]) for r in rows), key=lambda r: r.user_id)

    async def record(self, alert_id: int, outcomes: Iterable[Outcome], *, now: datetime) -> None:
        """Store how each claimed recipient ended; blocked users become inactive."""
        done = list(outcomes)
        if not done:
            return
        stamp = to_db_time(now)
        await self._conn.executemany(
            "UPDATE alert_recipients SET state = ?, error = ?, updated_at = ? "
            "WHERE alert_id = ? AND user_id = ?",
            [(o.state, o.error, stamp, alert_id, o.user_id) for o in done],
        )
        blocked = [(o.user_id,) for o in done if o.state == "blocked"]
        if blocked:  # each statement is a hop to aiosqlite's thread: skip the empty one
            await self._conn.executemany("UPDATE users SET active = 0 WHERE id = ?", blocked)

    async def counts(self, alert_id: int) -> dict[str, int]:
        """How many recipients are in each state."""
        rows = await self._conn.execute_fetchall(
            "SELECT state, count(*) FROM alert_recipients WHERE alert_id = ? GROUP BY state",
            (alert_id,),
        )
        found = {str(r[0]): int(r[1]) for r in rows}
        return {state: found.get(state, 0) for state in RECIPIENT_STATES}

    async def cancel_pending(self, article_id: int, *, now: datetime) -> None:
        """Recipients not yet alerted about this article will not be (it was retracted)."""
        await self._conn.execute(
            "UPDATE alert_recipients SET state = 'failed', error = 'cancelled: retracted', "
            "updated_at = ? WHERE state = 'pending' AND alert_id IN "
            "(SELECT id FROM alerts WHERE article_id = ?)",
            (to_db_time(now), article_id),
        )

    async def finish(self, alert_id: int, *, now: datetime) -> None:
        """No recipient is left to send to."""
        await self._conn.execute(
            "UPDATE alerts SET finished_at = ? WHERE id = ?", (to_db_time(now), alert_id)
        )


def _alert(r: tuple[object, ...]) -> Alert:
    return Alert(
        id=int(str(r[0])),
        article_id=int(str(r[1])),
        post_url=r[2] if isinstance(r[2], str) else None,
        created_at=from_db_time(str(r[3])),
        finished_at=from_db_time(str(r[4])) if r[4] else None,
    )
