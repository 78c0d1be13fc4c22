"""The /status text: the queue, the last post, pauses, alerts, sources, uptime and version.

Read-only and built from several small reads; it never writes, so an editor can send it as
often as they like while something is going wrong.
"""

from __future__ import annotations

from datetime import datetime
from importlib import metadata

from bot.admin.alerts import AlertProgress
from bot.admin.replies import ago, esc, when
from bot.config import Settings
from storage.deliveries import DeliveryState
from storage.sources import SourceState


def version() -> str:
    """The installed newsdesk version, or "dev" from a source checkout."""
    try:
        return metadata.version("newsdesk")
    except metadata.PackageNotFoundError:
        return "dev"


def status_text(
    *,
    settings: Settings,
    now: datetime,
    started_at: datetime,
    counts: dict[DeliveryState, int],
    posted_today: int,
    last_post: datetime | None,
    oldest_due: datetime | None,
    editor_pause: str | None,
    channel_pause: str | None,
    alerts: list[AlertProgress],
    sources: list[SourceState],
) -> str:
    """Everything an editor on duty needs at a glance, as HTML."""
    tz = settings.site.tz
    lines = ["📊 <b>Status</b>"]
    if editor_pause:
        lines.append(f"⏸ Automatic publishing paused by an editor ({esc(editor_pause)}).")
    if channel_pause:
        lines.append(f"⛔ Publishing blocked: {esc(channel_pause)}")
    if not editor_pause and not channel_pause:
        lines.append("▶️ Publishing is running.")
    lines.append(
        f"Queue: pending {counts.get(DeliveryState.PENDING, 0)} · "
        f"posted today {posted_today} · failed {counts.get(DeliveryState.FAILED, 0)} · "
        f"uncertain {counts.get(DeliveryState.UNCERTAIN, 0)} · "
        f"skipped {counts.get(DeliveryState.SKIPPED, 0)}"
    )
    last = "never"
    if last_post is not None:
        last = f"{when(last_post, tz)}, {ago((now - last_post).total_seconds())} ago"
    lines.append(f"Last post: {last}")
    lag = ago((now - oldest_due).total_seconds()) if oldest_due is not None else "none"
    lines.append(f"Lag (oldest waiting): {lag}")
    for alert in alerts:
        c = alert.counts
        lines.append(
            f"🔔 Alert “{esc(alert.title[:80])}”: {alert.done}/{alert.total} done · "
            f"sent {c['sent']} · failed {c['failed']} · blocked {c['blocked']}"
        )
    if not alerts:
        lines.append("🔔 No alerts going out.")
    lines.extend(_source_line(state, now) for state in sources)
    lines.append(f"Up {ago((now - started_at).total_seconds())} · newsdesk {esc(version())}")
    return "\n".join(lines)


def _source_line(state: SourceState, now: datetime) -> str:
    if state.failing_since is not None:
        since = ago((now - state.failing_since).total_seconds())
        error = esc((state.last_error or "")[:120])
        return f"🔴 {esc(state.name)}: failing for {since} ({error})"
    if state.last_success_at is None:
        return f"⚪ {esc(state.name)}: not fetched yet"
    return f"🟢 {esc(state.name)}: ok, {ago((now - state.last_success_at).total_seconds())} ago"
