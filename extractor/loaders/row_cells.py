"""The cells of one table row, read from the text between its label and the next label.

Page-to-text converters flatten a table in a handful of ways: pipe rows (``行政处罚 | 2 | 0 | 57 |``,
with or without a leading pipe), one cell per line (ending `` |``, or with ``|`` on lines of its
own), cells separated by blank lines (an empty cell as a line of spaces or extra blank lines),
tab-separated rows, rows laid out in columns two or more spaces apart (pdftotext -layout), and
runs of digits with no separator at all.  Each way has its own *separator*; what lies between two
separators is one cell.  This module finds the separator a row's text uses (:data:`MODES`, tried
in order), cuts the text into :class:`Slot` s, reads past a label wrapped onto the next line, and
stops at the first slot that cannot be a cell (a sentence of the narrative after the table).
Whether an empty cell is visible depends on the mode: between pipes, tabs or blank lines it is;
in one-value-per-line or column text an empty cell leaves no trace, so its position is a guess
(:attr:`RowText.positional` is False).

Digit runs with no separator (``6233440``) are not cut here: :attr:`RowText.inline` marks a row
whose values sit on the label's own line without pipes or tabs, and
:mod:`extractor.loaders.flattened` splits those with the table's arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from extractor.fields.values import is_value_cell

# A cell of text in a number column (本单位未制作规章, 无): short, no sentence punctuation.
MAX_TEXT_CELL = 16
MAX_NUMBER_NOTE = 8  # a number with a word about it (0/0, 约5): short; a dated phrase is prose
MAX_NOTE_WORDS = 3  # 5件, 约5, 0（无）; more words with a number are a label (4.保护第三…)
CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
SENTENCE_MARK = re.compile(r"[。，,；;！？!?：:《》“”]")
CJK_NUMBER = "[一二三四五六七八九十]+"
ITEM_NUMBER = r"\d{1,2}[.．、](?=[\u4e00-\u9fff])"  # 4.保护第三方合法权益: a row label, not a number
HEADING_START = re.compile(rf"^(?:{CJK_NUMBER}[、.．]|[（(]{CJK_NUMBER}[)）]|第{CJK_NUMBER}|{ITEM_NUMBER})")
BLANK = " \t\u3000\xa0"


@dataclass(frozen=True)
class Slot:
    """One cell as written: its text (stripped) and where it ends in the row's text."""

    text: str
    end: int


@dataclass(frozen=True)
class RowText:
    """A row's cells as the layout shows them."""

    slots: tuple[Slot, ...]
    positional: bool  # empty cells are visible, so a slot's index is its column
    inline: bool  # the values follow the label on its own line with no separator: a digit run
    columns: bool = False  # laid out in columns: a value's place in its line tells its column


def _pieces(text: str, separator: re.Pattern[str]) -> list[Slot]:
    out: list[Slot] = []
    start = 0
    for match in separator.finditer(text):
        out.append(Slot(text[start : match.start()], match.start()))
        start = match.end()
    out.append(Slot(text[start:], len(text)))
    return out


def _lines_within(slot: Slot) -> list[Slot]:
    """A piece holding several non-empty lines is several cells (``|\\n0\\n0\\n0\\n|``)."""
    lines = [line for line in slot.text.split("\n") if line.strip(BLANK)]
    if len(lines) <= 1:
        return [Slot(slot.text.strip(BLANK + "\n"), slot.end)]
    out, cursor = [], slot.end - len(slot.text)
    for line in slot.text.split("\n"):
        cursor += len(line) + 1
        if line.strip(BLANK):
            out.append(Slot(line.strip(BLANK), cursor - 1))
    return out


PIPE = re.compile(r"\|")
TAB_OR_NEWLINE = re.compile(r"\t|\n")
COLUMN_GAP = re.compile(r"[ \u3000\xa0]{2,}")
COLUMN_CELL = re.compile(r"\S(?:[^ \u3000\xa0]|[ \u3000\xa0](?![ \u3000\xa0]))*")  # words one space apart
MAX_LABEL_PIECES = 2  # how many pieces of a wrapped label may stand before a row's first value
NEWLINE = re.compile(r"\n")


