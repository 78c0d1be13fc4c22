"""How subscriber lists look: numbered article lines, Prev/Next rows and choice buttons.

Every article field is cleaned and escaped here (via `bot.rendering`) before it meets the
catalogue's HTML; in a right-to-left language each line that would start left-to-right gets a
right-to-left mark, so an English headline inside an Arabic list keeps the list's direction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import catalogue
from bot.callbacks import (
    ChooseLanguage,
    FavoritesPage,
    LatestPage,
    RemoveFavorite,
    SearchResults,
    SetAlerts,
    ShowCategory,
)
from bot.domain import Article
from bot.rendering import escape_html, format_published, hashtag, safe_http_url, truncate
from bot.rendering.direction import mark_rtl
from bot.rendering.text import single_line
from bot.subscribers.news import Category, SearchPage
from bot.subscribers.pages import PAGE_SIZE, Page

_MAX_TITLE_UTF16 = 140
_MAX_QUERY_UTF16 = 60
_REMOVE_BUTTONS_PER_ROW = 5
_CATEGORY_LABEL_UTF16 = 40


@dataclass(frozen=True)
class Reply:
    """A message to send or to edit into place."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class ListContext:
    """What every list needs besides its items: language, time zone and the bot's name."""

    language: str
    tz: tzinfo
    bot_username: str


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _direction(lines: list[str], language: str) -> str:
    if catalogue.is_rtl(language):
        lines = [mark_rtl(line) for line in lines]
    return "\n".join(lines)


def article_href(article: Article, bot_username: str) -> str:
    """The article's own web page, else a deep link that shows it in the bot."""
    return safe_http_url(article.url) or f"https://t.me/{bot_username}?start=a_{article.id}"


def article_lines(
    articles: Sequence[Article], first_number: int, ctx: ListContext, badges: Sequence[str] = ()
) -> list[str]:
    """Two lines per article: a numbered linked title, then its badge (a count, if any),
    category and time."""
    lines: list[str] = []
    for index, article in enumerate(articles):
        number = first_number + index
        title = escape_html(truncate(single_line(article.title), _MAX_TITLE_UTF16))
        href = escape_html(article_href(article, ctx.bot_username))
        meta = " · ".join(
            part
            for part in (
                badges[index] if index < len(badges) else None,
                hashtag(article.category),
                format_published(article.published_at, ctx.tz, date_only=article.date_only),
            )
            if part
        )
        lines += ["", f'{number}. <a href="{href}">{title}</a>', escape_html(meta)]
    return lines


def _list_text(title: str, articles: Sequence[Article], first: int, ctx: ListContext) -> str:
    return _direction([title, *article_lines(articles, first, ctx)], ctx.language)


def _nav_row(
    page: Page[Article], data: Callable[[int], str], language: str
) -> list[InlineKeyboardButton]:
    row: list[InlineKeyboardButton] = []
    if page.has_previous:
        row.append(_button(catalogue.text("nav_prev", language), data(page.number - 1)))
    if page.has_next:
        row.append(_button(catalogue.text("nav_next", language), data(page.number + 1)))
    return row


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def favorites_reply(page: Page[Article], ctx: ListContext, channel: str) -> Reply:
    """The /favorites page: the list, a remove button per item, Prev/Next."""
    if not page.items:
        if page.number == 0:
            return Reply(catalogue.text("favorites_empty", ctx.language, channel=channel))
        page = Page([], page.number, False)  # removed the last item of a later page
    first = page.number * PAGE_SIZE + 1
    title = catalogue.text("favorites_title", ctx.language, page=str(page.number + 1))
    removes = [
        _button(f"✖ {first + index}", RemoveFavorite(article.id, page.number).data)
        for index, article in enumerate(page.items)
    ]
    rows = [
        removes[start : start + _REMOVE_BUTTONS_PER_ROW]
        for start in range(0, len(removes), _REMOVE_BUTTONS_PER_ROW)
    ]
    rows.append(_nav_row(page, lambda n: FavoritesPage(n).data, ctx.language))
    return Reply(_list_text(title, page.items, first, ctx), _markup(rows))


def latest_reply(page: Page[Article], category: Category | None, ctx: ListContext) -> Reply:
    """A /latest page, of every category or of one."""
    if not page.items:
        return Reply(catalogue.text("latest_empty", ctx.language))
    number = str(page.number + 1)
    if category is None:
        title = catalogue.text("latest_title", ctx.language, page=number)
    else:
        name = escape_html(truncate(single_line(category.name), 100))
        title = catalogue.text("latest_category_title", ctx.language, category=name, page=number)
    key = category.key if category is not None else None
    nav = _nav_row(page, lambda n: LatestPage(n, key).data, ctx.language)
    first = page.number * PAGE_SIZE + 1
    return Reply(_list_text(title, page.items, first, ctx), _markup([nav]))


def breaking_reply(articles: Sequence[Article], ctx: ListContext) -> Reply:
    """/breaking: the current breaking news, or a clear "none"."""
    if not articles:
        return Reply(catalogue.text("breaking_none", ctx.language))
    title = catalogue.text("breaking_title", ctx.language)
    return Reply(_list_text(title, articles, 1, ctx))


def popular_reply(found: Sequence[tuple[Article, int]], ctx: ListContext) -> Reply:
    """/popular: the most saved stories of the last 24 hours, each with its saves."""
    if not found:
        return Reply(catalogue.text("popular_none", ctx.language))
    title = catalogue.text("popular_title", ctx.language)
    articles = [article for article, _ in found]
    badges = [f"⭐ {saves:,}" for _, saves in found]
    return Reply(_direction([title, *article_lines(articles, 1, ctx, badges)], ctx.language))


def categories_reply(categories: Sequence[Category], language: str) -> Reply:
    """/categories: a button per category, with its count."""
    if not categories:
        return Reply(catalogue.text("categories_empty", language))
    rows = [
        [
            _button(
                f"{truncate(single_line(c.name), _CATEGORY_LABEL_UTF16)} ({c.count})",
                ShowCategory(c.key).data,
            )
        ]
        for c in categories
    ]
    return Reply(catalogue.text("categories_title", language), _markup(rows))


def search_reply(result: SearchPage, ctx: ListContext) -> Reply:
    """A page of /search results, or "nothing found"."""
    query = escape_html(truncate(single_line(result.query), _MAX_QUERY_UTF16))
    page = result.page
    if not page.items:
        return Reply(catalogue.text("search_none", ctx.language, query=query))
    title = catalogue.text("search_title", ctx.language, query=query, page=str(page.number + 1))
    nav = _nav_row(page, lambda n: SearchResults(n, result.key).data, ctx.language)
    first = page.number * PAGE_SIZE + 1
    return Reply(_list_text(title, page.items, first, ctx), _markup([nav]))


def alerts_reply(enabled: bool, language: str) -> Reply:
    """The alert state, with buttons to change it."""
    state = catalogue.text("alerts_on" if enabled else "alerts_off", language)
    usage = catalogue.text("alerts_usage", language)
    buttons = [
        _button(catalogue.text("alerts_button_on", language), SetAlerts(on=True).data),
        _button(catalogue.text("alerts_button_off", language), SetAlerts(on=False).data),
    ]
    return Reply(f"{state}\n\n{usage}", _markup([buttons]))


def language_reply(language: str) -> Reply:
    """The /language choice."""
    buttons = [
        _button(name, ChooseLanguage(code).data) for code, name in catalogue.LANGUAGE_NAMES.items()
    ]
    return Reply(catalogue.text("language_prompt", language), _markup([buttons]))
