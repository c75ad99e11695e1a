"""The files of a corpus audit: found below the folders named, each once, and hashed as a stream."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Files taken from a folder; a file named on the command line is always taken.
REPORT_SUFFIXES = frozenset({".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm"})
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileEntry:
    path: str
    content_hash: str
    size: int
    error: str | None = None  # the file could not be read at all


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and report files below folders named, in a stable order, each once."""
    seen: dict[str, Path] = {}
    folders: dict[Path, Path] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in REPORT_SUFFIXES and not child.name.startswith("."):
                    seen.setdefault(resolved(child, folders), child)
        else:
            seen.setdefault(resolved(p, folders) if p.exists() else str(p), p)
    return list(seen.values())


def resolved(path: Path, folders: dict[Path, Path]) -> str:
    """``path.resolve()``, each folder resolved once (``folders`` keeps them): over half of finding a
    thousand files was resolving each one's folders again; a file that is a link is resolved itself."""
    if path.is_symlink():
        return str(path.resolve())
    if (folder := folders.get(path.parent)) is None:
        folder = folders[path.parent] = path.parent.resolve()
    return str(folder / path.name)


def hash_file(path: Path) -> FileEntry:
    """The content hash, streamed; an unreadable path gets a hash of its name and the reason."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else f"cannot read file: {exc.strerror or exc}"
        if path.is_dir():
            reason = "is a directory, not a file"
        marker = hashlib.sha256(f"unreadable:{path}".encode()).hexdigest()
        return FileEntry(str(path), marker, 0, reason)
    return FileEntry(str(path), digest.hexdigest(), size)
