"""Issue 21's document faults: a limit's reason in its own unit, and a zip bomb whose headers lie.

The zip bomb is built here, small: ``word/document.xml`` declares 1 KiB but its
deflate stream inflates to 256 MiB (a quarter of a megabyte on disk).  Reading
it must cost a bounded amount of memory (traced with tracemalloc) and end in a
clear reason, not inflate the whole member before finding it wrong.
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest

from extractor import ExtractError
from extractor.loaders import load_bytes
from extractor.loaders.docx import load_docx
from extractor.settings import Limits

MIB = 1 << 20
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:body></w:document>"
)


# ---- a limit's reason -----------------------------------------------------------------------


def test_a_text_over_the_character_limit_says_characters_not_bytes() -> None:
    limits = Limits(max_text_chars=1000)
    data = ("一、总体情况。" * 300).encode("utf-8")  # 2,100 characters, 6,300 bytes: far under the byte limit
    with pytest.raises(ExtractError) as caught:
        load_bytes(data, limits)
    reason = caught.value.reason
    assert "2100 characters" in reason and "limit 1000 characters" in reason, reason
    assert "bytes" not in reason, reason


def test_a_file_over_the_byte_limit_still_says_bytes() -> None:
    limits = Limits(max_file_bytes=100)
    with pytest.raises(ExtractError) as caught:
        load_bytes(b"x" * 101, limits)
    assert caught.value.reason == "file too large (101 bytes; limit 100 bytes)"


# ---- a zip bomb with lying headers ----------------------------------------------------------


def deflated_zeros(size: int, chunk: int = MIB) -> bytes:
    """A raw deflate stream of ``size`` zero bytes, made without holding them."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(chunk)
    parts = [compressor.compress(zeros) for _ in range(size // chunk)]
    parts.append(compressor.flush())
    return b"".join(parts)


def lying_docx(inflated: int, declared: int) -> bytes:
    """A DOCX whose ``word/document.xml`` declares ``declared`` bytes but inflates to ``inflated``.

    Written by zipfile with a small stand-in member, whose compressed data and
    sizes are then replaced in the local header and the central directory.
    """
    stream = deflated_zeros(inflated)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"x")
    raw = buf.getvalue()
    local = raw.index(b"PK\x03\x04")
    name_len, extra_len = struct.unpack_from("<HH", raw, local + 26)
    data_start = local + 30 + name_len + extra_len
    old_compressed = struct.unpack_from("<I", raw, local + 18)[0]
    central = raw.index(b"PK\x01\x02")
    end = raw.index(b"PK\x05\x06")
    header = bytearray(raw[local:data_start])
    struct.pack_into("<III", header, 14, 0, len(stream), declared)  # crc, compressed, uncompressed
    directory = bytearray(raw[central:end])
    struct.pack_into("<III", directory, 16, 0, len(stream), declared)
    struct.pack_into("<I", directory, 42, 0)  # the local header's offset
    tail = bytearray(raw[end:])
    struct.pack_into("<I", tail, 16, len(header) + len(stream))  # the central directory's offset
    assert old_compressed and data_start + old_compressed == central
    return bytes(header) + stream + bytes(directory) + bytes(tail)


def test_a_zip_bomb_with_lying_headers_is_refused_within_bounded_memory() -> None:
    inflated = 256 * MIB
    data = lying_docx(inflated, declared=1024)
    assert len(data) < MIB, len(data)
    tracemalloc.start()
    try:
        with pytest.raises(ExtractError) as caught:
            load_docx(data, Limits())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code in ("E010", "E011"), caught.value.reason
    assert "word/document.xml" in caught.value.reason or "CRC" in caught.value.reason, caught.value.reason
    assert peak < 16 * MIB, f"reading the bomb peaked at {peak / MIB:.0f} MiB (inflates to {inflated / MIB:.0f} MiB)"


def test_a_member_inflating_past_its_declared_size_is_read_in_bounded_chunks() -> None:
    """A header that lies within every limit (60 KiB declared, 8 MiB inflated): read a chunk at a time, the
    member stops at its declared size (then its CRC is wrong); read whole, it took the 8 MiB and more."""
    limits = Limits(max_docx_uncompressed_bytes=64 * 1024)
    data = lying_docx(8 * MIB, declared=60 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ExtractError) as caught:
            load_docx(data, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code in ("E010", "E011"), caught.value.reason
    assert peak < 4 * MIB, f"peaked at {peak / MIB:.1f} MiB"


def test_a_real_docx_still_reads() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", DOCUMENT_XML)
    document = load_docx(buf.getvalue(), Limits())
    assert "总体情况" in document.blocks[0].text
