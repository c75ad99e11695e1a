"""Every bad input gets exit 2 and one line ``gkaudit: FILE: reason`` within 10 s and bounded memory."""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

MEMORY_LIMIT_BYTES = 2 * 1024**3
TIME_LIMIT_SECONDS = 10


def run_cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))

    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "workers.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,
        check=False,
    )
    return proc, time.monotonic() - start


def make_empty(d: Path) -> Path:
    (d / "empty.txt").write_bytes(b"")
    return d / "empty.txt"


def make_garbage(d: Path) -> Path:
    (d / "garbage.bin").write_bytes(bytes(range(256)) * 400)
    return d / "garbage.bin"


def make_not_a_report(d: Path) -> Path:
    (d / "recipe.txt").write_text("红烧肉的做法\n\n先把肉切块，焯水后加糖炒色。\n", encoding="utf-8")
    return d / "recipe.txt"


def make_fake_docx(d: Path) -> Path:
    (d / "fake.docx").write_bytes(b"PK\x03\x04" + b"this is not a zip archive" * 10)
    return d / "fake.docx"


def make_truncated_docx(d: Path) -> Path:
    import docx

    buf = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一、总体情况")
    document.save(buf)
    (d / "truncated.docx").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return d / "truncated.docx"


def make_docx_bomb(d: Path) -> Path:
    path = d / "bomb.docx"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as member:
            for _ in range(300):
                member.write(chunk)
    return path


def _pdf_bytes(draw: Callable) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _text_pdf(c) -> None:
    c.drawString(72, 720, "Annual report 2021")


def make_truncated_pdf(d: Path) -> Path:
    data = _pdf_bytes(_text_pdf)
    (d / "truncated.pdf").write_bytes(data[: len(data) // 3])
    return d / "truncated.pdf"


def make_encrypted_pdf(d: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_bytes(_text_pdf))))
    writer.encrypt(user_password="secret", owner_password="owner")
    with (d / "encrypted.pdf").open("wb") as f:
        writer.write(f)
    return d / "encrypted.pdf"


def make_image_only_pdf(d: Path) -> Path:
    (d / "scan.pdf").write_bytes(_pdf_bytes(lambda c: c.rect(100, 100, 300, 300, fill=1)))
    return d / "scan.pdf"


def make_broken_html(d: Path) -> Path:
    (d / "broken.html").write_bytes(b"<html><body><table><tr><td>\xff\xfe<<<</td")
    return d / "broken.html"


def make_huge_text(d: Path) -> Path:
    path = d / "huge.txt"
    with path.open("wb") as f:
        f.truncate(80 * 1024 * 1024)  # sparse: 80 MB on paper, nothing on disk
    return path


def make_directory(d: Path) -> Path:
    (d / "folder").mkdir()
    return d / "folder"


def make_missing(d: Path) -> Path:
    return d / "no-such-report.pdf"


BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (make_empty, "empty file"),
    "binary garbage": (make_garbage, "binary data"),
    "not a report": (make_not_a_report, "not an annual report"),
    "fake docx": (make_fake_docx, "not a valid DOCX"),
    "truncated docx": (make_truncated_docx, "not a valid DOCX"),
    "docx zip bomb": (make_docx_bomb, "zip bomb"),
    "truncated pdf": (make_truncated_pdf, "not a valid PDF"),
    "encrypted pdf": (make_encrypted_pdf, "encrypted"),
    "image-only pdf": (make_image_only_pdf, "no text layer"),
    "broken html": (make_broken_html, "HTML"),
    "80 MB text": (make_huge_text, "too large"),
    "directory": (make_directory, "directory"),
    "missing path": (make_missing, "not found"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_its_reason(case: str, tmp_path: Path) -> None:
    make, reason = BAD_INPUTS[case]
    path = make(tmp_path)
    proc, seconds = run_cli("parse", str(path))
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"gkaudit: {path}: ")
    assert reason in lines[0]
    assert "Traceback" not in proc.stderr
    assert seconds < TIME_LIMIT_SECONDS


def test_good_and_bad_files_together(tmp_path: Path) -> None:
    """Several files: JSON Lines for the good ones, a line on stderr per bad one, exit 2."""
    good = tmp_path / "good.txt"
    good.write_text(
        "某某区某某局2021年政府信息公开工作年度报告\n\n一、总体情况\n\n本机关主动公开政府信息12条。\n\n"
        "五、存在的主要问题及改进情况\n\n无。\n",
        encoding="gb18030",
    )
    proc, _ = run_cli("parse", str(good), str(make_empty(tmp_path)))
    assert proc.returncode == 2
    report = json.loads(proc.stdout.strip().splitlines()[0])
    assert report["year"] == 2021
    assert [s["id"] for s in report["sections"]] == ["overview", "problems"]
    assert report["format_version"] is None
    assert any("no standard tables" in w for w in report["warnings"])
    assert proc.stderr.count("gkaudit: ") == 1
