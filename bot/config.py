"""Configuration: one frozen pydantic model loaded from a TOML file.

Every section forbids unknown keys, so a typo is reported instead of silently ignored. Errors are
collected into a `ConfigError` whose lines name the key path, what is wrong and what is expected,
because the person reading them is an operator editing a file, not a developer reading a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from bot.channel_settings import (
    DIGEST_SIZE,
    ChannelSettings,
    DigestAt,
    DigestSize,
    chat_ref,
    chat_shape,
    with_defaults,
)
from bot.config_errors import describe
from bot.domain.errors import ConfigError, InvalidURLError
from bot.insight.schedule import WeeklySchedule
from bot.metrics_settings import MetricsSettings
from bot.redaction import redact
from bot.storage_settings import StorageSettings, with_password
from bot.urls import check_url
from bot.webhook_settings import WEBHOOK_SECRET_ENV, WebhookSettings

TOKEN_ENV = "NEWSDESK_TOKEN"  # noqa: S105 - the variable's name, not a secret
DATABASE_PASSWORD_ENV = "NEWSDESK_DATABASE_PASSWORD"  # noqa: S105 - the name, not a secret
CONFIG_ENV = "NEWSDESK_CONFIG"
DEFAULT_CONFIG = Path("config.toml")

# Telegram's own accounts (production ids, as tdlib and core.telegram.org/api/peers name them):
# messages "from" them carry no real person, so they can never be trusted as editors.
SERVICE_ACCOUNTS = {
    777000: "Telegram service notifications",
    42777: "Telegram's official account",
    489000: "Telegram verification codes",
    1087968824: "GroupAnonymousBot, anonymous group admins",
    136817688: "Channel_Bot, messages sent as a channel",
    1271266957: "Replies, comments' replies",
    5434988373: "Telegram Anti-Spam",
}
NEVER_ADMINS = frozenset(SERVICE_ACCOUNTS)

_TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$")


class _Section(BaseModel):
    # Strict: TOML has real numbers and booleans, so `admins = [true, 4242.0]` or `enabled = 1`
    # is a mistake to report, not a value to coerce. Lists and paths opt out per field
    # (`Field(strict=False)`) because TOML gives lists and strings for them; their items stay
    # strict.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class TelegramSettings(_Section):
    """How to reach Telegram and whom to trust."""

    token: SecretStr
    api_base_url: str = "https://api.telegram.org/bot"
    # The one-channel shorthand; `[[channels]]` names several. Read `Settings.channels`.
    channel: str | None = None
    admins: Annotated[tuple[int, ...], Field(strict=False)] = ()
    request_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    max_requests_per_second: Annotated[int, Field(ge=1, le=10_000)] = 30

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_RE.fullmatch(value.get_secret_value()):
            raise ValueError("expected a bot token like 123456:ABC-def (from @BotFather)")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @field_validator("channel", mode="before")
    @classmethod
    def _channel_shape(cls, value: object) -> str | None:
        return None if value is None else chat_shape(value)

    @property
    def chat_id(self) -> int | str | None:
        """The shorthand channel as python-telegram-bot wants it (read `Settings.channels`)."""
        return chat_ref(self.channel) if self.channel is not None else None

    @field_validator("admins")
    @classmethod
    def _real_people(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        service = [f"{uid} ({SERVICE_ACCOUNTS[uid]})" for uid in value if uid in NEVER_ADMINS]
        if service:
            raise ValueError(
                f"{', '.join(service)} cannot be admins: Telegram's own accounts carry no real "
                "person; expected the user ids of the editors"
            )
        bad = [uid for uid in value if uid <= 0]
        if bad:
            raise ValueError(
                f"{bad} cannot be admins: expected positive Telegram user ids of real people"
            )
        return value


class SiteSettings(_Section):
    """The news site the bot speaks for."""

    name: str = "Example News"
    timezone: str = "UTC"
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] = "en"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: "
                "expected an IANA name such as 'UTC' or 'Asia/Beirut'"
            ) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone object."""
        return ZoneInfo(self.timezone)


class PublishingSettings(_Section):
    """How routine articles reach the channel."""

    enabled: bool = True
    interval_seconds: Annotated[int, Field(ge=1, le=86_400)] = 30
    max_posts_per_minute: Annotated[int, Field(ge=1, le=6_000)] = 20
    silent: bool = True
    backlog_max_age_hours: Annotated[float, Field(ge=0)] = 24
    retry_backoff_seconds: Annotated[float, Field(gt=0, le=600)] = 1.0
    # Every channel's daily digest, unless the channel sets its own (see ChannelSettings).
    digest_at: DigestAt = None
    digest_size: DigestSize = DIGEST_SIZE


class SourceSettings(_Section):
    """One feed the bot polls."""

    name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    url: str
    interval_seconds: Annotated[int, Field(ge=30, le=86_400)] = 300
    category: str = ""
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _fetchable_url(cls, value: str) -> str:
        try:
            return check_url(value)  # the same check as /post <url> and every redirect
        except InvalidURLError as exc:
            raise ValueError(f"{exc}; expected an http:// or https:// URL") from None


