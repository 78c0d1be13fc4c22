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

from bot.domain import RECIPIENT_STATES, Alert, Outcome, Recipient
from storage.articles import from_db_time, to_db_time
from storage.sql import Row, Sql, StoreConn
from storage.workers import GONE_CLAIMER

_ALERT_COLUMNS = "id, article_id, post_url, created_at, finished_at"

# The claim. SQLite runs one writer at a time, so picking rows in a subquery and updating them
# is exclusive. PostgreSQL does not re-run a subquery after waiting for a row another worker
# holds (READ COMMITTED), so two workers would both pick, and both send to, the same pending
# recipients: there the picked rows are locked as they are read (FOR UPDATE), rows another
# worker holds are passed over (SKIP LOCKED), and the state is checked again on the row. The
# pick is a MATERIALIZED CTE, read once: as a subquery in FROM the planner may rescan it per
# row updated, and each rescan skips the rows this statement already locked and picks the
# next ones, so the LIMIT would not hold (measured: LIMIT 2 claimed all 5 pending).
_CLAIM = Sql(
    sqlite="UPDATE alert_recipients SET state = 'sending', updated_at = $1, claimed_by = $4 "
    "WHERE alert_id = $2 AND user_id IN (SELECT user_id FROM alert_recipients "
    "WHERE alert_id = $2 AND state = 'pending' ORDER BY user_id LIMIT $3) "
    "RETURNING user_id, language",
    postgres="WITH c AS MATERIALIZED (SELECT user_id FROM alert_recipients "
    "WHERE alert_id = $2 AND state = 'pending' ORDER BY user_id LIMIT $3 "
    "FOR UPDATE SKIP LOCKED) "
    "UPDATE alert_recipients r SET state = 'sending', updated_at = $1, claimed_by = $4 FROM c "
    "WHERE r.alert_id = $2 AND r.user_id = c.user_id AND r.state = 'pending' "
    "RETURNING r.user_id, r.language",
)


class AlertRepository:
    """All SQL on `alerts` and `alert_recipients`. Callers own the transaction for writes."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def create(self, article_id: int, *, post_url: str | None, now: datetime) -> int:
        """A new alert for every opted-in, active user; return its id."""
        alert_id = int(
            await self._conn.fetchval(
                "INSERT INTO alerts (article_id, post_url, created_at) VALUES ($1, $2, $3) "
                "RETURNING id",
                article_id,
                post_url,
                to_db_time(now),
            )
        )
        await self._conn.execute(
            "INSERT INTO alert_recipients (alert_id, user_id, language) "
            "SELECT $1, id, coalesce(language, language_code) FROM users "
            "WHERE alerts_opt_in = 1 AND active = 1",
            alert_id,
        )
        return alert_id

    async def opted_in(self) -> int:
        """How many users a new alert would go to now (as `create` picks them)."""
        return int(
            await self._conn.fetchval(
                "SELECT count(*) FROM users WHERE alerts_opt_in = 1 AND active = 1"
            )
        )

    async def left_to_send(self) -> int:
        """Recipients of every unfinished alert not handled yet: the queue a new alert joins."""
        return int(
            await self._conn.fetchval(
                "SELECT count(*) FROM alert_recipients WHERE state IN ('pending', 'sending') "
                "AND alert_id IN (SELECT id FROM alerts WHERE finished_at IS NULL)"
            )
        )

    async def unfinished(self) -> list[Alert]:
        """Alerts still going out, oldest first."""
        rows = await self._conn.fetch(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE finished_at IS NULL ORDER BY id"
        )
        return [_alert(r) for r in rows]

    async def get(self, alert_id: int) -> Alert | None:
        """One alert."""
        row = await self._conn.fetchrow(
            f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = $1", alert_id
        )
        return _alert(row) if row is not None else None

    async def interrupted_to_uncertain(self, *, now: datetime) -> int:
        """`sending` rows of a process that is gone died mid-send (the caller swept the dead
        workers first): now `uncertain`, never sent again."""
        return await self._conn.execute(
            "UPDATE alert_recipients SET state = 'uncertain', updated_at = $1, "
            "error = 'interrupted while sending (the bot stopped)' "
            f"WHERE state = 'sending' AND {GONE_CLAIMER}",
            to_db_time(now),
        )

    async def claim(
        self, alert_id: int, limit: int, *, now: datetime, claimed_by: str | None = None
    ) -> list[Recipient]:
        """Move up to `limit` pending recipients to `sending` and return them.

        Exclusive across processes: a recipient another worker is claiming is left to it.
        `claimed_by` names the worker (storage.workers) for recovery.
        """
        rows = await self._conn.fetch(_CLAIM, to_db_time(now), alert_id, limit, claimed_by)
        return sorted((Recipient(int(r[0]), r[1]) for r in rows), key=lambda r: r.user_id)

    async def record(self, alert_id: int, outcomes: Iterable[Outcome], *, now: datetime) -> None:
        """Store how each claimed recipient ended; blocked users become inactive."""
        done = list(outcomes)
        if not done:
            return
        stamp = to_db_time(now)
        await self._conn.executemany(
            "UPDATE alert_recipients SET state = $1, error = $2, updated_at = $3 "
            "WHERE alert_id = $4 AND user_id = $5",
            [(o.state, o.error, stamp, alert_id, o.user_id) for o in done],
        )
        blocked = [(o.user_id,) for o in done if o.state == "blocked"]
        if blocked:  # each statement is a hop to aiosqlite's thread: skip the empty one
            await self._conn.executemany("UPDATE users SET active = 0 WHERE id = $1", blocked)

    async def counts(self, alert_id: int) -> dict[str, int]:
        """How many recipients are in each state."""
        rows = await self._conn.fetch(
            "SELECT state, count(*) FROM alert_recipients WHERE alert_id = $1 GROUP BY state",
            alert_id,
        )
        found = {str(r[0]): int(r[1]) for r in rows}
        return {state: found.get(state, 0) for state in RECIPIENT_STATES}

    async def cancel_pending(self, article_id: int, *, now: datetime) -> None:
        """Recipients not yet alerted about this article will not be (it was retracted)."""
        await self._conn.execute(
            "UPDATE alert_recipients SET state = 'failed', error = 'cancelled: retracted', "
            "updated_at = $1 WHERE state = 'pending' AND alert_id IN "
            "(SELECT id FROM alerts WHERE article_id = $2)",
            to_db_time(now),
            article_id,
        )

    async def finish(self, alert_id: int, *, now: datetime) -> None:
        """No recipient is left to send to."""
        await self._conn.execute(
            "UPDATE alerts SET finished_at = $1 WHERE id = $2", to_db_time(now), alert_id
        )


def _alert(r: Row) -> Alert:
    return Alert(
        id=int(r[0]),
        article_id=int(r[1]),
        post_url=r[2] if isinstance(r[2], str) else None,
        created_at=from_db_time(str(r[3])),
        finished_at=from_db_time(str(r[4])) if r[4] else None,
    )
