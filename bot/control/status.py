"""The /status text: the queue, the last post, pauses, alerts, sources, uptime and version.

Read-only and built from several small reads; it never writes, so an editor can send it as
often as they like while something is going wrong. It must also arrive exactly then: with many
sources failing, they are summarised ("12 sources failing: a, b, c … and 9 more") and names
and errors are cut, and the reply is fitted to Telegram's limit on its way out
(`bot.rendering.fitting`) whatever the counts.
"""

from __future__ import annotations

from datetime import datetime
from importlib import metadata

from bot.alerts.service import AlertProgress
from bot.config import Settings
from bot.control.editors import ago, esc, when
from bot.domain import DeliveryState, SourceState
from bot.rendering.text import single_line, truncate, utf16_len


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
    lines.extend(source_lines(sources, now))
    lines.append(f"Up {ago((now - started_at).total_seconds())} · newsdesk {esc(version())}")
    return "\n".join(lines)


# Up to this many sources of a kind get a line each; more are summarised in one line.
DETAILED_SOURCES = 5
# A summary line lists names until it reaches this many UTF-16 units, then "… and N more".
SUMMARY_UNITS = 1200
NAME_UNITS = 40
ERROR_UNITS = 120


def source_lines(sources: list[SourceState], now: datetime) -> list[str]:
    """Failing sources first, then unfetched, then healthy; a line each or one summary."""
    failing = [s for s in sources if s.failing_since is not None]
    waiting = [s for s in sources if s.failing_since is None and s.last_success_at is None]
    healthy = [s for s in sources if s.failing_since is None and s.last_success_at is not None]
    lines: list[str] = []
    for group, icon, label in (
        (failing, "🔴", "failing"),
        (waiting, "⚪", "not fetched yet"),
        (healthy, "🟢", "ok"),
    ):
        if len(group) > DETAILED_SOURCES:
            lines.append(f"{icon} {summary(len(group), label, [s.name for s in group])}")
        else:
            lines.extend(_source_line(state, now) for state in group)
    return lines


def summary(count: int, label: str, names: list[str]) -> str:
    """One HTML line: "12 sources failing: a, b, c … and 9 more", names up to SUMMARY_UNITS."""
    shown: list[str] = []
    size = 0
    for name in names:
        short = _short(name, NAME_UNITS)
        size += utf16_len(short) + 2
        if size > SUMMARY_UNITS:
            break
        shown.append(short)
    rest = count - len(shown)
    more = f" … and {rest} more" if rest else ""
    return f"<b>{count} sources {label}</b>: {esc(', '.join(shown))}{more}"


def _short(text: str, units: int) -> str:
    return truncate(single_line(text), units)


def _source_line(state: SourceState, now: datetime) -> str:
    name = esc(_short(state.name, NAME_UNITS))
    if state.failing_since is not None:
        since = ago((now - state.failing_since).total_seconds())
        error = esc(_short(state.last_error or "", ERROR_UNITS))
        return f"🔴 {name}: failing for {since} ({error})"
    if state.last_success_at is None:
        return f"⚪ {name}: not fetched yet"
    return f"🟢 {name}: ok, {ago((now - state.last_success_at).total_seconds())} ago"
