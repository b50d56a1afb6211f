"""Pages gzipped in parts, so that a kept page costs no compression per request.

A page kept for many requests differs between them only in a few values
(a form's CSRF token, a new comment's id: see web/front.py). Its fixed parts
are deflated once each, ending on a byte boundary (a *full flush*: no part
refers back into another), and each request's values go between them as
*stored* blocks, uncompressed. The request then costs a CRC of the body, not
a compression of it; and a secret's compressed size never depends on the
text around it, which is what a BREACH attack measures.

Every page is gzipped this way, kept or not, so that the same page has the
same length whichever path answered it (a HEAD says what a GET would send).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, no name, no time
_LAST_BLOCK = b"\x03\x00"  # an empty final block: the stream ends here
LEVEL = 6


def cut(body: bytes, holes: dict[str, str]) -> tuple[list[bytes], list[tuple[str, bytes]]]:
    """``body`` cut wherever a value of ``holes`` stands: the parts between,
    and each value cut out with its kind (``holes`` maps a value to its kind)."""
    found: list[tuple[int, int, str]] = []
    for value, kind in holes.items():
        wanted = value.encode()
        at = body.find(wanted) if wanted else -1
        while at >= 0:
            found.append((at, len(wanted), kind))
            at = body.find(wanted, at + len(wanted))
    parts: list[bytes] = []
    values: list[tuple[str, bytes]] = []
    done = 0
    for at, length, kind in sorted(found):
        parts.append(body[done:at])
        values.append((kind, body[at : at + length]))
        done = at + length
    parts.append(body[done:])
    return parts, values


def deflated(part: bytes) -> bytes:
    """``part`` as raw deflate blocks that end on a byte boundary."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH)


def stored(value: bytes) -> bytes:
    """``value`` as stored deflate blocks: as it is, its length saying nothing of it."""
    out = []
    for start in range(0, len(value), 0xFFFF):
        chunk = value[start : start + 0xFFFF]
        out.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)


def assemble(parts: Sequence[bytes], values: Sequence[bytes], body: bytes) -> bytes:
    """The gzip of ``body``, which is ``parts`` (:func:`deflated` already)
    with ``values`` between them."""
    out = [_HEADER, parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out.append(stored(value))
        out.append(part)
    out.append(_LAST_BLOCK)
    out.append(struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF))
    return b"".join(out)


def compress(body: bytes, holes: dict[str, str] | None = None) -> bytes:
    """The gzip of ``body``, its ``holes`` (value: kind) stored as they are."""
    parts, values = cut(body, holes or {})
    return assemble([deflated(part) for part in parts], [value for _kind, value in values], body)
