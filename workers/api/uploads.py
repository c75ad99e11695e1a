"""What a client sends, checked before any work: one report, a zip of reports, or corpus paths.

Every refusal is an :class:`Rejected` with an HTTP status and the one-line reason
a person reads; for a document the reason is the extractor's own (the text the
CLI prints after ``gkaudit: FILE:``).  Types are decided by content
(:func:`extractor.loaders.sniff_kind` and the zip signature), never by the name.

Zips are unpacked with limits on the member count, each member's and the total
uncompressed size and the compression ratio, and nothing may land outside the
folder made for it: absolute names, ``..`` parts, drive letters, symlinks and
encrypted members refuse the whole archive.  Corpus paths must resolve (symlinks
followed) inside ``GKAUDIT_CORPUS_ROOT``; so must every file found below them.
"""

from __future__ import annotations

import hashlib
import lzma
import shutil
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from extractor.errors import ExtractError
from extractor.loaders import sniff_kind
from workers.queue.files import discover

MAX_NAME_BYTES = 180  # a file system name holds 255 bytes; CJK takes 3 each in UTF-8
COPY_CHUNK = 1 << 20
RATIO_FLOOR_BYTES = 64 * 1024  # smaller members are not judged by their ratio: short text compresses well
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
DOCX_MARKER = "word/document.xml"
SKIPPED_PARTS = ("__MACOSX",)
# Extractor reasons that deserve another status than 422 (the document cannot be processed).
STATUS_BY_CODE = {"E004": 413, "E005": 415, "E007": 415, "E008": 413}
# What a corrupt archive or member raises while it is read.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, zlib.error, lzma.LZMAError)


class Rejected(Exception):
    """A request refused before or instead of any work: status, reason, and the file it is about."""

    def __init__(self, status: int, reason: str, file: str | None = None, code: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.file = file
        self.code = code

    @classmethod
    def from_extract(cls, exc: ExtractError, file: str | None) -> Rejected:
        return cls(STATUS_BY_CODE.get(exc.code, 422), exc.reason, file, exc.code)

    def detail(self) -> dict[str, str | None]:
        return {"file": self.file, "reason": self.reason, "code": self.code}


# ---- one report ----------------------------------------------------------------------------


def safe_name(filename: str | None) -> str:
    """The client's file name reduced to a printable base name (used in results and messages only)."""
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    clean = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if clean in ("", ".", ".."):
        return "upload"
    return clean.encode()[:MAX_NAME_BYTES].decode(errors="ignore")


def precheck(head: bytes, size: int, name: str, max_bytes: int) -> str:
    """Refuse what is empty, too large or of no known type, from the first bytes; the kind otherwise."""
    if size == 0 or not head.strip():
        raise Rejected.from_extract(ExtractError("E003"), name)
    if size > max_bytes:
        raise Rejected.from_extract(ExtractError("E004", size=size, limit=max_bytes), name)
    try:
        return sniff_kind(head)
    except ExtractError as exc:
        raise Rejected.from_extract(exc, name) from None


def save_stream(src: BinaryIO, dest: Path, max_bytes: int) -> tuple[str, int]:
    """Copy an upload to ``dest`` (which must not exist); its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    src.seek(0)
    with dest.open("xb") as out:
        while chunk := src.read(COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise Rejected.from_extract(ExtractError("E004", size=size, limit=max_bytes), dest.name)
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


# ---- a zip of reports ----------------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    max_members: int
    max_total_bytes: int
    max_member_bytes: int
    max_ratio: int


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_SIGNATURES)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its creator meant it: zips made on Chinese Windows store GBK without a flag."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def member_path(name: str) -> PurePosixPath:
    """A relative path that stays inside the extraction folder, or Rejected."""
    unsafe = Rejected(422, f"unsafe path in zip archive: {name!r}", name)
    if "\0" in name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise unsafe
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise unsafe
    return PurePosixPath(*parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _skipped(path: PurePosixPath) -> bool:
    return path.parts[0] in SKIPPED_PARTS or path.name.startswith(".")


def check_member(info: zipfile.ZipInfo, limits: ZipLimits) -> PurePosixPath | None:
    """The member's safe relative path; None for a folder or junk to skip; Rejected for a dangerous member."""
    name = member_name(info)
    path = member_path(name)
    if _is_symlink(info):
        raise Rejected(422, f"zip archive holds a symbolic link: {name!r}", name)
    if info.flag_bits & 0x1:
        raise Rejected(422, f"zip archive member is encrypted: {name!r}", name)
    if info.is_dir() or _skipped(path):
        return None
    if info.file_size > limits.max_member_bytes:
        reason = ExtractError("E004", size=info.file_size, limit=limits.max_member_bytes).reason
        raise Rejected(413, f"{name}: {reason}", name, "E004")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
        reason = f"zip archive expands too much (zip bomb?): {name!r} {ratio:.0f}× (limit {limits.max_ratio}×)"
        raise Rejected(422, reason, name)
    return path


def plan_extraction(archive: zipfile.ZipFile, limits: ZipLimits) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Check every member before writing anything; the files to extract."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise Rejected(422, f"zip archive has too many members ({len(infos)}; limit {limits.max_members})")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise Rejected(
            413, f"zip archive expands too much (zip bomb?): {total} bytes (limit {limits.max_total_bytes} bytes)"
        )
    plan: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    seen: set[str] = set()
    for info in infos:
        path = check_member(info, limits)
        if path is None:
            continue
        key = str(path).casefold()
        if key in seen:
            raise Rejected(422, f"zip archive names a file twice: {str(path)!r}", str(path))
        seen.add(key)
        plan.append((info, path))
    if not plan:
        raise Rejected(422, "zip archive holds no files")
    return plan


