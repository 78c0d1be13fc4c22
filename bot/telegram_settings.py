"""`[telegram]`: how the bot reaches Telegram and whom it trusts as an editor.

The token's shape is checked here so a pasted fragment is reported before the first request;
Telegram's own accounts are refused as admins because a message "from" them carries no person.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, field_validator

from bot.channel_settings import chat_ref, chat_shape
from bot.settings_section import Section

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


class TelegramSettings(Section):
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
