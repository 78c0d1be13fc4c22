"""The weekly report's numbers, gathered from the store for one week.

Posts are read once, streamed oldest first, and folded into small tallies: a count per local
day, the lags (one float per post), and one small record per story (its title, saves,
reactions and first post's link); a week's few thousand posts never sit in memory as posts.

Decisions the report's readers should know:
- A story posted to two channels is two posts (per day, per category, in the lag) but one
  story in the top 5: its saves once (saves are the story's), its reactions summed over its
  posts, its link to the first post of the week. Ties go to the story posted last.
- A retracted story still counts as posted, but is not put in the top 5: its post is gone.
- Median and p90 lag are over posts whose publication time is known; p90 is the nearest-rank
  value, a lag some post really had.
- Alert opt-ins are today's total, not the week's change (the store keeps no history of it).
- Counts only: nothing here reads who saved or reacted.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from bot.domain.insight import PostStats
from bot.insight.schedule import ReportWeek
from storage.insight import InsightRepository
from storage.sql import StoreConn

TOP_STORIES = 5
TOP_CATEGORIES = 5

# A post's public link, or None when it cannot be made (no message id, a channel gone).
PostLink = Callable[[PostStats], str | None]


@dataclass(frozen=True)
class TopStory:
    """One of the week's most saved and reacted-to stories."""

    article_id: int
    title: str
    saves: int
    reactions: int
    link: str | None

    @property
    def score(self) -> int:
        """Saves + reactions, as /top and the digest rank."""
        return self.saves + self.reactions


@dataclass(frozen=True)
class CategoryCount:
    """A category's posts in the week and its stories' saves (None: no category)."""

    name: str | None
    posts: int
    saves: int


@dataclass(frozen=True)
class WeeklyFigures:
    """Everything the report says, for one week."""

    week: ReportWeek
    posts_per_day: tuple[int, ...]
    saves_per_day: tuple[int, ...]
    lag_median: float | None
    lag_p90: float | None
    top: tuple[TopStory, ...]
    categories: tuple[CategoryCount, ...]
    failed: int
    uncertain: int
    readers_started: int
    alert_opt_ins: int

    @property
    def posts(self) -> int:
        """Posts in the week, every channel."""
        return sum(self.posts_per_day)

    @property
    def saves(self) -> int:
        """New saves in the week (readers' first saves of a story)."""
        return sum(self.saves_per_day)


@dataclass
class _Story:
    title: str
    category: str | None
    saves: int
    reactions: int
    link: str | None
    last_posted: datetime
    retracted: bool


@dataclass
class _Tally:
    """The week folded post by post."""

    week: ReportWeek
    tz: tzinfo
    link: PostLink
    per_day: Counter[date] = field(default_factory=Counter)
    lags: list[float] = field(default_factory=list)
    categories: Counter[str | None] = field(default_factory=Counter)
    stories: dict[int, _Story] = field(default_factory=dict)

    def add(self, post: PostStats) -> None:
        self.per_day[post.posted_at.astimezone(self.tz).date()] += 1
        if post.lag_seconds is not None:
            self.lags.append(post.lag_seconds)
        self.categories[post.category] += 1
        story = self.stories.get(post.article_id)
        if story is None:
            self.stories[post.article_id] = _Story(
                title=post.title,
                category=post.category,
                saves=post.saves,
                reactions=post.reactions,
                link=self.link(post),
                last_posted=post.posted_at,
                retracted=post.retracted,
            )
            return
        story.reactions += post.reactions
        story.last_posted = max(story.last_posted, post.posted_at)
        story.link = story.link or self.link(post)

    def top(self) -> tuple[TopStory, ...]:
        ranked = sorted(
            ((a, s) for a, s in self.stories.items() if not s.retracted),
            key=lambda item: (item[1].saves + item[1].reactions, item[1].last_posted),
            reverse=True,
        )
        return tuple(
            TopStory(article_id, s.title, s.saves, s.reactions, s.link)
            for article_id, s in ranked[:TOP_STORIES]
        )

    def top_categories(self) -> tuple[CategoryCount, ...]:
        saves: Counter[str | None] = Counter()
        for story in self.stories.values():
            saves[story.category] += story.saves
        ranked = sorted(
            self.categories.items(),
            key=lambda item: (-item[1], -saves[item[0]], item[0] or ""),
        )
        return tuple(CategoryCount(name, n, saves[name]) for name, n in ranked[:TOP_CATEGORIES])


def lag_median_p90(lags: list[float]) -> tuple[float | None, float | None]:
    """The median and the nearest-rank 90th percentile; (None, None) without any lag."""
    if not lags:
        return None, None
    ordered = sorted(lags)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return statistics.median(ordered), p90


def saves_per_day(by_minute: Mapping[str, int], days: tuple[date, ...], tz: tzinfo) -> list[int]:
    """New saves per local day, from counts per UTC minute ("2026-12-03T06:41")."""
    per_day: Counter[date] = Counter()
    for minute, count in by_minute.items():
        at = datetime.fromisoformat(minute).replace(tzinfo=UTC)
        per_day[at.astimezone(tz).date()] += count
    return [per_day[day] for day in days]


async def gather_week(
    conn: StoreConn, week: ReportWeek, tz: tzinfo, link: PostLink
) -> WeeklyFigures:
    """Read the week from the store and fold it into the report's figures."""
    insight = InsightRepository(conn)
    tally = _Tally(week, tz, link)
    async for post in insight.posts(since=week.since, until=week.until):
        tally.add(post)
    median, p90 = lag_median_p90(tally.lags)
    troubled = await insight.troubled_sends(week.since, week.until)
    by_minute = await insight.first_saves_by_minute(week.since, week.until)
    return WeeklyFigures(
        week=week,
        posts_per_day=tuple(tally.per_day[day] for day in week.days),
        saves_per_day=tuple(saves_per_day(by_minute, week.days, tz)),
        lag_median=median,
        lag_p90=p90,
        top=tally.top(),
        categories=tally.top_categories(),
        failed=troubled.get("failed", 0),
        uncertain=troubled.get("uncertain", 0),
        readers_started=await insight.readers_started(week.since, week.until),
        alert_opt_ins=await insight.alert_opt_ins(),
    )
