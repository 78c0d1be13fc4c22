"""An admin's `/post <url>`: fetch one article page and read it like an imported page.

The URL was typed by a person, so it goes through the same guarded fetcher as the feeds
(no file:// or internal addresses), and the page through the same time-limited worker process
as `import` (a hostile page is abandoned after `fetching.extract_timeout_seconds`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain import ArticleDraft
from bot.domain.errors import NoArticleError
from bot.ingest.links import with_clean_url
from bot.ingest.pageworker import PageReader
from bot.sources.fetcher import PAGE_ACCEPT, Fetcher

POST_SOURCE = "post"


async def fetch_article_page(
    fetcher: Fetcher, pages: PageReader, url: str, *, tz: ZoneInfo, now: datetime
) -> ArticleDraft:
    """Fetch `url` and extract its article; raises `IngestError` subclasses with a reason."""
    result = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    if not result.body:
        raise NoArticleError(f"{url} returned an empty page")
    draft = await pages.aread(
        result.body,
        url=result.url,
        tz=tz,
        now=now,
        source=POST_SOURCE,
        content_type=result.content_type,
        hold_undated=False,  # the editor asked for this page: an undated one is posted now
    )
    # The guid stays as the page reader computed it; the posted link drops tracking.
    return with_clean_url(draft)
