"""Decompression that can never produce more than the caller allows, however the layers stack.

A compressed body is a promise the sender makes about its size, and a hostile sender lies:
822 bytes of `gzip, gzip` become 841 MB when each layer is inflated whole. Here every layer is
inflated with `zlib.decompressobj.decompress(data, max_length)` in pieces of at most `PIECE`
bytes, and the layers are chained lazily (a piece of the outer layer is pushed through the inner
ones before the next piece is made), so memory holds at most one piece per layer plus what the
caller keeps. The caller counts the output and stops at its cap; nothing is inflated ahead.

Used by the fetcher for `Content-Encoding` (and for a gzip file served as the body) and by
`bot.ingest.encoding` for gzip bytes saved as a feed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from itertools import chain

from bot.domain.errors import ContentEncodingError, TooLargeError

GZIP_MAGIC = b"\x1f\x8b"
PIECE = 64 * 1024
SLICE = 16 * 1024
# A legitimate body is encoded once; a few more layers cost nothing to allow and bound the
# zlib state (about 40 KB a layer) a header like "gzip, gzip, gzip, ..." could otherwise claim.
MAX_LAYERS = 4
_ALIASES = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}


def codings(header_values: Sequence[str]) -> list[str]:
    """The codings of Content-Encoding header values, in the order they were applied."""
    found: list[str] = []
    for value in header_values:
        for token in value.split(","):
            name = token.strip().lower()
            if name in ("", "identity"):
                continue
            if name not in _ALIASES:
                raise ContentEncodingError(
                    f"unsupported Content-Encoding {name!r} (newsdesk reads gzip and deflate)"
                )
            found.append(_ALIASES[name])
    if len(found) > MAX_LAYERS:
        raise ContentEncodingError(
            f"{len(found)} stacked Content-Encodings (at most {MAX_LAYERS})"
        )
    return found


class _Layer:
    """One coding being undone, a piece at a time."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._started = False
        self._z = self._new(raw=False)

    def _new(self, *, raw: bool) -> zlib._Decompress:
        if self.coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped; many servers send raw deflate, as browsers accept.
        return zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate `data` (b"" drains what is pending), yielding pieces of at most PIECE bytes."""
        view = memoryview(data)
        # Input goes in by slices: zlib copies the input it has not consumed yet on every call.
        for start in range(0, max(len(view), 1), SLICE):
            yield from self._feed(bytes(view[start : start + SLICE]))

    def _feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            if self._z.eof:
                data = self._z.unused_data + data
                if not (self.coding == "gzip" and data.startswith(GZIP_MAGIC)):
                    return  # bytes after the end of the stream are ignored, as httpx does
                self._z = self._new(raw=False)  # a multi-member gzip: the next member
            try:
                out = self._z.decompress(data, PIECE)
            except zlib.error as exc:
                if self.coding == "deflate" and not self._started:
                    self._started = True
                    self._z = self._new(raw=True)
                    continue
                raise ContentEncodingError(
                    f"the {self.coding} body does not decode: {exc}"
                ) from None
            self._started = True
            data = self._z.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < PIECE and not (self._z.eof and self._z.unused_data):
                return  # all input consumed and nothing pending inside zlib


class Inflater:
    """Undo stacked codings lazily; `feed` raw bytes, then `finish`, counting the output.

    What comes out of the last coding is sniffed: a gzip *file* (a `.gz` served as it is, or
    inside a coding) is unpacked too, as one more layer, so no parser ever inflates it later.
    """

    def __init__(self, applied: Sequence[str]) -> None:
        # Codings are listed in the order they were applied; they are undone in reverse.
        self._layers = [_Layer(coding) for coding in reversed(applied)]
        self._sniffing = True
        self._head = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces for the next raw bytes."""
        return self._push(data, 0)

    def finish(self) -> Iterator[bytes]:
        """Whatever the layers still hold once the raw bytes have ended."""
        index = 0
        while index < len(self._layers):  # a file found while draining adds a layer
            yield from self._push(b"", index)
            index += 1
        if self._head:
            yield self._head  # a body shorter than the magic number
            self._head = b""

    def _push(self, data: bytes, index: int) -> Iterator[bytes]:
        if index == len(self._layers):
            yield from self._sniff(data)
            return
        for piece in self._layers[index].feed(data):
            yield from self._push(piece, index + 1)

    def _sniff(self, data: bytes) -> Iterator[bytes]:
        if not self._sniffing:
            if data:
                yield data
            return
        self._head += data
        if len(self._head) < len(GZIP_MAGIC):
            return
        head, self._head = self._head, b""
        if not head.startswith(GZIP_MAGIC):
            self._sniffing = False
            yield head
            return
        if len(self._layers) >= MAX_LAYERS:
            raise ContentEncodingError(f"gzip nested more than {MAX_LAYERS} deep")
        self._layers.append(_Layer("gzip"))  # its output is sniffed in turn
        yield from self._push(head, len(self._layers) - 1)


def inflate(data: bytes, applied: Sequence[str], *, limit: int) -> bytes:
    """Undo `applied` codings on a whole body; `TooLargeError` as soon as it passes `limit`."""
    inflater = Inflater(applied)
    pieces: list[bytes] = []
    size = 0
    for piece in chain(inflater.feed(data), inflater.finish()):
        size += len(piece)
        if size > limit:
            raise TooLargeError(f"the body decompresses to more than {limit} bytes")
        pieces.append(piece)
    return b"".join(pieces)
