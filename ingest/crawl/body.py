"""Read a response body within a byte limit, compressed and decompressed alike: a gzip bomb stops at the cap."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable


class TooBig(Exception):
    """The body passed its limit (the message says which bytes: as sent, or decompressed)."""


class TooSlow(Exception):
    """The body was still arriving at its deadline."""


class BadEncoding(Exception):
    """The body's content encoding is unknown or its compressed bytes are broken."""


def decompressor(encoding: str) -> zlib._Decompress | None:
    """A zlib decompressor for a Content-Encoding (None for identity); BadEncoding for any other coding."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib-wrapped (what the RFC says) or gzip, detected
    raise BadEncoding(f"content encoding {encoding!r} is not one kb asked for")


def read_limited(chunks: Iterable[bytes], encoding: str, limit: int, deadline: float) -> bytes:
    """Join `chunks` (raw, as sent) decoding `encoding`, stopping at `limit` bytes on either side or at `deadline`
    (a time.monotonic() value)."""
    inflate = decompressor(encoding)
    raw = 0
    out = bytearray()
    for chunk in chunks:
        raw += len(chunk)
        if raw > limit:
            raise TooBig(f"over the {_mb(limit)} limit as sent")
        if inflate is None:
            out += chunk
        else:
            _inflate_into(out, inflate, chunk, limit)
        if len(out) > limit:
            raise TooBig(f"over the {_mb(limit)} limit")
        if time.monotonic() > deadline:
            raise TooSlow("the page was still arriving at the time limit of one request")
    if inflate is not None:
        try:
            out += inflate.flush(limit + 1 - len(out))
        except zlib.error as exc:
            raise BadEncoding(f"broken compressed data ({exc})") from exc
        if len(out) > limit:
            raise TooBig(f"over the {_mb(limit)} limit decompressed")
    return bytes(out)


def _inflate_into(out: bytearray, inflate: zlib._Decompress, data: bytes, limit: int) -> None:
    """Decompress `data` into `out`, never making more than one byte past `limit` (max_length bounds each step)."""
    try:
        while data:
            out += inflate.decompress(data, limit + 1 - len(out))
            if len(out) > limit:
                raise TooBig(f"over the {_mb(limit)} limit decompressed (a compression bomb?)")
            data = inflate.unconsumed_tail
    except zlib.error as exc:
        raise BadEncoding(f"broken compressed data ({exc})") from exc


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """A gzip file's content (a `sitemap.xml.gz`), within `limit` bytes."""
    out = bytearray()
    _inflate_into(out, zlib.decompressobj(16 + zlib.MAX_WBITS), data, limit)
    return bytes(out)


def _mb(size: int) -> str:
    return f"{size / 1048576:g} MB" if size >= 1048576 else f"{size // 1024} KB"
