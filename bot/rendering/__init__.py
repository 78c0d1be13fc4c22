"""Rendering: the one module that turns articles into Telegram posts and escapes user text.

Everything user-visible that contains article text goes through here, so escaping, length
limits, hashtags and text direction are decided in one place (STYLE.md: "all user-visible text
is escaped in one rendering module").
"""

from bot.rendering.card import CAPTION_LIMIT, TEXT_LIMIT
from bot.rendering.direction import RLM, is_rtl_article, is_rtl_language, is_rtl_text
from bot.rendering.hashtags import hashtag
from bot.rendering.links import safe_http_url
from bot.rendering.post import (
    CardOptions,
    PostButton,
    RenderedPost,
    format_published,
    render_post,
    render_preview_text,
)
from bot.rendering.text import (
    ELLIPSIS,
    escape_html,
    graphemes,
    strip_controls,
    truncate,
    utf16_len,
)

__all__ = [
    "CAPTION_LIMIT",
    "ELLIPSIS",
    "RLM",
    "TEXT_LIMIT",
    "CardOptions",
    "PostButton",
    "RenderedPost",
    "escape_html",
    "format_published",
    "graphemes",
    "hashtag",
    "is_rtl_article",
    "is_rtl_language",
    "is_rtl_text",
    "render_post",
    "render_preview_text",
    "safe_http_url",
    "strip_controls",
    "truncate",
    "utf16_len",
]
