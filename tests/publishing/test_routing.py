"""Routing and the channels' config: which channels take an article, what the config refuses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.channel_settings import QuietHours
from bot.config import parse_settings
from bot.config_summary import summary
from bot.domain.errors import ConfigError
from bot.publishing.routing import channels_for, unrouted_reason
from tests.conftest import settings_dict

EN = {"chat": "@example_news", "name": "en"}
AR = {"chat": "@example_news_ar", "language": "ar"}
SPORT = {"chat": "-1001234567892", "name": "sport", "categories": ["Sport"], "languages": []}


def settings(tmp_path: Path, channels: list[dict[str, Any]] | None, **telegram: Any) -> Any:
    data = settings_dict(tmp_path)
    data["telegram"].update(telegram)
    if channels is not None:
        del data["telegram"]["channel"]
        data["channels"] = channels
    return parse_settings(data)


def names(tmp_path: Path, **article: Any) -> list[str]:
    chosen = settings(tmp_path, [EN, AR, SPORT, {"chat": "@example_biz", "sources": ["wire"]}])
    rules = (article.get("language"), article.get("category"), article.get("source"), "en")
    return [channel.name for channel in channels_for(chosen.channels, *rules)]


def test_routing_by_language_category_and_source(tmp_path: Path) -> None:
    assert names(tmp_path) == ["en"]  # no language: the site's
    assert names(tmp_path, language="ar") == ["example_news_ar"]
    assert names(tmp_path, language="ar-LB", category="sport") == ["example_news_ar", "sport"]
    assert names(tmp_path, language="en", source="WIRE") == ["en", "example_biz"]
    assert names(tmp_path, language="fr") == []


def test_exclusion_and_the_reason_nobody_takes_it(tmp_path: Path) -> None:
    chosen = settings(tmp_path, [{**EN, "exclude_categories": ["sport"]}])
    assert channels_for(chosen.channels, "en", "Sport", None, "en") == []
    assert channels_for(chosen.channels, "en", "World", None, "en") != []
    reason = unrouted_reason(chosen.channels, "en", "SPORT", None, "en")
    assert reason == "no channel takes it (en: category SPORT excluded)"


def test_shorthand_is_one_channel_taking_every_language(tmp_path: Path) -> None:
    (channel,) = settings(tmp_path, None).channels
    assert (channel.chat, channel.name, channel.languages) == ("@example_news", "example_news", ())
    assert channel.max_posts_per_minute == 20 and channel.silent is True


def test_defaults_come_from_the_site_and_publishing(tmp_path: Path) -> None:
    en, ar = settings(tmp_path, [EN, AR]).channels
    assert (ar.name, ar.language, ar.languages) == ("example_news_ar", "ar", ("ar",))
    assert en.languages == ("en",) and en.max_posts_per_minute == 20
    assert "channel en" in summary(settings(tmp_path, [EN, AR]))


@pytest.mark.parametrize(
    ("channels", "telegram", "message"),
    [
        ([EN], {}, "channels: telegram.channel and [[channels]] are both given"),
        ([], {"channel": None}, "channels: no channel: set telegram.channel"),
        ([EN, {**AR, "name": "en"}], {"channel": None}, "channel names must be unique"),
        ([{**EN, "quiet_hours": "23:00-25:00"}], {"channel": None}, 'expected "HH:MM-HH:MM"'),
        ([{**EN, "quiet_mode": "mute"}], {"channel": None}, "channels[0].quiet_mode"),
        ([{**EN, "footer": "x" * 201}], {"channel": None}, "channels[0].footer"),
        ([{**EN, "topics": {"Sport": "12"}}], {"channel": None}, "channels[0].topics.Sport"),
        ([{"chat": "news"}], {"channel": None}, "channels[0].chat: expected @username"),
        ([{**EN, "silent": 1}], {"channel": None}, "channels[0].silent: expected true or false"),
    ],
)
def test_config_errors_name_the_key(
    tmp_path: Path, channels: list[dict[str, Any]], telegram: dict[str, Any], message: str
) -> None:
    data = settings_dict(tmp_path)
    data["telegram"].update(telegram)
    if data["telegram"].get("channel") is None:
        del data["telegram"]["channel"]
    data["channels"] = channels
    with pytest.raises(ConfigError) as caught:
        parse_settings(data)
    assert message in str(caught.value)


def test_quiet_hours_may_wrap_midnight() -> None:
    window = QuietHours.parse("23:00-06:30")
    assert window.contains(datetime(2026, 1, 1, 23, 30))
    assert window.contains(datetime(2026, 1, 1, 6, 29))
    assert not window.contains(datetime(2026, 1, 1, 6, 30))
    assert not window.contains(datetime(2026, 1, 1, 12, 0))
