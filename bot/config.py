"""Configuration: one frozen pydantic model loaded from a TOML file.

Every section forbids unknown keys, so a typo is reported instead of silently ignored. Errors are
collected into a `ConfigError` whose lines name the key path, what is wrong and what is expected,
because the person reading them is an operator editing a file, not a developer reading a traceback.

The sections live beside their concern (`bot/*_settings.py`); this module holds the whole
`Settings`, the checks that span sections, and the loader that reads the file and the environment.
`check-config`'s summary is `bot.config_summary`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator

from bot.channel_settings import ChannelSettings, with_defaults
from bot.config_errors import describe
from bot.domain.errors import ConfigError
from bot.metrics_settings import MetricsSettings
from bot.publishing_settings import AlertSettings, BreakingSettings, PublishingSettings
from bot.redaction import redact
from bot.settings_section import Section
from bot.site_settings import InsightSettings, SiteSettings
from bot.sources_settings import FetchingSettings, SourceSettings
from bot.storage_settings import StorageSettings, with_password
from bot.telegram_settings import NEVER_ADMINS, TelegramSettings
from bot.webhook_settings import WEBHOOK_SECRET_ENV, WebhookSettings

__all__ = [
    "CONFIG_ENV",
    "DATABASE_PASSWORD_ENV",
    "DEFAULT_CONFIG",
    "MAX_CHANNELS",
    "NEVER_ADMINS",  # re-exported: tests/bot/test_config_strict.py reads it here
    "TOKEN_ENV",
    "Settings",
    "config_path",
    "load_settings",
    "parse_settings",
    "secrets",
]

TOKEN_ENV = "NEWSDESK_TOKEN"  # noqa: S105 - the variable's name, not a secret
DATABASE_PASSWORD_ENV = "NEWSDESK_DATABASE_PASSWORD"  # noqa: S105 - the name, not a secret
CONFIG_ENV = "NEWSDESK_CONFIG"
DEFAULT_CONFIG = Path("config.toml")
MAX_CHANNELS = 20


class Settings(Section):
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
