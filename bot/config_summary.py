"""`newsdesk check-config`'s summary: every section on one line, secrets redacted.

Kept apart from the loader (`bot.config`) because it is output for a person reading a terminal:
the token shows only its bot id, a database password and the webhook secret never show at all.
"""

from __future__ import annotations

from bot.channel_settings import ChannelSettings
from bot.config import Settings, secrets
from bot.metrics_settings import MetricsSettings
from bot.publishing_settings import AlertSettings
from bot.redaction import redact
from bot.storage_settings import StorageSettings


def summary(settings: Settings) -> str:
    """A human-readable summary for `check-config`, with the token redacted."""
    token = settings.telegram.token.get_secret_value()
    redacted = token.split(":", 1)[0] + ":***"
    admins = ", ".join(str(a) for a in settings.telegram.admins) or "(none)"
    pub = settings.publishing
    lines = [
        f"telegram.token          {redacted}",
        # Everything else is shown as configured, but a token pasted into a URL is not.
        f"telegram.api_base_url   {settings.telegram.api_base_url}",
        f"telegram.admins         {admins}",
        _storage_line(settings.storage),
        f"site                    {settings.site.name} ({settings.site.language}, "
        f"{settings.site.timezone})",
        f"publishing              {'on' if pub.enabled else 'off'}, every "
        f"{pub.interval_seconds} s, at most {pub.max_posts_per_minute}/min, "
        f"{'silent' if pub.silent else 'with sound'}, backlog {pub.backlog_max_age_hours:g} h",
        f"alerts                  {_alerts_line(settings.alerts)}",
        f"weekly report           {_weekly_line(settings)}",
        f"metrics                 {_metrics_line(settings.metrics)}",
        "webhook                 "
        + ("off (long polling)" if settings.webhook is None else settings.webhook.describe()),
    ]
    lines += [channel_line(channel) for channel in settings.channels]
    return "\n".join([lines[0], *(redact(line, secrets(settings)) for line in lines[1:])])


def _storage_line(storage: StorageSettings) -> str:
    """The store: its file, or its URL with the password hidden and the pool's size."""
    if storage.url is None:
        return f"storage.path            {storage.path}"
    return f"storage.url             {storage.where} (PostgreSQL, pool of {storage.pool_size})"


def _alerts_line(alerts: AlertSettings) -> str:
    """How alerts go out; a paid broadcast is said plainly, since it spends the bot's Stars."""
    if not alerts.enabled:
        return "off"
    if alerts.paid_broadcast:
        return f"on, paid broadcast (Stars), at most {alerts.max_per_second}/s"
    return f"on, at most {alerts.max_per_second}/s"


def _metrics_line(metrics: MetricsSettings) -> str:
    """Where /healthz, /readyz and /metrics are served, or that they are not."""
    if metrics.port is None:
        return "off"
    return f"http://{metrics.listen}:{metrics.port}/ (/healthz, /readyz, /metrics)"


def _weekly_line(settings: Settings) -> str:
    """When the editors get their weekly report, or that they get none."""
    weekly = settings.insight.weekly
    return "off" if weekly is None else f"{weekly} ({settings.site.timezone})"


def channel_line(channel: ChannelSettings) -> str:
    """One channel's routing and options, as `check-config` prints them."""
    rules = [
        f"languages {'/'.join(channel.languages) or 'all'}",
        f"categories {'/'.join(channel.categories) or 'all'}",
    ]
    if channel.exclude_categories:
        rules.append(f"except {'/'.join(channel.exclude_categories)}")
    if channel.sources:
        rules.append(f"sources {'/'.join(channel.sources)}")
    rules.append(f"at most {channel.max_posts_per_minute}/min")
    rules.append("silent" if channel.silent else "with sound")
    if channel.quiet_hours:
        rules.append(f"quiet {channel.quiet_hours} ({channel.quiet_mode})")
    if channel.topics or channel.default_topic:
        rules.append(f"{len(channel.topics)} topics")
    if channel.digest_at:
        rules.append(f"digest at {channel.digest_at} ({channel.digest_size} stories)")
    return f"channel {channel.name:<16} {channel.chat} ({channel.language}): {', '.join(rules)}"
