"""Hostile article pages for the page-reading tests (issue 10.4)."""

from __future__ import annotations


def hostile_page(paragraphs: int = 100_000) -> bytes:
    """~6 MB of short paragraphs with a link each: seconds for trafilatura even after trimming.

    The shape trafilatura spends the longest on per element; untrimmed, minutes.
    """
    body = "".join(
        f"<p>paragraph {i} with <a href='/l{i}'>a link</a> in it.</p>" for i in range(paragraphs)
    )
    return f"<html><head><title>Hostile</title></head><body>{body}</body></html>".encode()