def _blank_line_slots(text: str) -> list[Slot]:
    """Cells separated by one blank line; a line of spaces, or two more blank lines, is an empty cell.

    The first line is the rest of the label's line: a cell only when something is written there.
    """
    first, _, rest = text.partition("\n")
    out: list[Slot] = [Slot(first.strip(BLANK), len(first))] if first.strip(BLANK) else []
    cursor = len(first) + 1
    blanks = 0
    for line in rest.split("\n"):
        cursor += len(line) + 1
        if line == "":
            blanks += 1
            continue
        out.extend(Slot("", cursor) for _ in range(max(0, (blanks - 1) // 2)))
        blanks = 0
        out.append(Slot(line.strip(BLANK), cursor - 1))
    return out


def _split_by(separator: re.Pattern[str]) -> Callable[[str], list[Slot]]:
    return lambda text: [s for piece in _pieces(text, separator) for s in _lines_within(piece)]


PIPE_ONLY_LINE = re.compile(r"^([ \t]*\|)([| \t]*)$", re.MULTILINE)


def _one_separator(match: re.Match[str]) -> str:
    """A line of pipes only (``|||``) separates once: the other pipes become spaces, offsets kept."""
    return match.group(1) + re.sub(r"[^\n]", " ", match.group(2))


def _split_by_pipes(text: str, *, rows_open_with_pipe: bool) -> list[Slot]:
    """Cells between pipes.

    Where rows open with a pipe (``| a | b |``), a bare line break between one row's closing pipe
    and the next row's opening one is no cell; where they do not (``a | b |``), a line that starts
    with a pipe starts with an empty cell, unless it holds only pipes (a row's end).  The first
    piece, up to the first pipe, is kept for :func:`read_row_text` to judge.
    """
    text = PIPE_ONLY_LINE.sub(_one_separator, text)
    row_ends = {m.end(1) - 1 for m in PIPE_ONLY_LINE.finditer(text)}  # the pipe of each pipe-only line
    pieces = _pieces(text, PIPE)
    kept = pieces[:1] + [p for p in pieces[1:] if not (p.text == "\n" and (rows_open_with_pipe or p.end in row_ends))]
    return [s for piece in kept for s in _lines_within(piece)]


def rows_open_with_pipe(text: str) -> bool:
    """Most lines that hold a pipe start with one: a markdown-style table, or one pipe a line."""
    lines = [line.strip() for line in text.split("\n") if "|" in line]
    return sum(line.startswith("|") for line in lines) * 2 > len(lines)


def _has_blank_lines(text: str) -> bool:
    return "\n\n" in text


@dataclass(frozen=True)
class Mode:
    """One way a converter separates cells."""

    applies: Callable[[str], bool]
    cut: Callable[[str, bool], list[Slot]]  # (row text, rows open with a pipe) → slots
    positional: bool  # an empty cell is visible
    label_separator: bool  # the first piece is what lies between the label and the first separator


def SPACED_CUT(text: str, _: bool) -> list[Slot]:
    return _spaced_slots(text)


# The ways cells are separated, the first that applies to a row's text wins.
MODES: tuple[Mode, ...] = (
    Mode(lambda t: "|" in t, lambda t, lead: _split_by_pipes(t, rows_open_with_pipe=lead), True, True),
    Mode(lambda t: "\t" in t, lambda t, _: _split_by(TAB_OR_NEWLINE)(t), True, True),
    Mode(lambda t: in_columns(t), SPACED_CUT, False, False),
    Mode(_has_blank_lines, lambda t, _: _blank_line_slots(t), positional=True, label_separator=False),
    Mode(lambda t: True, lambda t, _: _split_by(NEWLINE)(t), positional=False, label_separator=True),
)


def could_be_cell(text: str) -> bool:
    """A value, a dash, nothing, or a short note such as 本单位未制作规章; not a sentence."""
    if text == "" or is_value_cell(text):
        return True
    digits = sum(c.isdigit() for c in text)
    words = len(CJK_CHAR.findall(text))
    return (
        len(text) <= (MAX_NUMBER_NOTE if digits else MAX_TEXT_CELL)
        and (not digits or words <= MAX_NOTE_WORDS)
        and not SENTENCE_MARK.search(text)
        and not HEADING_START.match(text)
        and not YEAR.search(text)
    )


def could_be_label(text: str) -> bool:
    """Words that may name a row: Chinese, no sentence punctuation, not a heading."""
    return bool(CJK_CHAR.search(text)) and not SENTENCE_MARK.search(text) and not HEADING_START.match(text)


def is_number_cell(text: str) -> bool:
    """A cell that holds a number (or a dash), not nothing and not words."""
    return text != "" and is_value_cell(text)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def is_inline(text: str) -> bool:
    """Values on the label's own line with no pipe, tab or column gap: a flattened digit run, or
    values one space apart (both split by the table's arithmetic)."""
    first = _first_line(text)
    return "|" not in first and "\t" not in first and any(c.isdigit() for c in first) and not in_columns(text)


def is_spaced(line: str) -> bool:
    """A line laid out in columns (pdftotext -layout, text copied from a browser): values two or
    more spaces apart."""
    pieces = [p for p in COLUMN_GAP.split(line.strip(BLANK)) if p]
    return len(pieces) >= 2 and sum(is_value_cell(p) for p in pieces) >= 2


def in_columns(text: str) -> bool:
    """A row's text laid out in columns: values two or more spaces apart on one of its first lines,
    or a value two or more spaces after the label on the label's own line."""
    first = _first_line(text)
    if COLUMN_GAP.match(first) and is_value_cell(first.strip(BLANK).split(" ")[0]):
        return True
    return any(is_spaced(line) for line in text.split("\n")[:3])


def _spaced_slots(text: str) -> list[Slot]:
    """One line after another, each cut at its column gaps."""
    out: list[Slot] = []
    cursor = 0
    for line in text.split("\n"):
        for match in COLUMN_CELL.finditer(line):
            out.append(Slot(match.group(0).strip(BLANK), cursor + match.end()))
        cursor += len(line) + 1
    return out


def read_row_text(text: str, *, lead_pipes: bool = True) -> RowText:
    """Cut a row's text into slots; drop the separator right after the label; stop at prose.

    ``lead_pipes``: whether the table's rows open with a pipe (:func:`rows_open_with_pipe`).
    """
    if is_inline(text):
        return RowText((), positional=False, inline=True)
    mode = next(m for m in MODES if m.applies(text))
    slots = mode.cut(text, lead_pipes)
    if mode.label_separator and slots and slots[0].text == "":
        slots = slots[1:]
    kept: list[Slot] = []
    for i, slot in enumerate(slots):
        if could_be_cell(slot.text):
            kept.append(slot)
        elif kept or i >= MAX_LABEL_PIECES or not _continues_label(slot.text):
            break
    if not mode.positional:  # words after the last number: the rest of a wrapped label (…已获取信 / 息)
        while kept and not is_number_cell(kept[-1].text):
            kept.pop()
    return RowText(tuple(kept), positional=mode.positional, inline=False, columns=mode.cut is SPACED_CUT)


def _continues_label(text: str) -> bool:
    """The rest of a label wrapped onto the next line, before the row's first value (计其他情形）)."""
    return not any(c.isdigit() for c in text) and len(text) <= MAX_TEXT_CELL * 2


def row_values(row: RowText, ncols: int) -> tuple[tuple[str, ...], bool]:
    """The row's ``ncols`` cell texts ('' for empty) and whether their columns are a guess.

    As many non-empty cells as columns (or more: stray separators, a converter's extra empty
    cells) are taken in order.  Fewer: where empty cells are visible the first ``ncols`` slots
    are the columns; where they are not, the values are left-aligned and marked guessed.
    """
    filled = [s.text for s in row.slots if s.text]
    if len(filled) >= ncols:
        return tuple(filled[:ncols]), False
    if not row.positional and len(filled) == 1 and ncols > 1 and WHOLE_AS_WRITTEN.fullmatch(filled[0]):
        return (filled[0],) * ncols, True  # one 0 or dash over the whole row: a cell merged across it
    if row.positional and all(not s.text for s in row.slots[ncols:]):
        cells = [s.text for s in row.slots[:ncols]]
        return tuple(cells + [""] * (ncols - len(cells))), False
    return tuple(filled + [""] * (ncols - len(filled))), bool(filled)


def row_end(row: RowText, ncols: int) -> int | None:
    """Where the row's last cell that belongs to it ends (None when it has none)."""
    filled = 0
    end = None
    for i, slot in enumerate(row.slots):
        if slot.text:
            filled += 1
        if row.positional and i >= ncols and filled >= 1 and not slot.text:
            break
        end = slot.end
        if filled >= ncols:
            break
    return end


# A cell that no cut can have shortened: a number has no leading zero, a dash is a dash.
WHOLE_AS_WRITTEN = re.compile(r"0|[-—－/]+")


def cells_before_the_cut(row: RowText, ncols: int, *, last_complete: bool = True) -> int:
    """How many of a row's cells a document that ends inside the row shows: up to its last value
    (an empty cell at the very end may be the start of one cut off), or up to the value before it
    when the last one may itself be cut (``last_complete`` False)."""
    values = [i for i, s in enumerate(row.slots[:ncols]) if s.text]
    if not last_complete and values and not WHOLE_AS_WRITTEN.fullmatch(row.slots[values[-1]].text):
        values.pop()
    if not row.positional:
        return min(ncols, len(values))
    return values[-1] + 1 if values else 0


def header_columns(line: str) -> list[tuple[int, int]]:
    """The (start, end) in its line of each value column's header cell: the cells after the first
    (信息内容) of a header line laid out in columns."""
    return [m.span() for m in COLUMN_CELL.finditer(line)][1:]


def place_by_columns(values: list[tuple[int, int, str]], columns: list[tuple[int, int]]) -> tuple[str, ...] | None:
    """Cells for ``values`` ((start, end, text) in their line) by the header cell each stands
    under (nearest centre), or None when two values fall under one header."""
    cells = [""] * len(columns)
    for start, end, text in values:
        centre = (start + end) / 2
        nearest = min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - centre))
        if cells[nearest]:
            return None
        cells[nearest] = text
    return tuple(cells)
