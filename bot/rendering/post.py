"""Turn an `Article` into a Telegram channel post: the one place article text becomes markup.

The card, top to bottom: an optional bold breaking label; the bold title; a meta line with the
category hashtag, the byline and the publication time in the site's time zone; a blank line; the
lead (the summary, else the first paragraphs of the body). The article's URL is a "Read more" URL
button rather than inline text, so it never costs caption room, and every post has a "⭐ Save"
callback button. A post with a usable image is a photo whose caption holds the card (1024
units); `RenderedPost.as_text_post` gives the same card as a text message (4096 units) for when
Telegram refuses the photo.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import SaveFavorite
from bot.domain import Article
from bot.rendering.card import CAPTION_LIMIT, TEXT_LIMIT, CardParts, fit, to_html, to_plain
from bot.rendering.direction import is_rtl_article
from bot.rendering.hashtags import hashtag
from bot.rendering.links import safe_http_url
from bot.rendering.text import paragraphs, single_line, truncate

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Arabic posts name the month in Arabic (the Levant's names, as Arabic news sites there use),
# so the meta line of a right-to-left post has no Latin run to jumble its order.
_MONTHS_AR = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
_BYLINE_PREFIXES = {"ar": "بقلم"}
_META_SEPARATOR = " · "
# Caps that keep the head of the card small whatever a feed puts in these fields, so the
# title and lead always have room.
_MAX_LABEL_UTF16 = 64
_MAX_BYLINE_UTF16 = 128
_MAX_FOOTER_UTF16 = 256


@dataclass(frozen=True)
class CardOptions:
    """An edition's choices for its cards; the defaults are the one-channel card."""

    show_byline: bool = True
    show_photo: bool = True
    hashtags: bool = True  # the category hashtag on the meta line
    footer: str | None = None  # a last line under every post


@dataclass(frozen=True)
class PostButton:
    """One inline keyboard button: exactly one of a URL or callback data."""

    text: str
    url: str | None = None
    callback_data: str | None = None

    def __post_init__(self) -> None:
        if (self.url is None) == (self.callback_data is None):
            raise ValueError("a PostButton needs exactly one of url and callback_data")

    def to_telegram(self) -> InlineKeyboardButton:
        """The python-telegram-bot button this describes."""
        return InlineKeyboardButton(self.text, url=self.url, callback_data=self.callback_data)


@dataclass(frozen=True)
class RenderedPost:
    """A post ready to send: HTML and plain versions of one card, a photo, buttons."""

    html: str
    plain: str
    photo_url: str | None
    buttons: tuple[tuple[PostButton, ...], ...]
    rtl: bool
    # For a photo post: the same card fitted to the text limit, made by `render_post`.
    _text_version: RenderedPost | None = field(
        default=None, repr=False, compare=False, kw_only=True
    )

    def reply_markup(self) -> InlineKeyboardMarkup | None:
        """The inline keyboard to send with the post, or None when it has no buttons."""
        if not self.buttons:
            return None
        return InlineKeyboardMarkup(
            tuple(tuple(button.to_telegram() for button in row) for row in self.buttons)
        )

    def as_text_post(self) -> RenderedPost:
        """The same card as a text message, for when Telegram refuses the photo.

        A text message has four times a caption's room, so more of the lead fits.
        """
        if self.photo_url is None:
            return self
        if self._text_version is not None:
            return self._text_version
        # Built by hand rather than by render_post: the caption fits a text message as it is.
        return replace(self, photo_url=None)


def format_published(
    published_at: datetime, tz: tzinfo, language: str | None = None, *, date_only: bool = False
) -> str:
    """Format as 27 Nov 2026, 14:05 in the site's zone: compact, unambiguous, locale-free.

    A date the source gave without a time of day is shown as that date alone (the calendar
    date as stored, not shifted into the site's zone): a made-up 00:00 would mislead.
    """
    local = published_at if date_only else published_at.astimezone(tz)
    months = _MONTHS_AR if _base_language(language) == "ar" else _MONTHS
    day = f"{local.day} {months[local.month - 1]} {local.year}"
    return day if date_only else f"{day}, {local:%H:%M}"


def _base_language(language: str | None) -> str:
    return (language or "").split("-", 1)[0].lower()


def byline_prefix_for(language: str | None) -> str:
    """The word before a byline: "By" in English, "بقلم" in Arabic, none where unknown."""
    base = _base_language(language)
    if base in _BYLINE_PREFIXES:
        return _BYLINE_PREFIXES[base]
    return "By" if base in ("", "en") else ""


