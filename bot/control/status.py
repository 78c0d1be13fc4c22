"""The /status text: the queue, the last post, pauses, alerts, sources, uptime and version.

An alert going out shows its progress (done / total and outcomes), the rate measured while
this process sends it and the time left at that rate; before a rate can be measured (waiting
behind another alert, or its first second), the time left at the configured pace.

Read-only and built from several small reads; it never writes, so an editor can send it as
often as they like while something is going wrong. It must also arrive exactly then: with many
sources failing, they are summarised ("12 sources failing: a, b, c … and 9 more") and names
and errors are cut, and the reply is fitted to Telegram's limit on its way out
(`bot.rendering.fitting`) whatever the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from importlib import metadata

from bot import catalogue
from bot.alerts.progress import AlertProgress
from bot.config import Settings
from bot.control.editors import ago, esc, estimate, when
from bot.domain import DeliveryState, SourceState
from bot.domain.deliveries import ChannelQueue
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
    language: str = catalogue.DEFAULT_LANGUAGE,
    channels: Sequence[tuple[ChannelQueue, str | None]] = (),
) -> str:
    """Everything an editor on duty needs at a glance, as HTML, in the editor's language."""
    tz = settings.site.tz

    def say(key: catalogue.Key, **values: object) -> str:
        return catalogue.text(key, language, **values)

    def since(moment: datetime) -> str:
        return ago((now - moment).total_seconds(), language)

    lines = [say("status_title")]
    if editor_pause:
        lines.append(say("status_paused", reason=esc(editor_pause)))
    if channel_pause:
        lines.append(say("status_blocked", reason=esc(channel_pause)))
    if not editor_pause and not channel_pause:
        lines.append(say("status_running"))
    lines.append(
        say(
            "status_queue",
            pending=counts.get(DeliveryState.PENDING, 0),
            today=posted_today,
            failed=counts.get(DeliveryState.FAILED, 0),
            uncertain=counts.get(DeliveryState.UNCERTAIN, 0),
            skipped=counts.get(DeliveryState.SKIPPED, 0),
        )
    )
    last = catalogue.phrase("time_never", language)
    if last_post is not None:
        last = catalogue.phrase(
            "time_at_ago",
            language,
            when=when(last_post, tz, language),
            ago=since(last_post),
        )
    lines.append(say("status_last_post", last=last))
    lag = since(oldest_due) if oldest_due else catalogue.phrase("status_lag_none", language)
    lines.append(say("status_lag", lag=lag))
    lines.extend(channel_lines(channels, now, tz, language))
    for alert in alerts:
        c = alert.counts
        lines.append(
            say(
                "status_alert",
                title=esc(alert.title[:80]),
                done=alert.done,
                total=alert.total,
                sent=c["sent"],
                failed=c["failed"],
                blocked=c["blocked"],
            )
        )
        left = estimate(alert.seconds_left, language)
        if alert.per_second is None:
            lines.append(say("status_alert_eta", left=left))
        else:
            lines.append(say("status_alert_pace", rate=round(alert.per_second), left=left))
    if not alerts:
        lines.append(say("status_no_alerts"))
    lines.extend(source_lines(sources, now, language))
    lines.append(say("status_uptime", uptime=since(started_at), version=esc(version())))
    return "\n".join(lines)


def channel_lines(
    channels: Sequence[tuple[ChannelQueue, str | None]],
    now: datetime,
    tz: tzinfo,
    language: str = catalogue.DEFAULT_LANGUAGE,
) -> list[str]:
    """A line per channel — state, queue, last post, lag — when the desk has several (with
    one, the lines above already say it all).

    `channels` pairs each channel's queue with why it is paused (an editor, a lost channel).
    """
    if len(channels) < 2:
        return []
    lines = []
    for queue, paused in channels:
        state = (
            catalogue.phrase("status_channel_paused", language, reason=esc(paused))
            if paused
            else catalogue.phrase("status_channel_running", language)
        )
        last = catalogue.phrase("time_never", language)
        if queue.last_post is not None:
            last = catalogue.phrase(
                "time_at_ago",
                language,
                when=when(queue.last_post, tz, language),
                ago=ago((now - queue.last_post).total_seconds(), language),
            )
        lag = (
            ago((now - queue.oldest_due).total_seconds(), language)
            if queue.oldest_due
            else catalogue.phrase("status_lag_none", language)
        )
        lines.append(
            catalogue.text(
                "status_channel",
                language,
                channel=esc(queue.channel),
                state=state,
                pending=queue.pending,
                last=last,
                lag=lag,
            )
        )
    return lines


# Up to this many sources of a kind get a line each; more are summarised in one line.
DETAILED_SOURCES = 5
# A summary line lists names until it reaches this many UTF-16 units, then "… and N more".
SUMMARY_UNITS = 1200
NAME_UNITS = 40
ERROR_UNITS = 120


def source_lines(
    sources: list[SourceState], now: datetime, language: str = catalogue.DEFAULT_LANGUAGE
) -> list[str]:
    """Failing sources first, then unfetched, then healthy; a line each or one summary."""
    failing = [s for s in sources if s.failing_since is not None]
    waiting = [s for s in sources if s.failing_since is None and s.last_success_at is None]
    healthy = [s for s in sources if s.failing_since is None and s.last_success_at is not None]
    lines: list[str] = []
    groups: tuple[tuple[list[SourceState], str, catalogue.PluralKey], ...] = (
        (failing, "🔴", "sources_failing"),
        (waiting, "⚪", "sources_waiting"),
        (healthy, "🟢", "sources_ok"),
    )
    for group, icon, key in groups:
        if len(group) > DETAILED_SOURCES:
            names = [s.name for s in group]
            lines.append(f"{icon} {summary(len(group), key, names, language)}")
        else:
            lines.extend(_source_line(state, now, language) for state in group)
    return lines


def summary(
    count: int,
    key: catalogue.PluralKey,
    names: list[str],
    language: str = catalogue.DEFAULT_LANGUAGE,
) -> str:
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
    more = catalogue.plural("sources_more", language, rest, mark=False) if rest else ""
    group = catalogue.plural(key, language, count, mark=False)
    separator = "، " if catalogue.is_rtl(language) else ", "
    return catalogue.text(
        "sources_summary", language, group=group, names=esc(separator.join(shown)), more=more
    )


def _short(text: str, units: int) -> str:
    return truncate(single_line(text), units)


def _source_line(state: SourceState, now: datetime, language: str) -> str:
    name = esc(_short(state.name, NAME_UNITS))
    if state.failing_since is not None:
        since = ago((now - state.failing_since).total_seconds(), language)
        error = esc(_short(state.last_error or "", ERROR_UNITS))
        return catalogue.text("source_failing", language, name=name, since=since, error=error)
    if state.last_success_at is None:
        return catalogue.text("source_waiting", language, name=name)
    since = ago((now - state.last_success_at).total_seconds(), language)
    return catalogue.text("source_ok", language, name=name, ago=since)