def _read_member(src: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    try:
        return src.read(COPY_CHUNK)
    except (*ZIP_ERRORS, OSError) as exc:  # OSError: bz2's "invalid data stream"
        raise Rejected(422, f"not a valid zip archive: {info.filename!r}: {exc}", info.filename) from None


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: int) -> int:
    """Write one member; never more bytes than it declared nor than the budget left."""
    written = 0
    with archive.open(info) as src, dest.open("xb") as out:
        while chunk := _read_member(src, info):
            written += len(chunk)
            if written > info.file_size or written > budget:
                raise Rejected(422, f"zip archive member is larger than it declares (zip bomb?): {info.filename!r}")
            out.write(chunk)
    return written


def extract_zip(src: BinaryIO, root: Path, limits: ZipLimits) -> list[Path]:
    """Unpack a zip of reports under ``root`` (created here); the files written, in archive order."""
    src.seek(0)
    if not is_zip(src.read(4)):
        raise Rejected(415, "not a zip archive of reports (send one report to POST /v1/check)")
    src.seek(0)
    try:
        with zipfile.ZipFile(src) as archive:
            if DOCX_MARKER in archive.namelist():
                raise Rejected(415, "a DOCX report, not a zip archive of reports (send it to POST /v1/check)")
            return _extract_members(archive, plan_extraction(archive, limits), root, limits)
    except ZIP_ERRORS as exc:
        raise Rejected(422, f"not a valid zip archive: {exc}") from None


def _extract_members(
    archive: zipfile.ZipFile, plan: list[tuple[zipfile.ZipInfo, PurePosixPath]], root: Path, limits: ZipLimits
) -> list[Path]:
    root.mkdir(parents=True, exist_ok=False)
    base = root.resolve()
    files: list[Path] = []
    budget = limits.max_total_bytes
    try:
        for info, rel in plan:
            dest = base.joinpath(*rel.parts)
            if not dest.resolve().is_relative_to(base):  # belt and braces after member_path
                raise Rejected(422, f"unsafe path in zip archive: {info.filename!r}", info.filename)
            dest.parent.mkdir(parents=True, exist_ok=True)
            budget -= _copy_member(archive, info, dest, budget)
            files.append(dest)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return files


# ---- corpus paths --------------------------------------------------------------------------


def confine(root: Path, raw: str) -> Path:
    """A client's corpus path resolved inside ``root`` (symlinks followed), or Rejected."""
    if not raw or "\0" in raw:
        raise Rejected(422, "empty path or a NUL character in it", raw or None)
    base = root.resolve()
    try:
        path = (base / raw).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise Rejected(422, f"cannot resolve path: {exc}", raw) from None
    if not path.is_relative_to(base):
        raise Rejected(403, "outside the corpus root (GKAUDIT_CORPUS_ROOT)", raw)
    try:
        exists = path.exists()
    except OSError as exc:  # a name too long, a folder we may not enter …
        raise Rejected.from_extract(ExtractError("E060", detail=exc.strerror or str(exc)), raw) from None
    if not exists:
        raise Rejected.from_extract(ExtractError("E001"), raw)
    return path


def corpus_files(root: Path, raws: Iterable[str], max_files: int) -> list[Path]:
    """The report files named, or found below the named folders, all inside ``root``."""
    base = root.resolve()
    files: list[Path] = []
    for raw in raws:
        try:
            found = [p for p in discover([confine(root, raw)]) if p.resolve().is_relative_to(base)]
        except OSError as exc:
            raise Rejected.from_extract(ExtractError("E060", detail=exc.strerror or str(exc)), raw) from None
        if not found:
            raise Rejected(422, "is a directory with no report files (.txt .docx .pdf .html …) in it", raw)
        files.extend(found)
        if len(files) > max_files:
            raise Rejected(422, f"too many files (more than {max_files})", raw)
    return files