class FetchingSettings(_Section):
    """How feeds and pages are fetched (shared by every source and by /post <url>)."""

    connect_timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 10.0
    total_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30.0
    max_bytes: Annotated[int, Field(ge=1_024, le=100_000_000)] = 5_000_000
    # Reading one article page (in a worker process that is killed past this limit).
    extract_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 10.0
    # Off in production: a URL typed by a person must not reach the bot's own network.
    allow_private_addresses: bool = False


class BreakingSettings(_Section):
    """How a breaking item reaches the channel."""

    # Pin the post so it stays on top of the channel.
    pin: bool = True
    # Take the pin off after this many hours; 0 keeps it until an editor unpins it.
    unpin_after_hours: Annotated[float, Field(ge=0, le=24 * 30)] = 6.0
    # Show a preview with Publish / Cancel first; false posts at once (for practised editors).
    confirm: bool = True
    # A preview older than this cannot be published: the news may have moved on.
    confirm_timeout_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 10.0


# Telegram's limits on a bot's messages: about 30 a second overall, free; with paid broadcasts
# (`allow_paid_broadcast`, 0.1 Star a message from the bot's balance) up to 1000 a second.
FREE_MESSAGES_PER_SECOND = 30
PAID_MESSAGES_PER_SECOND = 1000


class AlertSettings(_Section):
    """Breaking news by private message to subscribers who opted in (/alerts on)."""

    enabled: bool = True
    # Send alerts as Telegram paid broadcasts: up to 1000 a second, paid in Stars.
    paid_broadcast: bool = False
    # Without paid broadcasts, Telegram allows about 30 messages a second overall and the
    # bot's own replies share them (keep at or below telegram.max_requests_per_second, the
    # client-side limiter). Paid broadcasts have their own limit of 1000.
    max_per_second: Annotated[int, Field(ge=1)] = 30

    @field_validator("max_per_second")
    @classmethod
    def _within_telegram_limit(cls, value: int, info: ValidationInfo) -> int:
        # Declared after paid_broadcast, so its (valid) value is known here.
        paid = info.data.get("paid_broadcast") is True
        if paid and value > PAID_MESSAGES_PER_SECOND:
            raise ValueError(
                f"at most {PAID_MESSAGES_PER_SECOND}: Telegram's paid broadcasts allow up to "
                f"{PAID_MESSAGES_PER_SECOND} messages a second"
            )
        if not paid and value > FREE_MESSAGES_PER_SECOND:
            raise ValueError(
                f"more than {FREE_MESSAGES_PER_SECOND} needs alerts.paid_broadcast = true: "
                f"Telegram allows a bot about {FREE_MESSAGES_PER_SECOND} messages a second "
                f"(paid broadcasts, in Stars, up to {PAID_MESSAGES_PER_SECOND})"
            )
        return value


class InsightSettings(_Section):
    """What the editors are told about their readers, and when."""

    # The weekly report by private message to every admin: a weekday and a time in
    # site.timezone ("mon 09:00", any case); "" sends none.
    weekly_report: str = "mon 09:00"

    @field_validator("weekly_report")
    @classmethod
    def _weekly_shape(cls, value: str) -> str:
        if value.strip():
            WeeklySchedule.parse(value)  # ValueError naming the expected shape
        return value

    @property
    def weekly(self) -> WeeklySchedule | None:
        """When the weekly report goes out; None when there is none."""
        return WeeklySchedule.parse(self.weekly_report) if self.weekly_report.strip() else None


MAX_CHANNELS = 20


