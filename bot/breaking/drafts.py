"""An editor's `/breaking` text as an article: the draft, its fingerprint, its preview stand-in.

Kept apart from the service so the text rules (first line the title, a link the Read more
button, spacing and case ignored when spotting a repeat) read on their own.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime

from bot.domain import Article, ArticleDraft

_URL = re.compile(r"https?://[^\s<>\"']+")


def draft_from_text(text: str, *, now: datetime, language: str) -> ArticleDraft:
    """The editor's text as an article: first line the title, the rest the lead."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    found = _URL.search(text)
    return ArticleDraft(
        guid=f"breaking:{uuid.uuid4().hex}",
        url=found.group(0).rstrip(".,;:!?)") if found else None,
        title=lines[0],
        summary="\n".join(lines[1:]) or None,
        published_at=now,
        language=language,
        source="breaking",
        is_breaking=True,
    )


def fingerprint(text: str) -> str:
    """The same text, whatever its spacing or case, gives the same fingerprint."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


def as_article(content: ArticleDraft) -> Article:
    """A draft as the article it will be, to render the preview (its id is not known yet)."""
    if isinstance(content, Article):
        return content
    now = content.published_at
    return Article(**content.model_dump(), id=0, created_at=now, updated_at=now)
