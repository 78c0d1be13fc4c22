"""The daily digest's words: which stories it lists, in what order, and the post they make.

One message in the channel's language: a bold "Today's top stories" with the local date, then
one numbered line per story, its title linking to the story's own post in this channel, with
its ⭐ saves and ❤️ reactions (all emoji together) when it has any. The HTML and the plain
version (the fallback when Telegram cannot parse the HTML, and what `digest --dry-run` prints)
come from the same lines. Titles are cut so the message always fits Telegram's 4,096, and
every line of a right-to-left digest starts with a right-to-left mark, so a line that opens
with its number still reads right to left.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from bot import catalogue
from bot.domain.insight import PostStats
from bot.rendering import TEXT_LIMIT, RenderedPost, escape_html, is_rtl_language, truncate
from bot.rendering.direction import mark_rtl
from bot.rendering.fitting import fit_html
from bot.rendering.post import format_published
from bot.rendering.text import single_line

# Ten titles of this length, their counts and links, stay far inside 4,096; `fit_html` is the
# guarantee behind it.
TITLE_MAX_UTF16 = 150
_PRIVATE_PREFIX = "-100"  # a channel's or supergroup's Bot API id is -100 and its own id


def post_link(chat: str, message_id: int) -> str | None:
    """The t.me link to a message: by @username for a public channel, else the members' link
    (t.me/c/<id>/<message>, which also opens a message in a forum topic); None for a chat
    that has neither (a basic group)."""
    if chat.startswith("@"):
        return f"https://t.me/{chat.removeprefix('@')}/{message_id}"
    own = chat.removeprefix(_PRIVATE_PREFIX)
    if chat.startswith(_PRIVATE_PREFIX) and own.isdigit():
        return f"https://t.me/c/{own}/{message_id}"
    return None


def rank(posts: Iterable[PostStats], size: int) -> list[PostStats]:
    """The `size` posts with the most saves + reactions; on a tie, the newer post first."""
    return sorted(posts, key=lambda post: (post.score, post.posted_at), reverse=True)[:size]


def _counts(post: PostStats) -> str:
    shown = []
    if post.saves:
        shown.append(f"⭐ {post.saves:,}")
    if post.reactions:
        shown.append(f"❤️ {post.reactions:,}")
    return " · ".join(shown)


def render_digest(
    stories: Sequence[PostStats], *, language: str, day: date, chat: str
) -> RenderedPost:
    """The digest post of `stories` (already ranked) for a channel in `language`.

    `chat` is the channel's chat, for the links of posts whose own chat is not stored.
    """
    words = catalogue.pick_language(language)
    heading = catalogue.unmarked("digest_title", words)
    when = format_published(
        datetime(day.year, day.month, day.day, tzinfo=UTC), UTC, words, date_only=True
    )
    html_lines = [f"<b>{escape_html(heading)}</b> · {escape_html(when)}", ""]
    plain_lines = [f"{heading} · {when}", ""]
    for number, story in enumerate(stories, start=1):
        title = truncate(single_line(story.title), TITLE_MAX_UTF16) or "…"
        link = post_link(story.chat_id or chat, story.message_id) if story.message_id else None
        counts = _counts(story)
        tail = f" · {counts}" if counts else ""
        shown = escape_html(title)
        if link is not None:
            shown = f'<a href="{escape_html(link)}">{shown}</a>'
        html_lines.append(f"{number}. {shown}{tail}")
        plain_lines.append(f"{number}. {title}{tail}" + (f" — {link}" if link else ""))
    rtl = is_rtl_language(language)
    if rtl:
        html_lines = [mark_rtl(line) for line in html_lines]
        plain_lines = [mark_rtl(line) for line in plain_lines]
    return RenderedPost(
        html=fit_html("\n".join(html_lines), TEXT_LIMIT),
        plain=truncate("\n".join(plain_lines), TEXT_LIMIT),
        photo_url=None,
        buttons=(),
        rtl=rtl,
    )
