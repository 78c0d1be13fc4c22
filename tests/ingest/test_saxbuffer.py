"""Buffered character data in feedparser: our parses only, and the same result as stock."""

from __future__ import annotations

import io
import xml.sax
from pathlib import Path

import feedparser

from bot.ingest import feeds  # noqa: F401  (installs the driver, as the service does)
from bot.ingest.saxbuffer import buffered_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "feeds"


def _reader() -> xml.sax.xmlreader.XMLReader:
    return xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)


def test_only_calls_inside_buffered_text_get_the_buffered_reader() -> None:
    stock = _reader()
    with buffered_text():
        ours = _reader()
    assert type(stock).__name__ == "ExpatParser"
    assert type(ours).__name__ == "_BufferedExpatParser"
    assert type(_reader()).__name__ == "ExpatParser"  # the context is left as it was


def test_every_corpus_feed_parses_the_same_with_buffered_text() -> None:
    for path in sorted(CORPUS.iterdir()):
        body = path.read_bytes()
        stock = feedparser.parse(io.BytesIO(body), sanitize_html=False)
        with buffered_text():
            buffered = feedparser.parse(io.BytesIO(body), sanitize_html=False)
        assert buffered.entries == stock.entries, path.name
        assert buffered.feed == stock.feed, path.name
        assert buffered.get("bozo") == stock.get("bozo"), path.name
