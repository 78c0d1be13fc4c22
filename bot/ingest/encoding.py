"""Turning the bytes a server (or a careless capture) hands us into bytes a parser can trust.

Three real-world faults are repaired here, before any parser sees the data:
- gzip bytes saved as the body (Content-Encoding not undone): gunzipped piece by piece with a
  cap, so that a gzip bomb stops at the cap instead of blowing up memory (fetched bodies arrive
  here already unpacked, under `fetching.max_bytes`; this is for files given to `import`);
- whitespace (and a BOM) before `<?xml`, which makes strict XML parsers give up;
- legacy encodings that nothing declares (Latin-1, windows-1255): feedparser would guess
  windows-1252 and garble Hebrew, so undeclared non-UTF-8 bytes are detected with `chardet` and
  re-encoded as UTF-8 with a matching declaration.
"""

from __future__ import annotations

import codecs
import logging
import re

import chardet

from bot.domain.errors import ContentEncodingError
from bot.ingest.inflate import GZIP_MAGIC, inflate

logger = logging.getLogger(__name__)

# A feed or page has no business being bigger than this once decompressed (twice the default
# fetching.max_bytes; a saved file may be a little larger than what a fetch would accept).
MAX_DECOMPRESSED_BYTES = 10_000_000
# chardet reads this much; the whole of a 5 MB body would cost time and gain nothing.
_DETECT_SAMPLE = 64 * 1024

_XML_DECL = re.compile(rb"^<\?xml[^>]*?\?>", re.DOTALL)
_XML_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def gunzip_if_gzipped(data: bytes, *, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Undo gzip when the bytes start with its magic number; refuse to inflate past `limit`."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return inflate(data, ["gzip"], limit=limit)  # TooLargeError past the limit
    except ContentEncodingError:
        logger.warning("bytes start like gzip but do not inflate; parsing them as they are")
        return data


def charset_from_content_type(content_type: str | None) -> str | None:
    """The `charset=` parameter of a Content-Type header, if it names a known codec."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return known_codec(value.strip().strip("\"'"))
    return None


def known_codec(name: str) -> str | None:
    """`name` if Python has a codec for it, else None."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(data: bytes) -> str:
    """Best guess for undeclared bytes: chardet's answer, windows-1252 when it has none."""
    guess = chardet.detect(data[:_DETECT_SAMPLE]).get("encoding")
    codec = known_codec(guess) if guess else None
    return codec or "cp1252"


def prepare_xml(data: bytes, content_type: str | None = None) -> bytes:
    """Gunzip, drop leading junk and make undeclared legacy encodings explicit UTF-8."""
    data = gunzip_if_gzipped(data)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if data[:1].isspace():
        data = data.lstrip()
    if charset_from_content_type(content_type):
        return data  # the server said; feedparser honours the header we pass along
    decl = _XML_DECL.match(data)
    if decl and _XML_ENCODING.search(decl.group(0)):
        return data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _is_utf8(data):
        return data
    codec = detect_encoding(data)
    logger.info("undeclared non-UTF-8 feed; decoding it as %s", codec)
    text = data.decode(codec, errors="replace").encode("utf-8")
    body = text[decl.end() :] if decl else text
    return b'<?xml version="1.0" encoding="utf-8"?>' + body


def decode_text(data: bytes, content_type: str | None = None) -> str:
    """Decode a text document: BOM, then HTTP charset, then `<meta charset>`, UTF-8, detection."""
    data = gunzip_if_gzipped(data)
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    # UTF-8 that decodes cleanly wins over a declaration: pages re-saved as UTF-8 keep their old
    # <meta charset> (the corpus has one), and legacy bytes are almost never valid UTF-8 by chance.
    if _is_utf8(data):
        return data.decode("utf-8")
    declared = charset_from_content_type(content_type)
    if declared is None:
        meta = _META_CHARSET.search(data[:_DETECT_SAMPLE])
        declared = known_codec(meta.group(1).decode("ascii")) if meta else None
    return data.decode(declared or detect_encoding(data), errors="replace")
