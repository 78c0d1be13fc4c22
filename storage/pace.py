"""SQL on `channel_pace`: one channel's send slots, shared by every process posting to it.

`newsdesk run` and a `newsdesk publish` beside it each pace their own posts
(bot.publishing.pacing); together they could exceed the channel's `max_posts_per_minute`. This
row is the one record of the channel's latest sends, and `claim` asks it for a slot *now*, in one
atomic write (an upsert whose new values are computed from the row's own columns), under the same
two rules the in-process pacer enforces:

- even spacing: a routine post goes no sooner than `60 / N` seconds after the latest send;
  an urgent one (breaking news) skips this rule;
- the window: at most N sends in any 60 s, so a send goes no sooner than 60 s after the N-th
  latest.

The answer is a wait: 0 or less means the slot was taken (the send time appended, the array
trimmed to the latest N), more than 0 how long to wait before asking again (nothing recorded).
Granting only "now" (never reserving a future slot) keeps an urgent post able to go ahead of a
routine one waiting in another process, and a process that dies while waiting holds nothing.

Why it is atomic on both engines: SQLite serialises write transactions (`BEGIN IMMEDIATE`); on
PostgreSQL `INSERT … ON CONFLICT DO UPDATE` locks the channel's row and computes the SET from its
latest committed version, so two processes asking at once are answered one after the other, the
second seeing the first's send. Times are Unix seconds from the asker's clock (hosts sharing a
store must keep their clocks in sync, as the workers' heartbeats already assume).
"""

from __future__ import annotations

from storage.sql import Sql, StoreConn

WINDOW_SECONDS = 60.0
# Slightly past the window edge, so the oldest send is surely outside it (bot.publishing.pacing
# uses both, so the store's rules and the process's are the same).
WINDOW_MARGIN = 0.001


def _claim_sql() -> Sql:
    """The upsert, spelled per engine; `s` is the row's `sent`, the parameters:
    $1 channel, $2 now, $3 N, $4 urgent, $5 spacing, $6 window (with its margin)."""
    sqlite_len = "json_array_length(channel_pace.sent)"
    sqlite_nth = f"json_extract(channel_pace.sent, '$[' || ({sqlite_len} - $3) || ']')"
    sqlite_last = "json_extract(channel_pace.sent, '$[#-1]')"
    sqlite_wait = (
        f"max(CASE WHEN {sqlite_len} >= $3 THEN {sqlite_nth} + $6 - $2 ELSE 0.0 END, "
        f"CASE WHEN $4 OR {sqlite_len} = 0 THEN 0.0 ELSE {sqlite_last} + $5 - $2 END)"
    )
    sqlite_push = (
        f"json_insert(CASE WHEN {sqlite_len} >= $3 THEN json_remove(channel_pace.sent, '$[0]') "
        "ELSE channel_pace.sent END, '$[#]', $2)"
    )
    pg_len = "jsonb_array_length(channel_pace.sent)"
    pg_nth = f"(channel_pace.sent ->> ({pg_len} - $3))::float8"
    pg_last = "(channel_pace.sent ->> -1)::float8"
    pg_wait = (
        f"GREATEST(CASE WHEN {pg_len} >= $3 THEN {pg_nth} + $6 - $2 ELSE 0.0 END, "
        f"CASE WHEN $4 OR {pg_len} = 0 THEN 0.0 ELSE {pg_last} + $5 - $2 END)"
    )
    pg_push = (
        f"(CASE WHEN {pg_len} >= $3 THEN channel_pace.sent - 0 ELSE channel_pace.sent END) "
        "|| jsonb_build_array(CAST($2 AS float8))"
    )
    statement = (
        "INSERT INTO channel_pace (channel, sent, wait_seconds) VALUES ($1, {first}, 0) "
        "ON CONFLICT (channel) DO UPDATE SET wait_seconds = {wait}, "
        "sent = CASE WHEN {wait} <= 0 THEN {push} ELSE channel_pace.sent END "
        "RETURNING wait_seconds"
    )
    return Sql(
        sqlite=statement.format(first="json_array($2)", wait=sqlite_wait, push=sqlite_push),
        postgres=statement.format(
            first="jsonb_build_array(CAST($2 AS float8))", wait=pg_wait, push=pg_push
        ),
    )


_CLAIM = _claim_sql()
_SENT = Sql(
    sqlite="SELECT e.value FROM channel_pace, json_each(channel_pace.sent) AS e "
    "WHERE channel = $1 ORDER BY e.key",
    postgres="SELECT e.value::text::float8 FROM channel_pace, "
    "jsonb_array_elements(channel_pace.sent) WITH ORDINALITY AS e(value, n) "
    "WHERE channel = $1 ORDER BY e.n",
)


class ChannelPaceRepository:
    """SQL on `channel_pace`. Callers own the transaction."""

    def __init__(self, conn: StoreConn) -> None:
        self._conn = conn

    async def claim(self, channel: str, *, now: float, per_minute: int, urgent: bool) -> float:
        """Take a send slot at `now` (Unix seconds) if the channel's rules allow one: return 0
        or less when taken, else the seconds to wait before asking again."""
        wait = await self._conn.fetchval(
            _CLAIM,
            channel,
            float(now),
            per_minute,
            urgent,
            WINDOW_SECONDS / per_minute,
            WINDOW_SECONDS + WINDOW_MARGIN,
        )
        return float(wait)

    async def sent(self, channel: str) -> list[float]:
        """The channel's recorded send times, oldest first (empty before its first send)."""
        rows = await self._conn.fetch(_SENT, channel)
        return [float(row[0]) for row in rows]
