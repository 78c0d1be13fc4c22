"""What a breaking alert says: its text and buttons per language, and its ready-made request body.

Built once per language per alert, not per recipient: a fan-out to thousands of subscribers
would otherwise render, and serialise to JSON, the same message thousands of times. Only
`chat_id` differs between two recipients' bodies, so it is spliced in front of the cached rest.
The body carries the `Defaults` the app sets (HTML, no link preview) written out, and
`allow_paid_broadcast` when alerts go as paid broadcasts, because the lean path
(`bot.alerts.sender.LeanSender`) bypasses python-telegram-bot, which would add them.
"""

from __future__ import annotations

import json
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from bot import catalogue
from bot.callbacks import SaveFavorite
from bot.domain import Article, Recipient
from bot.rendering import escape_html, truncate
from bot.rendering.text import paragraphs, single_line

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class AlertMessage:
    """The alert for one article, rendered once per language."""

    def __init__(
        self, article: Article, post_url: str | None, *, paid_broadcast: bool = False
    ) -> None:
        self._article = article
        self._post_url = post_url
        # Sent as a Telegram paid broadcast (up to 1000/s, paid in Stars): `alerts.paid_broadcast`.
        self.paid_broadcast = paid_broadcast
        self._cache: dict[str, tuple[str, InlineKeyboardMarkup]] = {}
        self._json: dict[str, bytes] = {}

    def render(self, language: str | None) -> tuple[str, InlineKeyboardMarkup]:
        """Text and buttons in the reader's language (English if we do not speak theirs)."""
        chosen = catalogue.pick_language(language)
        found = self._cache.get(chosen)
        if found is None:
            found = self._cache[chosen] = self._build(chosen)
        return found

    def body(self, recipient: Recipient) -> bytes:
        """The sendMessage JSON for this recipient: everything but `chat_id` is built once."""
        chosen = catalogue.pick_language(recipient.language)
        rest = self._json.get(chosen)
        if rest is None:
            text, markup = self.render(chosen)
            params: dict[str, Any] = {
                "text": text,
                "parse_mode": ParseMode.HTML.value,
                "link_preview_options": NO_PREVIEW.to_dict(),
                "reply_markup": markup.to_dict(),
            }
            if self.paid_broadcast:
                params["allow_paid_broadcast"] = True
            rest = self._json[chosen] = json.dumps(params, ensure_ascii=False).encode()[1:]
        return b'{"chat_id":%d,%s' % (recipient.user_id, rest)

    def _build(self, language: str) -> tuple[str, InlineKeyboardMarkup]:
        article = self._article
        story = f"<b>{escape_html(truncate(single_line(article.title), 300))}</b>"
        lead = paragraphs(article.summary) or paragraphs(article.body)
        if lead:
            story += "\n\n" + escape_html(truncate(lead[0], 700))
        save = SaveFavorite(article.id).data
        row = [InlineKeyboardButton(catalogue.text("save_button", language), callback_data=save)]
        if self._post_url:
            label = catalogue.text("alert_open_post", language)
            row.append(InlineKeyboardButton(label, url=self._post_url))
        text = catalogue.text("alert_breaking", language, story=story)
        return text, InlineKeyboardMarkup([row])
