"""feedparser's XML reader with expat's character buffering on, for our own feed parsing only.

feedparser reads XML through xml.sax's expat driver, which hands character data over in small
pieces (a line, the text between two entities): the 53 corpus feeds made 219,000 `characters`
callbacks, each a trip through feedparser's `handle_data`, a quarter of feedparser's time.
expat can gather them (`buffer_text`); feedparser joins the pieces of an element anyway and
expat flushes before every other event, so what it returns is the same.

xml.sax has no switch for it, but `make_parser()` takes driver modules by name, and feedparser
lists the drivers it prefers: this module is one more. It hands out the buffered reader only
inside `buffered_text()` (our `parse_feed`); anywhere else it declines and xml.sax goes on
to its stock expat driver, so another feedparser call in the process (the ingest
benchmark's feedparser-alone baseline among them) is untouched.
"""

from __future__ import annotations

import contextvars
import xml.sax
import xml.sax.expatreader
from collections.abc import Iterator
from contextlib import contextmanager

import feedparser.api

_ACTIVE = contextvars.ContextVar("saxbuffer_active", default=False)
_BUFFER_SIZE = 1 << 16  # characters gathered before a callback; expat's default is 8 KiB


class _BufferedExpatParser(xml.sax.expatreader.ExpatParser):
    """The stock expat driver, with the parser it creates set to gather character data."""

    def reset(self) -> None:
        super().reset()
        # The pyexpat parser reset() just made: ExpatParser keeps it private, with no hook.
        expat = self.__dict__["_parser"]
        expat.buffer_text = True
        expat.buffer_size = _BUFFER_SIZE


def create_parser() -> xml.sax.xmlreader.XMLReader:
    """The xml.sax driver entry point: the buffered reader inside `buffered_text()` only."""
    if not _ACTIVE.get():
        raise xml.sax.SAXReaderNotAvailable("buffered text is for parse_feed only", None)
    return _BufferedExpatParser()


@contextmanager
def buffered_text() -> Iterator[None]:
    """feedparser calls in this block (this thread or task) read with buffered text."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def install() -> None:
    """List this driver after feedparser's own preferred ones (once; idempotent)."""
    if __name__ not in feedparser.api.PREFERRED_XML_PARSERS:
        feedparser.api.PREFERRED_XML_PARSERS = [*feedparser.api.PREFERRED_XML_PARSERS, __name__]
