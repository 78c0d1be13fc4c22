"""Stories ranked by what readers did with them, from their channel posts.

A story posted in two channels is one story: its saves are the story's (each post carries the
same figure), its reactions are the sum of its posts'. It is linked to its first post, the one
readers had longest. Pure functions, shared by /top, the digest and the weekly report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.insight import PostStats


@dataclass(frozen=True)
class StoryScore:
    """One story's figures over its posts in a window."""

    first: PostStats  # the post it is linked to
    saves: int
    reactions: int

    @property
    def score(self) -> int:
        """Saves plus reactions: what the ranking orders by."""
        return self.saves + self.reactions

    @property
    def latest_post(self) -> datetime:
        """When it was first posted, for ties (the newer story first)."""
        return self.first.posted_at


def stories(posts: Iterable[PostStats]) -> list[StoryScore]:
    """Fold posts (oldest first, as storage streams them) into one entry per story."""
    found: dict[int, StoryScore] = {}
    for post in posts:
        known = found.get(post.article_id)
        if known is None:
            found[post.article_id] = StoryScore(post, post.saves, post.reactions)
        else:
            found[post.article_id] = StoryScore(
                known.first, known.saves, known.reactions + post.reactions
            )
    return list(found.values())


def top(scores: Iterable[StoryScore], limit: int) -> list[StoryScore]:
    """The `limit` best stories: most saves + reactions, then the most recent."""
    ranked = sorted(scores, key=lambda s: (s.score, s.latest_post, s.first.article_id))
    return ranked[::-1][:limit]
