"""Reading Whoosh's segments directly, a block at a time, and sets of documents as bitmasks.

A "flags" bytearray has one byte (0 or 1) per document: setting one is a single store, and it
converts to and from a bitmask (a Python int, bit n for document n) through a string of binary
digits, in C. Whoosh's own matchers step through postings one document at a time in Python.
"""

from __future__ import annotations

import sys
from array import array
from itertools import accumulate

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import NumericColumn
from whoosh.reading import TermNotFound

_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_FROM_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def flags_to_mask(flags: bytearray) -> int:
    return int(flags.translate(_TO_DIGITS)[::-1], 2) if flags else 0


def mask_to_flags(mask: int, size: int) -> bytes:
    return format(mask, "b").zfill(size)[::-1].encode("ascii").translate(_FROM_DIGITS)


def mask_of(docnums, size: int) -> int:
    flags = bytearray(size)
    for docnum in docnums:
        flags[docnum] = 1
    return flags_to_mask(flags)


def w3_blocks(matcher, offset: int, positions: bool):
    # Whoosh's own matcher steps through a posting list one document at a time in Python; here each
    # block of up to 128 postings is decoded at once (document numbers are stored as deltas).
    while True:
        if matcher._data is None:
            matcher._read_data()
        deltas = matcher._data[0]
        docnums = tuple(accumulate(deltas, initial=offset))[1:] if offset else tuple(accumulate(deltas))
        matcher._read_weights()
        if positions:
            matcher._read_values()
            yield docnums, matcher._weights, matcher._values
        else:
            yield docnums, matcher._weights
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def matcher_blocks(matcher, offset: int, positions: bool) -> list:
    docnums, weights, values = [], [], []
    while matcher.is_active():
        docnums.append(matcher.id() + offset)
        weights.append(matcher.weight())
        if positions:
            values.append(matcher.value())
        matcher.next()
    if not docnums:
        return []
    return [(docnums, weights, values) if positions else (docnums, weights)]


def generic_postings(leaf, fieldname: str, term: str, offset: int, positions: bool) -> list:
    try:
        matcher = leaf.postings(fieldname, term)
    except TermNotFound:
        return []
    return matcher_blocks(matcher, offset, positions)


def fixed_column_bytes(reader, size: int) -> bytes | None:
    """The raw bytes of a fixed-width column, or None when it is not one."""
    if not isinstance(reader, NumericColumn.Reader):
        return None
    raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    missing = size - reader._count
    return raw + reader._defaultbytes * missing if missing > 0 else raw[: size * reader._fixedlen]


def length_bytes(leaf, fieldname: str) -> bytes:
    size = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    reader = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN) if perdoc is not None else None
    if reader is not None and reader._fixedlen == 1:
        raw = fixed_column_bytes(reader, size)
        if raw is not None:
            return raw
    from whoosh.util.numeric import length_to_byte

    return bytes(length_to_byte(leaf.doc_field_length(docnum, fieldname, 0) or 0) for docnum in range(size))


def numeric_column(leaf, name: str) -> list:
    size = leaf.doc_count_all()
    if not size or not leaf.has_column(name):
        return [0] * size
    # Untranslated: the raw integers (a DATETIME column would otherwise give datetimes, and a
    # document without a value a default that is no valid date).
    reader = leaf.column_reader(name, translate=False)
    raw = fixed_column_bytes(reader, size)
    if raw is None or reader._reverse:
        return list(reader)
    values = array(reader._typecode)
    if values.itemsize != reader._fixedlen:
        return list(reader)
    values.frombytes(raw)
    if sys.byteorder == "little":
        values.byteswap()  # stored big-endian
    return values.tolist()
