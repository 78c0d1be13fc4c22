"""The ✅/⬜ channel toggles under a breaking preview, and the answer to a late press.

A press flips one channel in the preview's stored choice (only while the preview is open), is
audited like every editor action, and redraws the preview's buttons in place: the post's own
buttons, the toggles, then Publish / Cancel. See `channels` for the default choice.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import catalogue
from bot.breaking.channels import channel_rows, toggled
from bot.breaking.drafts import as_article, draft_from_text
from bot.breaking.photo import render_with_photo
from bot.callbacks import BreakingAction, BreakingDecision
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Editors, Reply, buttons
from bot.domain import ArticleDraft
from bot.publishing.service import PublishingService
from bot.rendering import RenderedPost
from storage.articles import ArticleRepository
from storage.breaking import PreviewRepository
from storage.database import Database


class ChannelToggles:
    """Draws and flips the channel toggles of breaking previews."""

    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        publisher: PublishingService,
        audit: AuditTrail,
        editors: Editors,
    ) -> None:
        self._db, self._settings, self._publisher = db, settings, publisher
        self._audit, self._editors = audit, editors

    def keyboard(
        self, post: RenderedPost, preview_id: int, chosen: tuple[str, ...] | None, language: str
    ) -> InlineKeyboardMarkup:
        """The post's own buttons as the channel will show them, the channel toggles, then the
        editor's decision."""
        decide = buttons(
            (
                catalogue.text("button_publish", language),
                BreakingDecision(BreakingAction.PUBLISH, preview_id),
            ),
            (
                catalogue.text("button_cancel", language),
                BreakingDecision(BreakingAction.CANCEL, preview_id),
            ),
        )
        own = post.reply_markup() or InlineKeyboardMarkup([])
        toggles = channel_rows(self._settings, preview_id, chosen)
        return InlineKeyboardMarkup((*own.inline_keyboard, *toggles, *decide.inline_keyboard))

    async def toggle(self, actor: Actor, preview_id: int, index: int) -> Reply:
        """✅/⬜ under a preview: the channel joins or leaves the push; the buttons are redrawn."""
        self._editors.check(actor)
        language = actor.language
        preview = await PreviewRepository(self._db.store).get(preview_id)
        if preview is None or preview.state != "open" or preview.channels is None:
            return await decided_answer(self._db, preview_id, language)
        chosen = toggled(self._settings, preview.channels, index)
        if chosen is None:
            return Reply(catalogue.text("breaking_channel_gone", language))
        async with self._db.write() as conn:
            if not await PreviewRepository(conn).choose_channels(preview_id, chosen):
                return await decided_answer(self._db, preview_id, language)
        name = self._settings.channels[index].name
        verdict = "chosen" if name in chosen else "left out"
        await self._audit.record(
            actor, "breaking channel", f"preview {preview_id}", f"{name} {verdict}"
        )
        content: ArticleDraft | None = None
        if preview.article_id is not None:
            content = await ArticleRepository(self._db.store).get(preview.article_id)
        if content is None:
            site = self._settings.site.language
            content = draft_from_text(preview.text or "-", now=preview.created_at, language=site)
        post = render_with_photo(self._publisher, as_article(content), preview.photo_file_id)
        keyboard = self.keyboard(post, preview_id, chosen, language)
        shown = ", ".join(chosen) or catalogue.phrase("breaking_channels_none", language)
        return Reply(
            catalogue.text("breaking_channels", language, channels=shown),
            keyboard,
            edit_buttons=True,
        )


async def decided_answer(db: Database, preview_id: int, language: str) -> Reply:
    """The answer to a press on a preview that was decided already."""
    preview = await PreviewRepository(db.store).get(preview_id)
    if preview is None:
        return Reply(catalogue.text("preview_gone", language), close_question=True)
    if preview.state in ("published", "publishing"):
        said = catalogue.text("preview_published", language)
    elif preview.state == "cancelled":
        said = catalogue.text("preview_cancelled", language)
    elif preview.state == "failed":
        said = catalogue.text("preview_failed", language)
    else:
        said = catalogue.text("preview_closed", language, state=preview.state)
    return Reply(said, close_question=True)
