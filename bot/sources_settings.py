"""`[[sources]]` and `[fetching]`: the feeds the bot polls and how anything is fetched.

A source's URL gets the same check as `/post <url>` and every redirect, so a config cannot point
the fetcher somewhere an editor's command could not.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from bot.domain.errors import InvalidURLError
from bot.settings_section import Section
from bot.urls import check_url


class SourceSettings(Section):
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


class FetchingSettings(Section):
    """How feeds and pages are fetched (shared by every source and by /post <url>)."""

    connect_timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 10.0
    total_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30.0
    max_bytes: Annotated[int, Field(ge=1_024, le=100_000_000)] = 5_000_000
    # Reading one article page (in a worker process that is killed past this limit).
    extract_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 10.0
    # Off in production: a URL typed by a person must not reach the bot's own network.
    allow_private_addresses: bool = False