def format_byline(byline: str | None, prefix: str) -> str:
    """Format as "By Staff, Agencies", without doubling a prefix the byline already carries."""
    name = single_line(byline)
    if not name:
        return ""
    label = single_line(prefix)
    if label and not _starts_with_word(name, label):
        name = f"{label} {name}"
    return truncate(name, _MAX_BYLINE_UTF16)


def _starts_with_word(text: str, word: str) -> bool:
    """Whether text starts with ``word`` as a whole word ("By X", "by: X"; not "Byron")."""
    head = text[: len(word)]
    rest = text[len(word) : len(word) + 1]
    return head.casefold() == word.casefold() and not rest.isalnum()


def _lead(article: Article) -> str:
    """The summary, else the body: paragraphs separated by a blank line."""
    chosen = paragraphs(article.summary) or paragraphs(article.body)
    return "\n\n".join(chosen)


def _buttons(
    article: Article, save_label: str, read_more_label: str
) -> tuple[tuple[PostButton, ...], ...]:
    callback_data = SaveFavorite.under_post(article.id)  # ValueError for an impossible id
    row = [PostButton(single_line(save_label) or "⭐", callback_data=callback_data)]
    url = safe_http_url(article.url)
    if url is not None:
        row.append(PostButton(single_line(read_more_label) or "↗", url=url))
    return (tuple(row),)


def render_post(
    article: Article,
    *,
    tz: tzinfo,
    breaking: bool = False,
    breaking_label: str = "🔴 BREAKING",
    save_label: str = "⭐ Save",
    read_more_label: str = "Read more",
    byline_prefix: str | None = None,
    options: CardOptions | None = None,
) -> RenderedPost:
    """Render an article as a channel post: a photo with a caption if it has an image, else text.

    ``breaking`` is the caller's decision (not ``article.is_breaking``), so the same article can be
    posted as breaking news and later listed plainly. The labels are the caller's, so that a site
    in Arabic can pass "🔴 عاجل"; ``byline_prefix`` defaults to the article language's word.
    ``options`` are an edition's choices (byline, hashtag, photo, footer).
    """
    card = options or CardOptions()
    # The article's own language decides its dates, byline word and direction (its text is in
    # it), as for one channel; the labels are the caller's, in the edition's language.
    title = single_line(article.title)
    meta = _META_SEPARATOR.join(
        piece
        for piece in (
            hashtag(article.category) if card.hashtags else "",
            format_byline(
                article.byline,
                byline_prefix
                if byline_prefix is not None
                else byline_prefix_for(article.language),
            )
            if card.show_byline
            else "",
            format_published(
                article.published_at, tz, article.language, date_only=article.date_only
            ),
        )
        if piece
    )
    parts = CardParts(
        label=truncate(single_line(breaking_label), _MAX_LABEL_UTF16) if breaking else "",
        title=title,
        meta=meta,
        lead=_lead(article),
        rtl=is_rtl_article(article.language, title),
        footer=truncate(single_line(card.footer), _MAX_FOOTER_UTF16) if card.footer else "",
    )
    buttons = _buttons(article, save_label, read_more_label)
    text_post = _assemble(parts, TEXT_LIMIT, None, buttons)
    photo_url = safe_http_url(article.image_url) if card.show_photo else None
    if photo_url is None:
        return text_post
    return replace(_assemble(parts, CAPTION_LIMIT, photo_url, buttons), _text_version=text_post)


def _assemble(
    parts: CardParts,
    limit: int,
    photo_url: str | None,
    buttons: tuple[tuple[PostButton, ...], ...],
) -> RenderedPost:
    lines = fit(parts, limit)
    return RenderedPost(
        html=to_html(lines),
        plain=to_plain(lines),
        photo_url=photo_url,
        buttons=buttons,
        rtl=parts.rtl,
    )


def render_preview_text(post: RenderedPost) -> str:
    """The post as Telegram would show it, for a terminal: text, then photo and buttons.

    Buttons appear one keyboard row per line, as "[⭐ Save] [Read more → https://…]".
    """
    extras: list[str] = []
    if post.photo_url is not None:
        extras.append(f"[photo: {post.photo_url}]")
    for row in post.buttons:
        extras.append(" ".join(_preview_button(button) for button in row))
    if not extras:
        return post.plain
    return post.plain + "\n\n" + "\n".join(extras)


def _preview_button(button: PostButton) -> str:
    return f"[{button.text} → {button.url}]" if button.url is not None else f"[{button.text}]"
