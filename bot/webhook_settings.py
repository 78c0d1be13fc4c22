"""`[webhook]`: Telegram POSTs updates to the bot instead of the bot polling (absent: polling).

Long polling allows one consumer per bot token; a webhook lets several `newsdesk run` workers
behind one public URL share the updates. `url` is what Telegram calls (https; a reverse proxy
usually terminates TLS there and forwards to `listen`:`port` + `path`). `secret_token` comes
from the file or from `$NEWSDESK_WEBHOOK_SECRET` (`bot.config.parse_settings` fills it in) and is
required: without it anyone who learns the URL could feed the bot forged updates.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from bot.domain.errors import InvalidURLError
from bot.http_listen import ListenAddress
from bot.urls import check_url

WEBHOOK_SECRET_ENV = "NEWSDESK_WEBHOOK_SECRET"  # noqa: S105 - the variable's name, not a secret
# Telegram's own rule for setWebhook's secret_token (docs/facts.md, "Telegram limits").
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Plain http is accepted only where no network is crossed: the sandbox and the tests.
_LOOPBACK_NAMES = frozenset({"localhost"})
# Served beside the webhook on the same server (`bot.metrics.web.health_routes`).
_RESERVED = frozenset({"/healthz", "/readyz", "/metrics"})


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebhookSettings(BaseModel):
    """Where Telegram sends updates, and where this worker listens for them."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    url: str
    listen: ListenAddress = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65_535)] = 8443
    path: str = "/telegram"
    # Optional here only because $NEWSDESK_WEBHOOK_SECRET may give it; `parse_settings` refuses
    # a [webhook] that ends up with neither.
    secret_token: SecretStr | None = None
    # How many requests Telegram keeps open to the URL at once (Telegram: 1-100, default 40).
    max_connections: Annotated[int, Field(ge=1, le=100)] = 40

    @field_validator("url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        try:
            check_url(value)
        except InvalidURLError as exc:
            raise ValueError(str(exc)) from None
        parts = urlsplit(value)
        if parts.scheme == "https":
            return value
        if _is_loopback(parts.hostname or ""):
            return value
        raise ValueError(
            "Telegram calls webhooks over https only (http:// is accepted for a loopback "
            "host, for the sandbox and tests)"
        )

    @field_validator("path")
    @classmethod
    def _route(cls, value: str) -> str:
        if not value.startswith("/") or any(c in value for c in "?# ") or value in _RESERVED:
            raise ValueError(
                "expected a path such as /telegram: starting with /, no ?, # or spaces, and "
                "not one of /healthz, /readyz, /metrics (served beside it)"
            )
        return value

    @field_validator("secret_token")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_RE.fullmatch(value.get_secret_value()):
            # The value is never echoed (`describe` hides keys named *token).
            raise ValueError("expected 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _secret_given(self) -> WebhookSettings:
        if self.secret_token is None:
            raise ValueError(
                f"secret_token is required: set webhook.secret_token or ${WEBHOOK_SECRET_ENV} "
                "(1-256 characters of A-Z, a-z, 0-9, _ and -)"
            )
        return self

    def secret(self) -> str:
        """The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (set once validated)."""
        if self.secret_token is None:
            raise RuntimeError("webhook.secret_token is not set")
        return self.secret_token.get_secret_value()

    def describe(self) -> str:
        """For `check-config`: where Telegram calls and where this worker listens (no secret)."""
        return (
            f"{self.url} → http://{self.listen}:{self.port}{self.path}, "
            f"at most {self.max_connections} connections, secret ***"
        )
