"""SQL for `deliveries`: where each article stands on its way to the channel.

An article without a row has never been looked at by the publisher (rows the site inserts
directly start that way). Rows move pending → sending → posted / failed / uncertain, or to
skipped. `sending` is written and committed *before* the Bot API call, so a crash during the
call leaves evidence: at the next start such rows become `uncertain`, never silently re-sent.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import Delivery, DeliveryState
from storage.articles import to_db_time
from storage.delivery_queries import DeliveryQueries

# The record and its states are defined beside the queries; callers import them from here.
__all__ = ["Delivery", "DeliveryRepository", "DeliveryState"]


class DeliveryRepository(DeliveryQueries):
    """All SQL on `deliveries`: the inherited reads and the writes, in the caller's transaction."""

    async def adopt_new(self, *, now: datetime, cutoff: datetime) -> None:
        """Give every article without a record one: pending, or skipped when held or too old."""
        stamp, old = to_db_time(now), to_db_time(cutoff)
        await self._conn.execute(
            "INSERT INTO deliveries (article_id, state, skip_reason, next_attempt_at, updated_at) "
            "SELECT a.id, CASE WHEN a.hold_reason IS NOT NULL OR a.published_at < ? "
            "THEN 'skipped' ELSE 'pending' END, "
            "CASE WHEN a.hold_reason IS NOT NULL THEN 'held: ' || a.hold_reason "
            "WHEN a.published_at < ? THEN 'older than the backlog limit' END, "
            "CASE WHEN a.published_at > ? THEN a.published_at END, ? "
            "FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.article_id = a.id)",
            (old, old, stamp, stamp),
        )
        # Downtime: what waited longer than the backlog allows is skipped, not posted in a burst.
        await self._conn.execute(
            "UPDATE deliveries SET state = 'skipped', skip_reason = 'older than the backlog "
            "limit', updated_at = ? WHERE state IN ('pending', 'failed') AND article_id IN "
            "(SELECT id FROM articles WHERE published_at < ?)",
            (stamp, old),
        )

    async def _set(
        self,
        article_id: int,
        now: datetime,
        *,
        only_from: tuple[DeliveryState, ...] = (),
        **values: object,
    ) -> bool:
        """Update one record; with `only_from`, only if it is in one of those states."""
        assignments = ", ".join(f"{name} = ?" for name in values)
        guard = ""
        if only_from:
            guard = f" AND state IN ({', '.join('?' for _ in only_from)})"
        cursor = await self._conn.execute(
            f"UPDATE deliveries SET {assignments}, updated_at = ? WHERE article_id = ?{guard}",
            (*values.values(), to_db_time(now), article_id, *(st.value for st in only_from)),
        )
        return cursor.rowcount == 1

    async def ensure(self, article_id: int, *, now: datetime) -> None:
        """Make sure an article has a record (pending if new), e.g. for `/post <id>`."""
        await self._conn.execute(
            "INSERT INTO deliveries (article_id, state, updated_at) VALUES (?, 'pending', ?) "
            "ON CONFLICT (article_id) DO NOTHING",
            (article_id, to_db_time(now)),
        )

    async def claim(self, article_id: int, *, now: datetime, repost: bool = False) -> bool:
        """Move a due article to `sending` before the Bot API call; False if someone else has it.

        Committed before the call, so a crash leaves evidence. Only pending or failed rows can be
        claimed (and posted ones with `repost`, for an editor's explicit push), which is what
        keeps the routine pass and a breaking push from posting the same article twice.
        """
        states = "('pending', 'failed', 'posted')" if repost else "('pending', 'failed')"
        cursor = await self._conn.execute(
            "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ? "
            f"WHERE article_id = ? AND state IN {states}",
            (to_db_time(now), article_id),
        )
        return cursor.rowcount == 1

    async def mark_posted(
        self,
        article_id: int,
        *,
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
        await self._conn.execute(
            "INSERT OR IGNORE INTO superseded_posts (article_id, chat_id, message_id) "
            "SELECT article_id, chat_id, message_id FROM deliveries WHERE article_id = ? "
            "AND state = ? AND chat_id IS NOT NULL AND message_id IS NOT NULL "
            "AND message_id IS NOT ?",
            (article_id, from_state.value, message_id),
        )
        return await self._set(
            article_id,
            now,
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
        self, article_id: int, *, error: str, retry_at: datetime, now: datetime
    ) -> None:
        """A try failed in a way worth retrying later (only a record still being sent)."""
        await self._set(
            article_id,
            now,
            only_from=(DeliveryState.SENDING,),
            state=DeliveryState.FAILED.value,
            last_error=error,
            next_attempt_at=to_db_time(retry_at),
        )

    async def mark_uncertain(self, article_id: int, *, error: str, now: datetime) -> None:
        """Telegram may or may not have posted it: a person decides (and is told, once).

        Only a record still being sent changes: an editor's retraction meanwhile stands.
        """
        await self._set(
            article_id,
            now,
            only_from=(DeliveryState.SENDING,),
            state=DeliveryState.UNCERTAIN.value,
            last_error=error,
            reported_at=None,
        )

    async def mark_skipped(self, article_id: int, reason: str, *, now: datetime) -> bool:
        """Record that an article will not be posted, unless it already has a delivery state."""
        cursor = await self._conn.execute(
            "INSERT INTO deliveries (article_id, state, skip_reason, updated_at) "
            "VALUES (?, 'skipped', ?, ?) ON CONFLICT (article_id) DO NOTHING",
            (article_id, reason, to_db_time(now)),
        )
        return cursor.rowcount == 1

    async def quarantine(self, article_id: int, reason: str, *, now: datetime) -> None:
        """Set an unreadable article aside: skipped with `reason`, unless already handled.

        A new article gets a skipped record; a pending or failed one becomes skipped. Posted,
        sending and uncertain records stand: the channel already shows (or may show) it.
        """
        stamp = to_db_time(now)
        await self._conn.execute(
            "INSERT INTO deliveries (article_id, state, skip_reason, updated_at) "
            "VALUES (?, 'skipped', ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
            "state = 'skipped', skip_reason = excluded.skip_reason, "
            "updated_at = excluded.updated_at WHERE state IN ('pending', 'failed')",
            (article_id, reason, stamp),
        )

    async def release(self, article_id: int, *, now: datetime) -> None:
        """The site fixed a row set aside as unreadable: it is due again (pending)."""
        await self._conn.execute(
            "UPDATE deliveries SET state = 'pending', skip_reason = NULL, "
            "next_attempt_at = NULL, updated_at = ? WHERE article_id = ? "
            "AND state = 'skipped' AND skip_reason LIKE 'unreadable %'",
            (to_db_time(now), article_id),
        )

    async def skip(self, article_id: int, reason: str, *, now: datetime) -> None:
        """Mark an existing record skipped (an editor's decision)."""
        await self._set(article_id, now, state=DeliveryState.SKIPPED.value, skip_reason=reason)

    async def requeue(
        self,
        article_id: int,
        *,
        now: datetime,
        only_from: tuple[DeliveryState, ...] = (),
        retry_at: datetime | None = None,
    ) -> bool:
        """Back to pending, due now or at `retry_at`; with `only_from`, only from those states."""
        return await self._set(
            article_id,
            now,
            only_from=only_from,
            state=DeliveryState.PENDING.value,
            next_attempt_at=to_db_time(retry_at) if retry_at else None,
        )

    async def mark_corrected(self, article_id: int, *, content_hash: str, now: datetime) -> None:
        """The channel post now shows the article's current content."""
        await self._set(article_id, now, content_hash=content_hash)

    async def move_chat(self, old_chat_id: str, new_chat_id: str) -> None:
        """A channel migrated: its posts now live under the new id."""
        await self._conn.execute(
            "UPDATE deliveries SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )

    async def mark_reported(self, article_id: int, *, now: datetime) -> None:
        """The editors were told about this uncertain post."""
        await self._conn.execute(
            "UPDATE deliveries SET reported_at = ? WHERE article_id = ?",
            (to_db_time(now), article_id),
        )

    async def interrupted_to_uncertain(self, *, now: datetime) -> list[int]:
        """At start-up: `sending` rows are from a process that died mid-call."""
        async with self._conn.execute(
            "SELECT article_id FROM deliveries WHERE state = 'sending'"
        ) as cur:
            ids = [int(row[0]) for row in await cur.fetchall()]
        for article_id in ids:
            await self.mark_uncertain(
                article_id, error="interrupted while sending (the bot stopped)", now=now
            )
        return ids
