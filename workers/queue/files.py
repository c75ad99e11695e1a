"""The files of a corpus audit: found below the folders named, each once, and hashed as a stream.

Found as a stream too (:func:`iter_files`): a folder is walked one directory listing at a time, in the order
``sorted(folder.rglob("*"))`` gives, without holding a path object for every file of the corpus (at 20,000
files those, and rglob's own set of every path it yielded, were 12 MB of the runner's peak).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Files taken from a folder; a file named on the command line is always taken.
REPORT_SUFFIXES = frozenset({".txt", ".text", ".md", ".docx", ".pdf", ".html", ".htm"})
HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)  # one a file of the corpus, held until the audit is queued: no __dict__ each
class FileEntry:
    path: str
    content_hash: str
    size: int
    error: str | None = None  # the file could not be read at all


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and report files below folders named, in a stable order, each once."""
    return list(iter_files(paths))


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """:func:`discover`'s files, one at a time: only the resolved paths already found are kept (each file
    once, the first time it is reached)."""
    seen: set[str] = set()
    folders: dict[Path, Path] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found: Iterable[tuple[str, Path]] = ((resolved(child, folders), child) for child in report_files(p))
        else:
            found = [(resolved(p, folders) if p.exists() else str(p), p)]
        for key, path in found:
            if key not in seen:
                seen.add(key)
                yield path


def report_files(folder: Path) -> Iterator[Path]:
    """The report files below ``folder``, in ``sorted(folder.rglob("*"))``'s order (paths compare by their
    parts: a walk that lists each directory sorted by name and goes into each subdirectory where its name
    falls), walked as rglob walks: not into links to directories, past directories it may not list."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((entry.name, is_real_dir(entry)) for entry in listing)
    except PermissionError:
        return
    for name, is_dir in entries:
        child = folder / name
        if is_dir:
            yield from report_files(child)
        elif child.suffix.lower() in REPORT_SUFFIXES and not name.startswith(".") and child.is_file():
            yield child


def is_real_dir(entry: os.DirEntry[str]) -> bool:
    """A directory, not a link to one (rglob does not follow them)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


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
