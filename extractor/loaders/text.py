"""Plain text: decode it, then read paragraphs and the seeds' tab-cell table layout.

The seeds are DOCX exports where each table cell is a line starting with a tab
and rows are separated by blank lines.  A cell's text may go on over following
lines without a tab ("\\t本年新" + "公开数量"), and a Word paragraph break inside
a cell shows as a blank line followed by a short untabbed line ("\\t（三）", "",
"不予公开").  Markdown pipe tables (``| a | b |``) are read as tables too, and web
text whose tables were flattened into running digits goes to :mod:`flattened`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from extractor.document import Block, Document, Paragraph, Table
from extractor.errors import ExtractError
from extractor.loaders.script import to_simplified
from extractor.settings import Limits

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Encodings charset-normalizer may propose that make sense for Chinese reports;
# anything else it proposes for CJK bytes is more often a mis-detection.
PLAUSIBLE_ENCODINGS = ("utf_8", "gb18030", "gbk", "gb2312", "utf_16", "utf_16_le", "utf_16_be", "big5", "hz")
FALLBACK_ENCODINGS = ("gb18030",)
MAX_CONTROL_CHAR_RATIO = 0.01
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
# Unicode's control characters (category Cc: C0, DEL, C1) but the whitespace ones (\t \n \v \f \r).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# An untabbed line this short, after one blank line and before a tabbed line,
# is the rest of the previous cell, not a paragraph.
MAX_SPLIT_CELL_TAIL = 8
HEADING_PREFIX = re.compile(r"^\s*([一二三四五六七八九十]+[、.．]|\d{1,2}[、.．]|（[一二三四五六七八九十]+）)")
PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
CONVERTED = "繁体字已按字转换为简体后读取 / traditional characters were read converted to simplified (OpenCC t2s)"
PIPE_RULE_LINE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE)
TAB_CELL = re.compile(r"^\t[^\t\n]*$", re.MULTILINE)  # one cell a line; a tab-separated row has more tabs
MIN_TAB_CELLS = 5
LONG_LINE = 400  # a line this long holds several paragraphs: a report flattened onto one line


def decode_text(data: bytes, limits: Limits) -> tuple[str, str]:
    """Decode the whole file: BOM, then strict UTF-8, then charset-normalizer."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"), encoding), encoding
    try:
        return _checked(data.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    tried = ["utf-8"]
    utf16 = _guess_bomless_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), utf16), utf16
        except UnicodeDecodeError:
            tried.append(utf16)
    import charset_normalizer  # only for what is neither UTF-8 nor UTF-16 (its import: some 30 ms)

    best = charset_normalizer.from_bytes(data).best()
    if b"\0" in data and (best is None or not best.encoding.startswith("utf_16")):
        raise ExtractError("E007")  # NUL bytes outside UTF-16: binary data
    if best is not None and best.encoding in PLAUSIBLE_ENCODINGS:
        return _checked(str(best), best.encoding), best.encoding
    for encoding in FALLBACK_ENCODINGS:
        tried.append(encoding)
        try:
            return _checked(data.decode(encoding), encoding), encoding
        except UnicodeDecodeError:
            continue
    if best is not None:
        tried.append(best.encoding)
    raise ExtractError("E006", tried=", ".join(tried))


def _guess_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII and CJK text leave many NULs on one side."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.2 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.2 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def _checked(text: str, encoding: str) -> str:
    """Refuse decoded text that is really binary data (NULs, control characters)."""
    if not text.strip():
        raise ExtractError("E003")
    controls = len(CONTROL_CHARS.findall(text))
    if controls > max(2, len(text) * MAX_CONTROL_CHAR_RATIO):
        raise ExtractError("E007")
    return text


def load_text(data: bytes, limits: Limits) -> Document:
    text, encoding = decode_text(data, limits)
    if len(text) > limits.max_text_chars:
        raise ExtractError("E008", chars=len(text), limit=limits.max_text_chars)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    simplified = to_simplified(text)
    text = PIPE_RULE_LINE.sub("", simplified.text) if "---" in simplified.text else simplified.text
    notes = [CONVERTED] if simplified.converted else []
    if has_tab_cells(text):
        return Document(blocks=tuple(read_lines(text)), kind="text", encoding=encoding, warnings=tuple(notes))
    # Imported here: the seeds' layout never needs it, and its templates take a twentieth of a second to build.
    from extractor.loaders.flattened import looks_flattened, narrative_lines, read_text_tables

    read = read_text_tables(text, read_gap=narrative_lines if has_long_line(text) else read_lines)
    # The reader's warnings speak of tables: kept where the text has one, or looks flattened.
    warnings = read.warnings if read.located or looks_flattened(text) else []
    return Document(blocks=tuple(read.blocks), kind="text", encoding=encoding, warnings=tuple(notes + warnings))


