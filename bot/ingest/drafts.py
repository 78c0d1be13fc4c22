"""What every reader returns: drafts that passed validation and lines that did not."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain import ArticleDraft


@dataclass(frozen=True)
class Rejection:
    """One input that could not become an article, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class ParsedInput:
    """The drafts read from one input, plus what was rejected."""

    drafts: list[ArticleDraft] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    # Guids whose input gave no time: their `published_at` is the reading time, which must not
    # replace the time an already stored article has (re-importing a file changes nothing).
    undated: set[str] = field(default_factory=set)
