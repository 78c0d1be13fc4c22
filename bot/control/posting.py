"""/post <id|url> [channel]: an editor posts one article now, ahead of the routine queue.

Not breaking news: the post is routine (silent when the channel's routine posts are), it only
goes out early. Named channel: there, even if routing would not send it there (the editor
decides). No channel: every channel that takes the article and has not posted it yet, so a
/post after one edition went out completes the others. Each channel that refuses is named in
the answer with Telegram's reason; one refusal does not keep the others from posting.
"""

from __future__ import annotations

from bot import catalogue
from bot.clock import Clock
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Reply, article_number, esc, post_link
from bot.control.pausing import channel_named
from bot.domain import DeliveryState, UpsertOutcome
from bot.domain.errors import ExtractTimeoutError, IngestError, InvalidURLError
from bot.ingest.pageworker import PageReader
from bot.publishing.immediate import Pushed
from bot.publishing.service import PublishingService
from bot.sources.fetcher import Fetcher
from bot.sources.pages import fetch_article_page
from bot.urls import check_url
from storage.articles import ArticleRepository
from storage.breaking import BreakingPostRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository


class Posting:
    """An editor's /post."""

    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        publisher: PublishingService,
        fetcher: Fetcher,
        pages: PageReader,
        audit: AuditTrail,
        clock: Clock,
    ) -> None:
        self._db, self._settings, self._publisher = db, settings, publisher
        self._fetcher, self._pages, self._audit, self._clock = fetcher, pages, audit, clock

    async def post(self, actor: Actor, arg: str, channel: str = "") -> Reply:
        """/post <id|url> [channel]: post one article now, ahead of the queue (not breaking),
        to the channel named or to every channel that takes it and has not posted it."""
        language = actor.language
        named = channel_named(self._settings, channel, language)
        if isinstance(named, Reply):
            return named
        channel = named or ""
        article_id = await self._article_of(actor, arg)
        if isinstance(article_id, Reply):
            return article_id
        try:
            channels = [channel] if channel else await self._takers(article_id)
            refusal = await self._ready_to_post(article_id, language, channels)
            if refusal is None:
                pushed = await self._publisher.push(article_id, breaking=False, channels=channels)
                return await self._posted(actor, article_id, pushed)
        except LookupError as exc:
            refusal = catalogue.text("not_posted", language, error=esc(exc))
        await self._audit.record(actor, "post", f"article {article_id}", f"refused: {refusal}")
        return Reply(refusal)

    async def _article_of(self, actor: Actor, arg: str) -> int | Reply:
        """The article a /post names: its number, or a page fetched and stored; else a Reply
        saying why not."""
        language = actor.language
        if "://" in arg or arg.lower().startswith("http"):
            try:
                url = check_url(arg)
            except InvalidURLError as exc:  # refused at the door: nothing was fetched
                await self._audit.record(actor, "post", arg, f"refused: {exc}")
                return Reply(catalogue.text("post_bad_link", language, error=esc(exc)))
            try:
                return await self._fetch(url)
            except ExtractTimeoutError as exc:
                await self._audit.record(actor, "post", arg, f"fetch failed: {exc}")
                error = str(exc) if catalogue.is_rtl(language) else str(exc).capitalize()
                return Reply(catalogue.text("post_timeout", language, error=esc(error)))
            except IngestError as exc:
                await self._audit.record(actor, "post", arg, f"fetch failed: {exc}")
                return Reply(catalogue.text("post_unreadable", language, error=esc(exc)))
        elif (number := article_number(arg)) is not None:
            return number
        return Reply(catalogue.text("post_usage", language))

    async def _takers(self, article_id: int) -> list[str]:
        """The channels that take an article (LookupError naming why if none does)."""
        if await ArticleRepository(self._db.store).get(article_id) is None:
            return []  # `_ready_to_post` says so politely
        article = await self._publisher.load(article_id)
        return [edition.name for edition in self._publisher.targets(article)]

    async def _posted(self, actor: Actor, article_id: int, pushed: Pushed) -> Reply:
        """The editor's answer to a /post: the links, and each channel that refused and why."""
        language = actor.language
        failed = [
            catalogue.text("post_channel_failed", language, channel=esc(name), error=esc(exc))
            for name, exc in pushed.failures.items()
        ]
        if not pushed.posts:
            error = next(iter(pushed.failures.values()), None)
            refusal = catalogue.text("not_posted", language, error=esc(error))
            if len(self._settings.channels) > 1:
                refusal = "\n".join(failed)
            await self._audit.record(actor, "post", f"article {article_id}", f"refused: {refusal}")
            return Reply(refusal)
        chats = {channel.name: channel.chat for channel in self._settings.channels}
        link = " ".join(
            post_link(chats[post.channel], post.chat_id, post.sent.message_id)
            for post in pushed.posts
        )
        result = f"posted {link}" + "".join(
            f"; {name}: {e}" for name, e in pushed.failures.items()
        )
        await self._audit.record(actor, "post", f"article {article_id}", result)
        done = catalogue.text("post_done", language, id=article_id, link=link)
        return Reply("\n".join([done, *failed]))

    async def _fetch(self, url: str) -> int:
        draft = await fetch_article_page(
            self._fetcher, self._pages, url, tz=self._settings.site.tz, now=self._clock()
        )
        async with self._db.write() as conn:
            stored = await ArticleRepository(conn).upsert(draft, now=self._clock())
            article = stored.article
            if stored.outcome is UpsertOutcome.NEW:
                # Held for this push in the same transaction: a routine pass (here or in another
                # process) must not take the new article first and leave the editor no link.
                channels = tuple(edition.name for edition in self._publisher.targets(article))
                await BreakingPostRepository(conn).hold_for_push(
                    article.id, channels=channels, now=self._clock()
                )
            return article.id

    async def _ready_to_post(
        self, article_id: int, language: str, channels: list[str]
    ) -> str | None:
        """None when the article can be pushed now to `channels`, leaving there only those
        where it is not posted; else why not (in the editor's language)."""
        if await ArticleRepository(self._db.store).get(article_id) is None:
            return catalogue.text("no_article", language, id=article_id)
        async with self._db.write() as conn:
            if await BreakingPostRepository(conn).retracted_at(article_id) is not None:
                return catalogue.text("post_retracted", language, id=article_id)
            deliveries = DeliveryRepository(conn)
            states = {d.channel: d.state for d in await deliveries.all_for(article_id)}
            channels[:] = [c for c in channels if states.get(c) is not DeliveryState.POSTED]
            if not channels:  # in every channel asked for
                return catalogue.text("post_posted_already", language, id=article_id)
            if any(states.get(c) is DeliveryState.SENDING for c in channels):
                return catalogue.text("article_sending", language, id=article_id)
            for channel in channels:
                await deliveries.requeue(
                    article_id,
                    now=self._clock(),
                    channel=channel,
                    only_from=(DeliveryState.SKIPPED, DeliveryState.UNCERTAIN),
                )
        return None
