"""SQL for `deliveries`: where each article stands on its way to each channel.

An article without a row has never been looked at by the publisher (rows the site inserts
directly start that way). Adoption (`storage.adoption`) gives it one row per channel that takes
it, keyed (article, channel), or one `UNROUTED` row saying no channel does. Each row moves
pending → sending → posted / failed / uncertain, or to skipped. `sending` is written and
committed *before* the Bot API call, so a crash during the call leaves evidence: at the next
start such rows become `uncertain`, never silently re-sent.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import Delivery, DeliveryState
from storage.articles import to_db_time
from storage.delivery_queries import HELD_UNTIL, UNROUTED, DeliveryQueries
from storage.sql import Sql
from storage.workers import GONE_CLAIMER

# The record and its states are defined beside the queries; callers import them from here.
__all__ = ["UNROUTED", "Delivery", "DeliveryRepository", "DeliveryState"]

# A post this one replaces keeps its message in `superseded_posts` (see `mark_posted`); the
# engines spell the null-safe "differs" differently. ON CONFLICT: two processes finishing the
# same repost cannot both store it.
_SUPERSEDE_TAIL = (
    "WHERE article_id = $1 AND channel = $2 AND state = $3 AND chat_id IS NOT NULL "
    "AND message_id IS NOT NULL AND message_id {differs} $4 ON CONFLICT DO NOTHING"
)
_SUPERSEDE_HEAD = (
    "INSERT INTO superseded_posts (article_id, channel, chat_id, message_id) "
    "SELECT article_id, channel, chat_id, message_id FROM deliveries "
)
_SUPERSEDE = Sql(
    sqlite=_SUPERSEDE_HEAD + _SUPERSEDE_TAIL.format(differs="IS NOT"),
    postgres=_SUPERSEDE_HEAD + _SUPERSEDE_TAIL.format(differs="IS DISTINCT FROM"),
)


class DeliveryRepository(DeliveryQueries):
    """All SQL on `deliveries`: the inherited reads and the writes, in the caller's transaction."""

    async def _set(
        self,
        article_id: int,
        now: datetime,
        *,
        channel: str | None,
        only_from: tuple[DeliveryState, ...] = (),
        **values: object,
    ) -> bool:
        """Update a record (None: the article's record in every channel); with `only_from`,
        only records in one of those states. True if any record changed."""
        # The column names and the number of states come from this module's callers (a handful
        # of shapes), never from input: the statement texts stay few on both engines.
        n = len(values)
        assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(values, 1))
        guard = ""
        if only_from:
            marks = ", ".join(f"${i}" for i in range(n + 4, n + 4 + len(only_from)))
            guard = f" AND state IN ({marks})"
        where = f"channel {'=' if channel is not None else '!='} ${n + 3}"
        changed = await self._conn.execute(
            f"UPDATE deliveries SET {assignments}, updated_at = ${n + 1} "
            f"WHERE article_id = ${n + 2} AND {where}{guard}",
            *values.values(),
            to_db_time(now),
            article_id,
            channel if channel is not None else UNROUTED,
            *(st.value for st in only_from),
        )
        return changed >= 1

    async def ensure(self, article_id: int, *, channel: str, now: datetime) -> None:
        """Make sure an article has a record in `channel` (pending if new), e.g. for `/post`."""
        await self._conn.execute(
            "INSERT INTO deliveries (article_id, channel, state, updated_at) "
            "VALUES ($1, $2, 'pending', $3) ON CONFLICT (article_id, channel) DO NOTHING",
            article_id,
            channel,
            to_db_time(now),
        )
        # It is routed now: a record that said no channel takes it no longer holds.
        await self._conn.execute(
            "DELETE FROM deliveries WHERE article_id = $1 AND channel = $2", article_id, UNROUTED
        )

    async def leave_out(
        self, article_id: int, channels: list[str], reason: str, *, now: datetime
    ) -> None:
        """Skip an article in `channels` (an editor's push chose others), unless it is posted
        or being sent there already."""
        await self._conn.executemany(
            "INSERT INTO deliveries (article_id, channel, state, skip_reason, updated_at) "
            "VALUES ($1, $2, 'skipped', $3, $4) ON CONFLICT (article_id, channel) DO UPDATE SET "
            "state = 'skipped', skip_reason = excluded.skip_reason, "
            "updated_at = excluded.updated_at "
            "WHERE deliveries.state IN ('pending', 'failed', 'uncertain')",
            [(article_id, channel, reason, to_db_time(now)) for channel in channels],
        )

    async def claim(
        self,
        article_id: int,
        *,
        channel: str,
        now: datetime,
        repost: bool = False,
        due: bool = False,
        claimed_by: str | None = None,
    ) -> bool:
        """Move an article to `sending` before the Bot API call; False if someone else has it.

        `claimed_by` (the worker's id, storage.workers) lets recovery tell a live worker's send
        in flight from a dead one's.

        Committed before the call, so a crash leaves evidence. Only pending or failed rows can be
        claimed (and posted ones with `repost`, for an editor's explicit push), which is what
        keeps the routine pass and a breaking push from posting the same article twice. With
        `due` (the routine pass) the row must also still be due as `next_due` read it: the pass
        reads first and claims after, and meanwhile an editor's preview may have held the
        article for a push (pending, due at the end of time) or a send may have failed.
        """
        states = "('pending', 'failed', 'posted')" if repost else "('pending', 'failed')"
        guard = f"state IN {states}"
        if due:
            guard = (
                "((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)) "
                "OR (state = 'failed' AND next_attempt_at <= $1))"
            )
        # One conditional UPDATE: on PostgreSQL a second claimer waits for the first one's row
        # lock, re-checks the whole condition on the committed row and finds nothing to claim.
        changed = await self._conn.execute(
            "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = $1, "
            f"claimed_by = $4 WHERE article_id = $2 AND channel = $3 AND {guard}",
            to_db_time(now),
            article_id,
            channel,
            claimed_by,
        )
        return changed == 1

    async def mark_posted(
        self,
        article_id: int,
        *,
        channel: str,
        chat_id: str,
        message_id: int | None,
        has_photo: bool,
        content_hash: str,
        now: datetime,
        from_state: DeliveryState = DeliveryState.SENDING,
    ) -> bool:
        """Record the post and its message id in one write; False if the record moved on.

        Only a record still in `from_state` is changed, so an editor's retraction or skip made
        while the message was in flight is not overwritten. A post this one replaces (a repost
        as breaking news) is kept in `superseded_posts`, so a retraction can delete it too.
        """
        await self._conn.execute(_SUPERSEDE, article_id, channel, from_state.value, message_id)
        return await self._set(
            article_id,
            now,
            channel=channel,
            only_from=(from_state,),
            state=DeliveryState.POSTED.value,
            chat_id=chat_id,
            message_id=message_id,
            has_photo=int(has_photo),
            content_hash=content_hash,
            posted_at=to_db_time(now),
            next_attempt_at=None,
            last_error=None,
        )

    async def mark_failed(
        self, article_id: int, *, channel: str, error: str, retry_at: datetime, now: datetime
    ) -> None:
        """A try failed in a way worth retrying later (only a record still being sent)."""
        await self._set(
            article_id,
            now,
            channel=channel,
            only_from=(DeliveryState.SENDING,),
            state=DeliveryState.FAILED.value,
            last_error=error,
            next_attempt_at=to_db_time(retry_at),
        )

    async def mark_uncertain(
        self, article_id: int, *, channel: str, error: str, now: datetime
    ) -> None:
        """Telegram may or may not have posted it: a person decides (and is told, once).

        Only a record still being sent changes: an editor's retraction meanwhile stands.
        """
        await self._set(
            article_id,
            now,
            channel=channel,
            only_from=(DeliveryState.SENDING,),
            state=DeliveryState.UNCERTAIN.value,
            last_error=error,
            reported_at=None,
        )

    async def mark_skipped(self, article_id: int, reason: str, *, now: datetime) -> bool:
        """Record that an article will not be posted, unless it already has a delivery state.

        The record is `UNROUTED` (no channel): adoption then leaves the article alone.
        """
        # ON CONFLICT: another process inserting the same record between the NOT EXISTS and
        # the insert makes this one a no-op rather than a unique violation (PostgreSQL).
        changed = await self._conn.execute(
            "INSERT INTO deliveries (article_id, channel, state, skip_reason, updated_at) "
            "SELECT $1, $2, 'skipped', $3, $4 WHERE NOT EXISTS "
            "(SELECT 1 FROM deliveries WHERE article_id = $1) ON CONFLICT DO NOTHING",
            article_id,
            UNROUTED,
            reason,
            to_db_time(now),
        )
        return changed == 1

    async def quarantine(self, article_id: int, reason: str, *, now: datetime) -> None:
        """Set an unreadable article aside: skipped with `reason`, unless already handled.

        A new article gets a skipped record; a pending or failed one becomes skipped. Posted,
        sending and uncertain records stand: the channel already shows (or may show) it.
        """
        stamp = to_db_time(now)
        await self._conn.execute(
            "UPDATE deliveries SET state = 'skipped', skip_reason = $1, updated_at = $2 "
            "WHERE article_id = $3 AND state IN ('pending', 'failed')",
            reason,
            stamp,
            article_id,
        )
        await self.mark_skipped(article_id, reason, now=now)

    async def release(self, article_id: int, *, now: datetime) -> None:
        """The site fixed a row set aside as unreadable: it is due again (pending).

        One set aside before it was routed loses its record, so adoption routes it afresh.
        """
        await self._conn.execute(
            "DELETE FROM deliveries WHERE article_id = $1 AND channel = $2 "
            "AND state = 'skipped' AND skip_reason LIKE 'unreadable %'",
            article_id,
            UNROUTED,
        )
        await self._conn.execute(
            "UPDATE deliveries SET state = 'pending', skip_reason = NULL, "
            "next_attempt_at = NULL, updated_at = $1 WHERE article_id = $2 "
            "AND state = 'skipped' AND skip_reason LIKE 'unreadable %'",
            to_db_time(now),
            article_id,
        )

    async def skip(
        self,
        article_id: int,
        reason: str,
        *,
        now: datetime,
        channel: str | None = None,
        only_from: tuple[DeliveryState, ...] = (),
    ) -> None:
        """Mark existing records skipped (an editor's decision); None: in every channel."""
        await self._set(
            article_id,
            now,
            channel=channel,
            only_from=only_from,
            state=DeliveryState.SKIPPED.value,
            skip_reason=reason,
        )

    async def requeue(
        self,
        article_id: int,
        *,
        now: datetime,
        channel: str | None = None,
        only_from: tuple[DeliveryState, ...] = (),
        retry_at: datetime | None = None,
        held: bool = False,
    ) -> bool:
        """Back to pending, due now or at `retry_at`; with `only_from`, only from those states.

        `held`: pending but held for a push (never due to the routine pass), for a breaking
        push that waits out a 429 and claims the article again itself. `channel` None: the
        article's records in every channel.
        """
        due = HELD_UNTIL if held else (to_db_time(retry_at) if retry_at else None)
        return await self._set(
            article_id,
            now,
            channel=channel,
            only_from=only_from,
            state=DeliveryState.PENDING.value,
            next_attempt_at=due,
        )

    async def mark_corrected(
        self, article_id: int, *, channel: str, content_hash: str, edited: bool, now: datetime
    ) -> None:
        """The channel post now shows the article's current content (`edited`: an edit went
        out, which insight counts as a correction)."""
        if not edited:
            await self._set(article_id, now, channel=channel, content_hash=content_hash)
            return
        await self._conn.execute(
            "UPDATE deliveries SET content_hash = $1, corrections = corrections + 1, "
            "corrected_at = $2, updated_at = $2 WHERE article_id = $3 AND channel = $4",
            content_hash,
            to_db_time(now),
            article_id,
            channel,
        )

    async def move_chat(self, old_chat_id: str, new_chat_id: str) -> None:
        """A channel migrated: its posts now live under the new id."""
        await self._conn.execute(
            "UPDATE deliveries SET chat_id = $1 WHERE chat_id = $2", new_chat_id, old_chat_id
        )

    async def mark_reported(self, article_id: int, *, now: datetime) -> None:
        """The editors were told about this uncertain post."""
        await self._conn.execute(
            "UPDATE deliveries SET reported_at = $1 WHERE article_id = $2",
            to_db_time(now),
            article_id,
        )

    async def interrupted_to_uncertain(self, *, now: datetime) -> list[int]:
        """`sending` rows whose claimer is gone died mid-call: now `uncertain` (the caller
        swept the dead workers first; a live worker's send in flight is left alone)."""
        rows = [
            (int(row[0]), str(row[1]))
            for row in await self._conn.fetch(
                "SELECT article_id, channel FROM deliveries "
                f"WHERE state = 'sending' AND {GONE_CLAIMER}"
            )
        ]
        for article_id, channel in rows:
            await self.mark_uncertain(
                article_id,
                channel=channel,
                error="interrupted while sending (the bot stopped)",
                now=now,
            )
        return sorted({article_id for article_id, _ in rows})
