"""The article as newsdesk knows it, independent of where it came from or how it is stored.

`ArticleDraft` is what ingestion produces (an import line, a feed entry, a page); `Article` is a
stored row with its key and bookkeeping times. Both are plain pydantic models so that storage
returns them and handlers render them without either side knowing about the other.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, field_validator


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must carry a time zone")
    return value


class ArticleDraft(BaseModel):
    """An article on its way into the store: identity decided, times timezone-aware."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    guid: str
    url: str | None = None
    title: str
    category: str | None = None
    byline: str | None = None
    published_at: datetime
    summary: str | None = None
    body: str | None = None
    image_url: str | None = None
    language: str | None = None
    source: str | None = None
    is_breaking: bool = False
    # The source gave a date without a time of day: `published_at` is that date at 00:00 UTC
    # and the post shows the date alone.
    date_only: bool = False
    # Why the article must not be posted automatically (an advert, no date of its own, text
    # that could not be repaired): it is stored, skipped with this reason, and an editor may
    # still post it by hand.
    hold_reason: str | None = None

    _aware = field_validator("published_at")(_require_aware)


class Article(ArticleDraft):
    """A stored article: a draft plus its key and bookkeeping times."""

    id: int
    created_at: datetime
    updated_at: datetime


@dataclass
class RepairOutcome:
    """What one repair did: rows now readable, and rows set aside with the reason."""

    repaired: list[int] = field(default_factory=list)
    unreadable: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryCount:
    """A category and how many listed articles it holds."""

    name: str
    count: int


@dataclass(frozen=True)
class KnownArticle:
    """What a fetch needs to know about an already stored article."""

    id: int
    source: str | None
    published_at: datetime


class UpsertOutcome(enum.Enum):
    """What storing a draft did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class UpsertResult:
    """The outcome of storing one draft, with the article as stored now."""

    outcome: UpsertOutcome
    article: Article
