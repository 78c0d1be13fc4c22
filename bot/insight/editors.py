"""/top and /story: what readers did with the desk's stories, for the editors on duty.

Numbers only: no reply here can name a reader. /top ranks stories by saves + reactions (then the
newer) over today (since local midnight) or the last 7 days, in every channel or one; /story
follows one story through its posts: when, how late after publication, saves, reactions by
emoji, corrections, alerts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import catalogue
from bot.clock import Clock
from bot.config import Settings
from bot.control.editors import Actor, Editors, Reply, ago, esc, post_link, when
from bot.control.pausing import channel_named
from bot.domain.insight import PostReactions, PostStats
from bot.insight.ranking import StoryScore, stories, top
from bot.insight.reactions import CUSTOM_PREFIX, PAID
from bot.rendering.text import single_line, truncate
from storage.database import Database
from storage.insight import InsightRepository

TOP_LIMIT = 10
WEEK = timedelta(days=7)
_TITLE_UTF16 = 120  # ten stories, two lines each, stay far below 4,096
_TODAY = ("today", "day", "اليوم")
_WEEK = ("week", "7d", "الأسبوع")


def link_of(post: PostStats) -> str | None:
    """The t.me link to a post, when its chat and message are known."""
    if post.chat_id is None or post.message_id is None:
        return None
    return post_link(post.chat_id, post.chat_id, post.message_id)


def linked_title(post: PostStats) -> str:
    """The story's title, escaped and shortened, linked to its channel post when possible."""
    title = esc(truncate(single_line(post.title), _TITLE_UTF16))
    link = link_of(post)
    return f'<a href="{esc(link)}">{title}</a>' if link else title


def counts(saves: int, reactions: int, language: str) -> str:
    """ "⭐ 120 saves · 45 reactions", thousands grouped."""
    return catalogue.phrase(
        "insight_counts", language, saves=f"{saves:,}", reactions=f"{reactions:,}"
    )


def reaction_list(found: PostReactions, language: str) -> str:
    """ "👍 30 · 🔥 12 · custom emoji 2", the most used first."""
    custom = sum(n for kind, n in found.counts.items() if kind.startswith(CUSTOM_PREFIX))
    shown = [
        (n, kind)
        for kind, n in found.counts.items()
        if not kind.startswith(CUSTOM_PREFIX) and kind != PAID
    ]
    parts = [f"{esc(kind)} {n:,}" for n, kind in sorted(shown, reverse=True)]
    if custom:
        parts.append(f"{catalogue.phrase('reaction_custom', language)} {custom:,}")
    if found.counts.get(PAID):
        parts.append(f"{catalogue.phrase('reaction_paid', language)} {found.counts[PAID]:,}")
    return " · ".join(parts)


class InsightDesk:
    """Answers the editors' insight commands from the store."""

    def __init__(self, *, db: Database, settings: Settings, editors: Editors, clock: Clock):
        self._db, self._settings, self._editors, self._clock = db, settings, editors, clock

    def _since_midnight(self, now: datetime) -> datetime:
        local = now.astimezone(self._settings.site.tz)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)

    async def top(self, actor: Actor, args: str) -> Reply:
        """/top [today|week] [channel]: the ten stories readers did most with."""
        self._editors.check(actor)
        language = actor.language
        words = args.split()
        week = bool(words) and words[0].casefold() in _WEEK
        if words and words[0].casefold() in (*_TODAY, *_WEEK):
            words = words[1:]
        if len(words) > 1:
            return Reply(catalogue.text("top_usage", language))
        channel = channel_named(self._settings, " ".join(words), language)
        if isinstance(channel, Reply):
            return channel
        now = self._clock()
        since = now - WEEK if week else self._since_midnight(now)
        posts = InsightRepository(self._db.store).posts(since=since, until=now, channel=channel)
        best = top(stories([post async for post in posts if not post.retracted]), TOP_LIMIT)
        period = catalogue.phrase("top_period_week" if week else "top_period_today", language)
        if not best:
            return Reply(catalogue.text("top_empty", language, period=period))
        title = catalogue.phrase("top_title", language, period=period)
        lines = [f"{title} · {esc(channel)}" if channel else title]
        lines += [self._top_line(number, story, language) for number, story in enumerate(best, 1)]
        return Reply(catalogue.text("insight_lines", language, lines="\n".join(lines)))

    def _top_line(self, number: int, story: StoryScore, language: str) -> str:
        posted = when(story.first.posted_at, self._settings.site.tz, language)
        figures = counts(story.saves, story.reactions, language)
        return f"\n{number}. {linked_title(story.first)}\n{figures} · {posted}"

    async def story(self, actor: Actor, article_id: int) -> Reply:
        """/story <id>: one story's posts and what readers did with them."""
        self._editors.check(actor)
        language, tz = actor.language, self._settings.site.tz
        repo = InsightRepository(self._db.store)
        posts = await repo.story(article_id)
        if not posts:
            known = await repo.title_of(article_id)
            if known is None:
                return Reply(catalogue.text("no_article", language, id=article_id))
            return Reply(
                catalogue.text(
                    "story_not_posted", language, id=article_id, title=esc(single_line(known))
                )
            )
        first = posts[0]
        lines = [
            catalogue.phrase(
                "story_title",
                language,
                id=article_id,
                title=esc(truncate(single_line(first.title), 300)),
            ),
            catalogue.phrase(
                "story_published", language, when=when(first.published_at, tz, language)
            ),
        ]
        if first.retracted:
            lines.append(catalogue.phrase("story_retracted", language))
        lines.append("")
        for post in posts:
            lines += await self._post_lines(repo, post, language)
        lines.append("")
        lines.append(
            catalogue.phrase(
                "story_saves",
                language,
                saves=f"{first.saves:,}",
                first_hour=f"{max(p.saves_first_hour for p in posts):,}",
            )
        )
        alerts = await repo.alert_recipients(article_id)
        if alerts:
            sent = alerts.get("sent", 0)
            lines.append(
                catalogue.phrase(
                    "story_alerts",
                    language,
                    sent=f"{sent:,}",
                    missed=f"{sum(alerts.values()) - sent:,}",
                )
            )
        return Reply(catalogue.text("insight_lines", language, lines="\n".join(lines)))

    async def _post_lines(
        self, repo: InsightRepository, post: PostStats, language: str
    ) -> list[str]:
        tz = self._settings.site.tz
        link = link_of(post)
        at = when(post.posted_at, tz, language)
        posted = f'<a href="{esc(link)}">{at}</a>' if link else at
        lag = post.lag_seconds
        line = catalogue.phrase(
            "story_post" if lag is not None else "story_post_no_lag",
            language,
            channel=esc(post.channel),
            when=posted,
            lag=ago(lag or 0, language),
        )
        if post.corrections:
            line += catalogue.phrase("story_corrected", language, count=post.corrections)
        found = (
            await repo.reactions(post.channel, post.message_id)
            if post.message_id is not None
            else None
        )
        reactions = (
            reaction_list(found, language)
            if found is not None and found.total
            else catalogue.phrase("story_no_reactions", language)
        )
        return [line, f"   {reactions}"]
