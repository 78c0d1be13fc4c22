"""Routing: which channels take an article, decided from the channels' rules alone.

Pure functions over the configured `ChannelSettings`, so every rule is tested without a store or
a Bot API. A channel takes an article when all of its rules do: the article's language (none
given: the site's) is one of `languages` (empty: any), its category is one of `categories`
(empty: any) and not one of `exclude_categories`, and its source is one of `sources` (empty:
any). Categories and sources compare without regard to case, as editors type them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.channel_settings import ChannelSettings


def _folded(values: Sequence[str]) -> set[str]:
    return {value.casefold() for value in values}


def _base(language: str) -> str:
    return language.split("-", 1)[0].casefold()


def refusal(
    channel: ChannelSettings,
    *,
    language: str | None,
    category: str | None,
    source: str | None,
    site_language: str,
) -> str | None:
    """Why `channel` does not take an article, or None when it does."""
    lang = language or site_language
    if channel.languages and _base(lang) not in {_base(item) for item in channel.languages}:
        return f"language {lang}"
    folded = (category or "").casefold()
    if channel.categories and folded not in _folded(channel.categories):
        return f"category {category or '(none)'}"
    if folded and folded in _folded(channel.exclude_categories):
        return f"category {category} excluded"
    if channel.sources and (source or "").casefold() not in _folded(channel.sources):
        return f"source {source or '(none)'}"
    return None


def channels_for(
    channels: Sequence[ChannelSettings],
    language: str | None,
    category: str | None,
    source: str | None,
    site_language: str,
) -> list[ChannelSettings]:
    """The channels that take an article, in configuration order."""
    return [
        channel
        for channel in channels
        if refusal(
            channel,
            language=language,
            category=category,
            source=source,
            site_language=site_language,
        )
        is None
    ]


def unrouted_reason(
    channels: Sequence[ChannelSettings],
    language: str | None,
    category: str | None,
    source: str | None,
    site_language: str,
) -> str:
    """The skip reason of an article no channel takes: each channel's refusal, briefly."""
    reasons = [
        f"{channel.name}: "
        + (
            refusal(
                channel,
                language=language,
                category=category,
                source=source,
                site_language=site_language,
            )
            or "takes it"
        )
        for channel in channels
    ]
    return ("no channel takes it (" + "; ".join(reasons) + ")")[:300]
