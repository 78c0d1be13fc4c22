"""The byte decoder on its own: declared and undeclared charsets, BOMs, legacy codecs, gzip."""

from __future__ import annotations

import codecs
import gzip

import pytest

from bot.domain.errors import TooLargeError
from bot.ingest.encoding import (
    charset_from_content_type,
    decode_text,
    gunzip_if_gzipped,
    prepare_xml,
)

FRENCH = (
    "Le conseil municipal a approuvé hier la nouvelle ligne de tramway vers l'aéroport. "
    "Les travaux débuteront à l'été ; la préfète a salué « une décision très attendue » "
    "par les riverains, qui réclamaient depuis des années une desserte régulière. "
) * 4
HEBREW = (
    "מועצת העיר אישרה אתמול את קו הרכבת הקלה החדש לשדה התעופה. "
    "העבודות יתחילו בקיץ, וראש העיר בירכה על ההחלטה שהתושבים חיכו לה שנים רבות. "
) * 4


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


def feed(title: str, decl: str = "") -> str:
    return f"{decl}<rss version='2.0'><channel><item><title>{title}</title></item></channel></rss>"


# --- decode_text: pages and imported files ------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
    ids=["utf-8", "utf-16-le", "utf-16-be"],
)
def test_a_bom_decides_and_is_dropped(bom: bytes, codec: str) -> None:
    text = page(HEBREW)
    # The BOM wins even over a header that says otherwise.
    assert decode_text(bom + text.encode(codec), "text/html; charset=iso-8859-1") == text


def test_a_declared_http_charset_decodes_windows_1255() -> None:
    data = page(HEBREW).encode("windows-1255")
    assert decode_text(data, "text/html; charset=windows-1255") == page(HEBREW)


def test_a_meta_charset_decodes_latin_1() -> None:
    text = page(FRENCH, '<meta charset="iso-8859-1">')
    assert decode_text(text.encode("latin-1"), "text/html") == text


def test_clean_utf8_wins_over_a_stale_meta_charset() -> None:
    text = page(FRENCH, '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    assert decode_text(text.encode("utf-8"), None) == text


@pytest.mark.parametrize(("text", "codec"), [(FRENCH, "latin-1"), (HEBREW, "windows-1255")])
def test_undeclared_legacy_bytes_are_detected(text: str, codec: str) -> None:
    assert decode_text(page(text).encode(codec), None) == page(text)


def test_an_unknown_declared_charset_falls_back_to_detection() -> None:
    data = page(HEBREW).encode("windows-1255")
    assert decode_text(data, "text/html; charset=x-no-such-codec") == page(HEBREW)


def test_gzip_bytes_saved_as_the_document_are_unpacked() -> None:
    assert decode_text(gzip.compress(page(HEBREW).encode("utf-8")), None) == page(HEBREW)


# --- prepare_xml: feeds --------------------------------------------------------------------------


def test_a_bom_and_whitespace_before_the_declaration_are_dropped() -> None:
    data = codecs.BOM_UTF8 + b" \r\n\t" + feed("Title", '<?xml version="1.0"?>').encode()
    assert prepare_xml(data) == feed("Title", '<?xml version="1.0"?>').encode()


@pytest.mark.parametrize(("text", "codec"), [(FRENCH, "latin-1"), (HEBREW, "windows-1255")])
def test_an_undeclared_legacy_feed_becomes_declared_utf8(text: str, codec: str) -> None:
    data = feed(text, '<?xml version="1.0"?>').encode(codec)
    prepared = prepare_xml(data)
    assert prepared == b'<?xml version="1.0" encoding="utf-8"?>' + feed(text).encode("utf-8")


def test_a_declared_encoding_is_left_to_the_parser() -> None:
    data = feed(HEBREW, '<?xml version="1.0" encoding="windows-1255"?>').encode("windows-1255")
    assert prepare_xml(data) == data


def test_a_charset_in_the_header_is_left_to_the_parser() -> None:
    data = feed(HEBREW).encode("windows-1255")
    assert prepare_xml(data, "application/rss+xml; charset=windows-1255") == data


def test_utf8_and_utf16_feeds_pass_unchanged() -> None:
    utf8 = feed(HEBREW).encode("utf-8")
    utf16 = codecs.BOM_UTF16_LE + feed(HEBREW).encode("utf-16-le")
    assert prepare_xml(utf8) == utf8
    assert prepare_xml(utf16) == utf16


def test_a_gzipped_feed_is_unpacked_and_a_bomb_stops_at_the_cap() -> None:
    assert prepare_xml(gzip.compress(feed("Title").encode())) == feed("Title").encode()
    bomb = gzip.compress(b" " * 2_000_000)
    with pytest.raises(TooLargeError):
        gunzip_if_gzipped(bomb, limit=1_000_000)


def test_bytes_that_only_start_like_gzip_are_kept_as_they_are() -> None:
    data = b"\x1f\x8b" + b"not really gzip"
    assert gunzip_if_gzipped(data) == data


@pytest.mark.parametrize(
    ("header", "codec"),
    [
        ("text/xml; charset=UTF-8", "utf-8"),
        ('text/xml; Charset="ISO-8859-1"', "iso8859-1"),
        ("text/html;charset='windows-1255'", "cp1255"),
        ("text/html; charset=x-no-such-codec", None),
        ("text/html", None),
        (None, None),
        ("", None),
    ],
)
def test_the_charset_of_a_content_type(header: str | None, codec: str | None) -> None:
    assert charset_from_content_type(header) == codec