def has_tab_cells(text: str) -> bool:
    """The seeds' layout (a DOCX exported as text): table cells on lines of their own that start with a tab
    (not paragraphs indented with one: a cell holds no sentence)."""
    cells = (m for m in TAB_CELL.finditer(text) if not INDENTED_SENTENCE.match(m.group()))
    return len(list(islice(cells, MIN_TAB_CELLS))) == MIN_TAB_CELLS  # the first few say it


# A line indented with a tab that holds a sentence (…。): a paragraph, never a table's cell (the official tables'
# cells are labels and numbers: the seeds' longest, 43 characters, has no full stop).
INDENTED_SENTENCE = re.compile(r"^\t[^\t\n]*[。！？]")
INDENTED_SENTENCES = re.compile(INDENTED_SENTENCE.pattern, re.MULTILINE)


def is_indented_paragraph(lines: list[str], i: int) -> bool:
    """The line is a paragraph indented with a tab: a sentence, or a heading whose next line is one."""
    line = lines[i]
    if INDENTED_SENTENCE.match(line):
        return True
    if not HEADING_PREFIX.match(line):
        return False
    following = next((line for line in lines[i + 1 : i + 3] if line.strip()), "")
    return bool(INDENTED_SENTENCE.match(following))


def has_long_line(text: str) -> bool:
    """A line this long holds several paragraphs: the report was flattened onto few lines."""
    return any(len(line) > LONG_LINE for line in text.split("\n"))


def read_lines(text: str) -> list[Block]:
    """Text between standard tables, or a report without them: lines as paragraphs (and other tables)."""
    return list(read_blocks(text.split("\n")))


def read_blocks(lines: list[str]) -> Iterator[Block]:
    """Group lines into paragraphs, tab-cell tables and pipe tables."""
    indents_prose = INDENTED_SENTENCES.search("\n".join(lines)) is not None  # once: most texts never do
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t") and not (indents_prose and is_indented_paragraph(lines, i)):
            table, i = _read_tab_table(lines, i, indents_prose)
            yield table
        elif PIPE_ROW.match(line):
            table, i = _read_pipe_table(lines, i)
            yield table
        else:
            text = _clean_paragraph(line)
            if text:
                yield Paragraph(text)
            i += 1


def _without_bookmarks(text: str) -> str:
    """Drop the "[bookmark: _Toc…]" markers a DOCX export leaves (the test first: most lines have none)."""
    return BOOKMARK.sub("", text) if "[bookmark: " in text else text


def _clean_paragraph(line: str) -> str:
    return _without_bookmarks(line).strip(" \t\u3000\xa0")


def _clean_cell(text: str) -> str:
    return _without_bookmarks(text).strip()


def _is_split_cell_tail(lines: list[str], i: int, rows: list[list[str]]) -> bool:
    """True for the "不予公开" of "\\t（三）", "", "不予公开", "\\t1.…"."""
    line = lines[i].strip(" \u3000\xa0")
    return (
        bool(rows)
        and bool(rows[-1])
        and i >= 1
        and _is_blank(lines[i - 1])
        and i >= 2
        and lines[i - 2].startswith("\t")
        and i + 1 < len(lines)
        and lines[i + 1].startswith("\t")
        and 0 < len(line) <= MAX_SPLIT_CELL_TAIL
        and not HEADING_PREFIX.match(line)
    )


def _is_blank(line: str) -> bool:
    """A row separator; a line holding only a tab is an empty cell, not a blank."""
    return not line.startswith("\t") and line.strip() == ""


def _read_tab_table(lines: list[str], start: int, indents_prose: bool = False) -> tuple[Table, int]:
    rows: list[list[str]] = []
    row: list[str] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if indents_prose and line.startswith("\t") and is_indented_paragraph(lines, i):
            break
        if line.startswith("\t"):
            row.append(line[1:])
        elif _is_blank(line):
            if row:
                rows.append(row)
                row = []
            if i + 1 < len(lines) and _is_blank(lines[i + 1]):
                break
        elif row and lines[i - 1].startswith("\t"):
            row[-1] += line.strip(" \u3000\xa0")
        elif not row and _is_split_cell_tail(lines, i, rows):
            row = rows.pop()
            row[-1] += line.strip(" \u3000\xa0")
        else:
            break
        i += 1
    if row:
        rows.append(row)
    grid = tuple(tuple(map(_clean_cell, r)) for r in rows)
    return Table(rows=grid, aligned=False), i


def _read_pipe_table(lines: list[str], start: int) -> tuple[Table, int]:
    rows: list[tuple[str, ...]] = []
    i = start
    while i < len(lines) and PIPE_ROW.match(lines[i]):
        if not PIPE_RULE.match(lines[i]):
            cells = lines[i].strip().strip("|").split("|")
            rows.append(tuple(_clean_cell(c.replace("<br>", "")) for c in cells))
        i += 1
    return Table(rows=tuple(rows), aligned=True), i
