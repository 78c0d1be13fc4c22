"""BreakingService: an editor's `/breaking` from preview to a loud, pinned channel post.

Preview → Publish is stored (`breaking_previews`), so the decision survives a restart and a
second press finds the preview already claimed. Before the send, the article and its held
delivery are written in one transaction; the send and what follows it (pin, record, alerts)
are `breaking_push`'s, and the editor's text becomes an article in `breaking_drafts`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Bot

from bot import catalogue
from bot.alerts.service import AlertService
from bot.breaking.channels import default_channels
from bot.breaking.drafts import as_article, draft_from_text, fingerprint
from bot.breaking.photo import render_with_photo
from bot.breaking.pins import PinService
from bot.breaking.push import BreakingPusher, Pushed
from bot.breaking.toggles import ChannelToggles, decided_answer
from bot.callbacks import BreakingAction, BreakingDecision
from bot.clock import Clock
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Editors, Reply, buttons, estimate, when
from bot.domain import Article, ArticleDraft, Preview
from bot.publishing.service import PublishingService
from bot.publishing_settings import BreakingSettings
from storage.articles import ArticleRepository
from storage.breaking import BreakingPostRepository, PreviewRepository
from storage.database import Database
from storage.deliveries import DeliveryRepository

logger = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(minutes=10)
MAX_TEXT = 3500  # leaves the card's label, meta line and buttons room within 4096


class BreakingService:
    """Previews, publishes and unpins breaking news."""

    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        settings: Settings,
        breaking: BreakingSettings,
        publisher: PublishingService,
        alerts: AlertService,
        audit: AuditTrail,
        editors: Editors,
        pins: PinService,
        clock: Clock,
    ) -> None:
        self._db, self._settings, self._breaking = db, settings, breaking
        self._publisher, self._audit = publisher, audit
        self._editors, self._clock = editors, clock
        self._alerts = alerts
        self._toggles = ChannelToggles(
            db=db, settings=settings, publisher=publisher, audit=audit, editors=editors
        )
        self._pusher = BreakingPusher(
            db=db,
            bot=bot,
            settings=settings,
            publisher=publisher,
            alerts=alerts,
            audit=audit,
            pins=pins,
            clock=clock,
        )

    # --- preview ---------------------------------------------------------------------------

    async def prepare(self, actor: Actor, text: str, photo_file_id: str | None) -> Reply:
        """`/breaking <text>`: a preview with Publish / Cancel (or the post, without confirm)."""
        self._editors.check(actor)
        text = text.strip()
        if not text:
            return Reply(catalogue.text("breaking_usage", actor.language))
        if len(text) > MAX_TEXT:
            return Reply(
                catalogue.text(
                    "breaking_too_long", actor.language, length=len(text), limit=MAX_TEXT
                )
            )
        now = self._clock()
        draft = draft_from_text(text, now=now, language=self._settings.site.language)
        return await self._preview(actor, draft, text, photo_file_id, fingerprint(text))

    async def prepare_existing(self, actor: Actor, article_id: int) -> Reply:
        """`/breaking <id>`: push a stored article the same way."""
        self._editors.check(actor)
        article = await ArticleRepository(self._db.store).get(article_id)
        if article is None:
            return Reply(catalogue.text("no_article", actor.language, id=article_id))
        if await BreakingPostRepository(self._db.store).retracted_at(article_id) is not None:
            return Reply(catalogue.text("breaking_retracted", actor.language, id=article_id))
        return await self._preview(actor, article, None, None, f"article:{article_id}")

    async def _preview(
        self,
        actor: Actor,
        content: ArticleDraft,
        text: str | None,
        photo: str | None,
        print_: str,
    ) -> Reply:
        article_id = content.id if isinstance(content, Article) else None
        chosen = default_channels(self._settings, f"{content.title}\n{content.summary or ''}")
        async with self._db.write() as conn:
            preview_id = await PreviewRepository(conn).create(
                actor_id=actor.id,
                text=text,
                photo_file_id=photo,
                article_id=article_id,
                fingerprint=print_,
                now=self._clock(),
                channels=chosen,
            )
            if isinstance(content, Article):  # the routine queue must not post it meanwhile
                await BreakingPostRepository(conn).hold_for_push(
                    content.id, channels=self._channels(content, chosen), now=self._clock()
                )
        if not self._breaking.confirm:
            return await self.publish(actor, preview_id)
        post = render_with_photo(self._publisher, as_article(content), photo)
        keyboard = self._toggles.keyboard(post, preview_id, chosen, actor.language)
        url = None if post.photo_url else content.url
        reach = await self._reach(actor.language)
        return Reply(post.html, keyboard, photo=post.photo_url, link_preview=url, footer=reach)

    async def _reach(self, language: str) -> str | None:
        """Under the preview, what Publish starts besides the post: "📣 Alert to 412,000
        readers, about 7 min" (the opted-in readers at the configured pace, after any alert
        still going out), so an editor knows the reach and, with paid broadcasts, the cost."""
        if not self._alerts.enabled:
            return None
        reach = await self._alerts.reach()
        if not reach.readers:
            return catalogue.text("alert_reach_none", language)
        return catalogue.plural(
            "alert_reach",
            language,
            reach.readers,
            grouped=True,
            duration=estimate(reach.seconds, language),
        )

    # --- decisions -------------------------------------------------------------------------

    async def toggle(self, actor: Actor, preview_id: int, index: int) -> Reply:
        """✅/⬜ under a preview (see `toggles`)."""
        return await self._toggles.toggle(actor, preview_id, index)

    async def publish_again(self, actor: Actor, preview_id: int) -> Reply:
        """The "post again" button after the repeat warning."""
        return await self.publish(actor, preview_id, again=True)

    async def cancel(self, actor: Actor, preview_id: int) -> Reply:
        """Cancel: the preview can no longer be published."""
        self._editors.check(actor)
        cancelled = await self._drop(preview_id)
        await self._audit.record(
            actor,
            "breaking cancel",
            f"preview {preview_id}",
            "cancelled" if cancelled else "was not open",
        )
        if not cancelled:
            return await self._already(preview_id, actor.language)
        return Reply(catalogue.text("breaking_cancelled", actor.language), close_question=True)

    async def expire_stale(self) -> int:
        """Close `/breaking <id>` previews nobody decided on, so their articles rejoin the queue.

        Without this an article held for an abandoned preview would wait until the backlog
        limit skipped it, silently.
        """
        timeout = timedelta(minutes=self._breaking.confirm_timeout_minutes)
        stale = await PreviewRepository(self._db.store).stale_open(self._clock() - timeout)
        return sum([await self._drop(preview_id) for preview_id in stale])

    async def _drop(self, preview_id: int) -> bool:
        """Close an open preview unpublished; an article held for it rejoins the queue."""
        now = self._clock()
        async with self._db.write() as conn:
            previews = PreviewRepository(conn)
            if not await previews.decide(preview_id, "cancelled", now=now):
                return False
            preview = await previews.get(preview_id)
            if preview is not None and preview.article_id is not None:
                await BreakingPostRepository(conn).release_hold(preview.article_id, now=now)
        return True

    async def publish(self, actor: Actor, preview_id: int, *, again: bool = False) -> Reply:
        """Publish (or "post again"): loud, pinned, stored, alerts queued; the link comes back."""
        self._editors.check(actor)
        language = actor.language
        now = self._clock()
        preview = await PreviewRepository(self._db.store).get(preview_id)
        if preview is None or preview.state != "open":
            return await self._already(preview_id, language)
        timeout = timedelta(minutes=self._breaking.confirm_timeout_minutes)
        if now - preview.created_at > timeout:
            await self._drop(preview_id)
            await self._audit.record(
                actor, "breaking", f"preview {preview_id}", "refused: stale preview"
            )
            minutes = self._breaking.confirm_timeout_minutes
            return Reply(
                catalogue.plural("preview_stale", language, _whole(minutes)), close_question=True
            )
        if not again:
            last = await PreviewRepository(self._db.store).published_since(
                preview.fingerprint, now - REPEAT_WINDOW
            )
            if last is not None:
                at = when(last, self._settings.site.tz, language)
                return Reply(
                    catalogue.text("breaking_repeat", language, when=at),
                    buttons(
                        (
                            catalogue.text("button_post_again", language),
                            BreakingDecision(BreakingAction.PUBLISH_AGAIN, preview_id),
                        ),
                        (
                            catalogue.text("button_cancel", language),
                            BreakingDecision(BreakingAction.CANCEL, preview_id),
                        ),
                    ),
                )
        if preview.channels == ():
            return Reply(catalogue.text("breaking_no_channel", language))
        async with self._db.write() as conn:
            if not await PreviewRepository(conn).decide(preview_id, "publishing", now=now):
                return await self._already(preview_id, language)
            articles = ArticleRepository(conn)
            article_id = await self._store(conn_article_repo=articles, preview=preview, now=now)
            stored = await articles.get(article_id)
            channels = self._channels(stored, preview.channels) if stored is not None else ()
            await BreakingPostRepository(conn).hold_for_push(
                article_id, channels=channels, now=now
            )
            if preview.channels is not None:  # the routine queue must not post it elsewhere
                left_out = [c.name for c in self._settings.channels if c.name not in channels]
                await DeliveryRepository(conn).leave_out(
                    article_id, left_out, "left out of a breaking push by an editor", now=now
                )
            await BreakingPostRepository(conn).mark_breaking(article_id)
        return await self._pusher.push_preview(actor, preview, article_id)

    async def _store(
        self, *, conn_article_repo: ArticleRepository, preview: Preview, now: datetime
    ) -> int:
        if preview.article_id is not None:
            return preview.article_id
        draft = draft_from_text(preview.text or "", now=now, language=self._settings.site.language)
        return (await conn_article_repo.upsert(draft, now=now)).article.id

    async def push(self, article_id: int, photo_file_id: str | None) -> list[Pushed]:
        """Post a held article loud, ahead of the queue (the photo path for an editor's photo)."""
        return await self._pusher.push(article_id, photo_file_id)

    def _channels(
        self, article: Article, chosen: tuple[str, ...] | None = None
    ) -> tuple[str, ...]:
        """The channels a push of `article` goes to: the editor's choice, else routing's
        (none: the push reports why)."""
        if chosen is not None:
            return chosen
        try:
            return tuple(edition.name for edition in self._publisher.targets(article))
        except LookupError:
            return ()

    async def _already(self, preview_id: int, language: str) -> Reply:
        """The answer to a press on a preview that was decided already."""
        return await decided_answer(self._db, preview_id, language)


def _whole(value: float) -> float | int:
    """A configured number as it reads: 10.0 minutes is "10", 1.5 stays 1.5 (plural "other")."""
    return int(value) if float(value).is_integer() else value