class Settings(_Section):
    """The whole configuration of one newsdesk instance."""

    telegram: TelegramSettings
    storage: StorageSettings = StorageSettings()
    site: SiteSettings = SiteSettings()
    publishing: PublishingSettings = PublishingSettings()
    fetching: FetchingSettings = FetchingSettings()
    sources: Annotated[tuple[SourceSettings, ...], Field(strict=False)] = ()
    breaking: BreakingSettings = BreakingSettings()
    alerts: AlertSettings = AlertSettings()
    insight: InsightSettings = InsightSettings()
    metrics: MetricsSettings = MetricsSettings()
    # Absent: long polling (one process per token); present: updates come as HTTP POSTs.
    webhook: WebhookSettings | None = None
    # Last, so its defaults can be read from the sections above (validated first).
    channels: Annotated[
        tuple[ChannelSettings, ...], Field(strict=False, validate_default=True)
    ] = ()

    @field_validator("channels", mode="before")
    @classmethod
    def _resolve_channels(cls, value: object, info: ValidationInfo) -> object:
        """`telegram.channel` or `[[channels]]` (exactly one), with the defaults filled in."""
        telegram = info.data.get("telegram")
        site = info.data.get("site", SiteSettings())
        publishing = info.data.get("publishing", PublishingSettings())
        shorthand = telegram.channel if isinstance(telegram, TelegramSettings) else None
        if telegram is None:
            return ()  # telegram's own errors are reported; no second one about channels
        if value and shorthand is not None:
            raise ValueError(
                "telegram.channel and [[channels]] are both given: keep one (telegram.channel "
                "is the shorthand for a single [[channels]] entry)"
            )
        if not value and shorthand is None:
            raise ValueError(
                "no channel: set telegram.channel, or add [[channels]] entries with chat = ..."
            )
        defaults = {
            "language": site.language,
            "per_minute": publishing.max_posts_per_minute,
            "silent": publishing.silent,
            "digest_at": publishing.digest_at,
            "digest_size": publishing.digest_size,
        }
        if shorthand is not None:
            # One channel as before: it takes every article, whatever its language.
            return (with_defaults({"chat": shorthand}, **defaults, all_languages=True),)
        if not isinstance(value, (list, tuple)):
            return value
        return tuple(with_defaults(table, **defaults) for table in value)

    @field_validator("channels")
    @classmethod
    def _unique_channels(cls, value: tuple[ChannelSettings, ...]) -> tuple[ChannelSettings, ...]:
        if len(value) > MAX_CHANNELS:
            # Each gets a toggle under a /breaking preview; a keyboard holds 100 buttons.
            raise ValueError(f"at most {MAX_CHANNELS} [[channels]] entries; {len(value)} given")
        for what, keys in (
            ("names", [channel.name for channel in value]),
            ("chats", [channel.chat.casefold() for channel in value]),
        ):
            duplicates = sorted({key for key in keys if keys.count(key) > 1})
            if duplicates:
                raise ValueError(
                    f"channel {what} must be unique; repeated: {', '.join(duplicates)} "
                    "(give each [[channels]] entry its own name = ...)"
                )
        return value

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, value: tuple[SourceSettings, ...]) -> tuple[SourceSettings, ...]:
        names = [source.name for source in value]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {', '.join(duplicates)}")
        return value


# A database password (or webhook secret) shorter than this is not replaced wherever its letters
# appear (it would mangle every line); in a URL, where newsdesk itself could print a password,
# `redact` masks any length.
_MIN_PASSWORD_REDACTED = 4


def config_path(cli_path: str | None) -> Path:
    """`--config`, else `$NEWSDESK_CONFIG`, else ./config.toml."""
    if cli_path:
        return Path(cli_path)
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else DEFAULT_CONFIG


def parse_settings(data: dict[str, Any], *, base_dir: Path | None = None) -> Settings:
    """Validate a config mapping; relative storage paths are resolved against `base_dir`."""
    data = {key: dict(value) if isinstance(value, dict) else value for key, value in data.items()}
    telegram = data.get("telegram")
    env_token = os.environ.get(TOKEN_ENV)
    if env_token and isinstance(telegram, dict):
        telegram["token"] = env_token
    token = telegram.get("token") if isinstance(telegram, dict) else None
    secrets = [token] if isinstance(token, str) else []
    webhook = data.get("webhook")
    env_secret = os.environ.get(WEBHOOK_SECRET_ENV)
    if env_secret and isinstance(webhook, dict):  # only with [webhook]: polling ignores it
        webhook["secret_token"] = env_secret
    hook_secret = webhook.get("secret_token") if isinstance(webhook, dict) else None
    if isinstance(hook_secret, str) and len(hook_secret) >= _MIN_PASSWORD_REDACTED:
        secrets.append(hook_secret)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        # The token itself may be echoed in another key's value: it is redacted even when it
        # is too short to look like one.
        raise ConfigError([redact(describe(err), secrets) for err in exc.errors()]) from None
    storage = settings.storage
    if base_dir is not None and not storage.path.is_absolute():
        storage = storage.model_copy(update={"path": base_dir / storage.path})
    env_password = os.environ.get(DATABASE_PASSWORD_ENV)
    dsn = storage.postgres_dsn()
    if env_password and dsn is not None:  # the environment wins, as for the token
        storage = storage.model_copy(
            update={"url": SecretStr(with_password(dsn, quote(env_password, safe="")))}
        )
    return settings.model_copy(update={"storage": storage})


def secrets(settings: Settings) -> list[str]:
    """What must never be printed: the bot token, the webhook secret, the database password."""
    found = [settings.telegram.token.get_secret_value()]
    hook = settings.webhook
    if hook is not None and hook.secret_token is not None:
        secret = hook.secret_token.get_secret_value()
        if len(secret) >= _MIN_PASSWORD_REDACTED:  # shorter: nothing of ours prints it anyway
            found.append(secret)
    password = settings.storage.password
    if password and len(password) >= _MIN_PASSWORD_REDACTED:
        found += sorted({password, quote(password, safe="")})  # as given, and in a URL
    return found


def load_settings(path: Path) -> Settings:
    """Read and validate the TOML file at `path`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [f"config file not found: {path} (pass --config PATH or set {CONFIG_ENV})"]
        ) from None
    except OSError as exc:
        raise ConfigError([f"config file {path} cannot be read: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: invalid TOML: {exc}"]) from None
    return parse_settings(data, base_dir=path.resolve().parent)


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
