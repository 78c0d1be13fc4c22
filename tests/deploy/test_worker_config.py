"""deploy/newsdesk.toml, the compose workers' config, validated by newsdesk's own loader.

The [webhook] section belongs to the webhook mode being built beside this (issue 16). Until the
loader knows it (`"webhook" in Settings.model_fields`), the rest of the file is validated by the
loader without that section, and the section's keys are checked against the issue's list; the
full load, [webhook] included, runs as soon as the loader has it (its test skips until then,
saying so).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.config import Settings, load_settings, parse_settings
from tests.deploy.compose_cli import DEPLOY

CONFIG = DEPLOY / "newsdesk.toml"
# Issue 16's [webhook] keys (url, listen, port, path, secret_token, max_connections).
WEBHOOK_KEYS = {"url", "listen", "port", "path", "secret_token", "max_connections"}
PASSWORD = "deploy-test-password"
SECRET = "deploy-test-webhook-secret"
TOKEN = "123456:deploy-test-token"


@pytest.fixture(autouse=True)
def secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """What deploy/.env gives the workers; the file itself holds no secret."""
    monkeypatch.setenv("NEWSDESK_TOKEN", TOKEN)
    monkeypatch.setenv("NEWSDESK_DATABASE_PASSWORD", PASSWORD)
    monkeypatch.setenv("NEWSDESK_WEBHOOK_SECRET", SECRET)


def test_the_config_without_webhook_validates_on_postgres() -> None:
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert "token" not in data["telegram"], "the token comes from deploy/.env"
    data.pop("webhook")
    settings = parse_settings(data, base_dir=DEPLOY)
    assert settings.telegram.token.get_secret_value() == TOKEN
    dsn = urlsplit(settings.storage.postgres_dsn() or "")
    assert (dsn.scheme, dsn.hostname, dsn.port, dsn.path) == (
        "postgresql",
        "postgres",  # the compose service's name
        5432,
        "/newsdesk",
    )
    assert settings.storage.password == PASSWORD
    assert settings.storage.pool_size * 2 < 100, "two workers within PostgreSQL's default"


def test_the_webhook_section_uses_the_issue_keys_and_serves_the_proxy() -> None:
    webhook = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["webhook"]
    assert set(webhook) <= WEBHOOK_KEYS
    assert "secret_token" not in webhook, "the secret comes from $NEWSDESK_WEBHOOK_SECRET"
    assert webhook["listen"] == "0.0.0.0", "Caddy reaches the worker from another container"
    assert urlsplit(webhook["url"]).scheme == "https"


def test_the_whole_config_loads_once_newsdesk_knows_webhook() -> None:
    if "webhook" not in Settings.model_fields:
        pytest.skip("[webhook] is not in bot.config.Settings yet (the webhook branch adds it)")
    settings = load_settings(Path(CONFIG))
    webhook = settings.webhook  # type: ignore[attr-defined]  # until the webhook branch lands
    assert (webhook.listen, webhook.port, webhook.path) == ("0.0.0.0", 8443, "/telegram")
    secret = webhook.secret_token
    assert getattr(secret, "get_secret_value", lambda: secret)() == SECRET
