"""The table reader of plain text: the official templates walked through the text, whatever its layout.

Reports crawled from web pages arrive with their tables flattened by page-to-text converters:
pipe rows, one cell a line, cells between blank lines, tabs, or every cell concatenated with no
separator at all (``行政规范性文件6233440`` is 62 | 33 | 440).  This module finds the standard
tables (二, 三, 四, both formats) by their labels, wherever they are (with or without the
``二、``/``三、`` headings, mid-line, the whole report on one line), walks each table's template
(:mod:`extractor.loaders.flattened_templates`, built from the formats' definition in
:mod:`extractor.formats`) through the text, and for each row takes the text between its label
and the next label found:

* where the layout separates cells (pipes, tabs, line breaks), :mod:`extractor.loaders.row_cells`
  cuts it into cells; where empty cells leave no trace (one value a line), the values are
  placed where the row's sums allow and the row is marked guessed;
* where the values run together on the label's line, the digit run is split by enumerating
  every lexically valid split (:mod:`extractor.loaders.flattened_split`) and keeping those the
  table's arithmetic allows: table 三 total = the six applicant columns, table 四 each block's
  总计 = its four results, then, here, table 三's column relations (一+二 = 三+四, （七）总计 =
  the result rows); table 二 has no arithmetic, so its rows are ranked by what is usual and
  a row left ambiguous is marked guessed.

A row is found by its label (numbering, spaces and converter line breaks allowed), else with one
character miswritten, else (table 三) by the words that tell it apart; a row whose label a
converter lost is read from the numbers where its label should be.  A row the document ends in
keeps only the cells before the cut.  The result is one :class:`~extractor.document.Table` a standard
table, in the template's order, with the rows read by inference listed in ``guessed_rows``.

This module holds the public API (:func:`read_text_tables`, :func:`split_flattened`,
:func:`looks_flattened`, :func:`narrative_lines`), the scan, each row's choice of cells and the
paragraphs between the tables.  It is the only one of the reader's modules that warns; the
warning templates are the table :data:`WARNINGS` below.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from extractor.document import Block, Paragraph, Table
from extractor.fields.labels import APPLICATION_ROWS
from extractor.loaders.flattened_split import SplitBudgetExceeded, cell_number, enumerate_splits, rank_splits
from extractor.loaders.flattened_templates import (
    CJK_DIGITS,
    TABLE_KINDS,
    Balance,
    Header,
    Label,
    Row,
    SumRule,
    TableKind,
    Template,
    lab,
    label_regex,
    misspelt_label_regex,
)
from extractor.loaders.row_cells import (
    RowText,
    cells_before_the_cut,
    could_be_label,
    header_columns,
    is_number_cell,
    place_by_columns,
    read_row_text,
    row_end,
    row_values,
    rows_open_with_pipe,
)

__all__ = ["looks_flattened", "read_text_tables", "split_flattened"]

# --------------------------------------------------------------------------- warnings

# Every warning: Chinese first, then " / " and the English.  {table} is 二/三/四, {row} the
# row's label path, {run} its digit run, {chosen}/{split} a split shown as 62|33|440.
WARNINGS: dict[str, str] = {
    "table_not_found": "在表格被压平的文本中未找到表{table} / table {table} not found in the flattened text",
    "row_not_found": "表{table}：未找到“{row}”行 / table {table}: row {row} not found",
    "no_values": "表{table}“{row}”行：行名后没有数值 / table {table} row {row}: no values after the label",
    "too_many_splits": (
        "表{table}“{row}”行：数字串“{run}”的拆法过多，无法穷举，保留为一个原始单元格"
        " / table {table} row {row}: digits '{run}' allow too many splits to search; kept as one raw cell"
    ),
    "unsplittable": (
        "表{table}“{row}”行：数字串“{run}”无法拆成前后一致的 {ncols} 个数值，保留为一个原始单元格"
        " / table {table} row {row}: digits '{run}' cannot be split into {ncols} values consistently;"
        " kept as one raw cell"
    ),
    "breaks_sum": (
        "表{table}“{row}”行：数字串“{run}”只能拆成 {split}，与该行的合计关系不符"
        " / table {table} row {row}: '{run}' splits only as {split}, which breaks the row's sum"
    ),
    "unusual": (
        "表{table}“{row}”行：数字串“{run}”的各种拆法都不符合常见关系，仍按可信程度排序"
        " / table {table} row {row}: no split of '{run}' meets the usual relations; ranked anyway"
    ),
    "ambiguous": (
        "表{table}“{row}”行：数字串“{run}”有多种拆法（{count}种），取 {chosen}；其他候选：{others_zh}"
        " / table {table} row {row}: digits '{run}' split ambiguously ({count} candidates);"
        " chose {chosen}, other candidates: {others_en}"
    ),
}
# How the other candidates of an ambiguous row are listed: separator, and the tail past SHOWN_CANDIDATES.
OTHERS_SEPARATOR = {"zh": "；", "en": "; "}
OTHERS_MORE = {"zh": "；…另有 {more} 种", "en": "; … {more} more"}


def _warn(warnings: list[str], key: str, **fields: object) -> None:
    warnings.append(WARNINGS[key].format(**fields))


# Distances (characters) within which the next piece of a table must appear.
ANCHOR_TO_FIRST_ROW = 700
ROW_WINDOW = 400
HEADER_CELL_GAP = 30
MAX_JOINT_COMBINATIONS = 4096
SHOWN_CANDIDATES = 5

# --------------------------------------------------------------------------- digit runs

VALUE_RUN = re.compile(r"(?:[\d\-—－/+ \u3000\xa0]|\.(?=\d)|万?元)*")
SEPARATORS_IN_LABEL = re.compile(r"[\s|]+")
MAX_LABEL_TAIL = 30
ROW_HEADER = "信息内容"  # the first cell of each 第二十条 block's header row (table 二)
CELL_EDGE = " \t\n|\u3000\xa0"  # what separates a cell from its neighbours
LETTER = re.compile(r"[^\W\d_]")
VALUE_START = re.compile(r"\d|[—－/-]")  # a number or a dash: where a row without a label (四) starts
# A parenthetical after a row label (规范性文件（指…）, 部分公开（区分处理的…）), on its line.
LEAD_NOISE = re.compile(r"(?:[ \u3000\xa0]*[（(][^（()）\d\n|]{0,160}[)）])?")


def _text_after(segment: str, end: int | None) -> bool:
    """Words or numbers after a row's last cell: the row ended before the text did."""
    return bool(segment[end or 0 :].strip(CELL_EDGE))


def _ends_in_row(segment: str, has_cells: bool, end: int | None) -> bool:
    """The text, which ends with this row's text, ends inside the row: after some of its cells, or
    inside its label (the tail of a cut label, 部分公开（区分处理的，只计这一, on the label's line)."""
    if has_cells:
        return not _text_after(segment, end)
    return "\n" not in segment.rstrip(CELL_EDGE)


def _separated(segment: str, end: int | None) -> bool:
    """A separator follows the row's last cell: that cell is whole."""
    return end is not None and any(ch in "|\t\n" for ch in segment[end:])


ADDED_ROW_LABEL = re.compile(r"[\s|]*(?P<label>[^\d\s|（(]{2,30})(?:[（(][^（()）\n|]{0,160}[)）])?")


def _added_row(rest: str, ncols: int, lead_pipes: bool) -> tuple[str, ...] | None:
    """A row the format does not have, right after a row that it does (其他主动公开文件（含…） 0 0 0):
    its label and as many values as the row before it has, all written; else None."""
    match = ADDED_ROW_LABEL.match(rest)
    if match is None or not could_be_label(match.group("label")):
        return None
    laid_out = read_row_text(rest[match.end() :], lead_pipes=lead_pipes)
    cells, guessed = row_values(laid_out, ncols)
    return (match.group("label"), *cells) if not guessed and all(cells) else None


def _cells_start(text: str, begin: int, boundary: int, *, unlabelled: bool) -> int:
    """Where a row's cells start: past a parenthetical after its label, or, for a row without a
    label (table 四), at the start of the line holding its first digit."""
    if not unlabelled:
        return LEAD_NOISE.match(text, begin, boundary).end()
    found = VALUE_START.search(text, begin, min(boundary, begin + ANCHOR_TO_FIRST_ROW))
    if found is None:
        return boundary
    if not LETTER.search(text, begin, found.start()):
        return begin  # only separators since the header: empty cells may lead the row
    line_start = text.rfind("\n", begin, found.start()) + 1
    line_end = text.find("\n", found.start(), boundary)
    rest_of_line = text[found.end() : line_end if line_end >= 0 else boundary]
    if "|" in text[line_start : found.start()]:
        return max(begin, line_start)
    if rest_of_line.strip(" \t\u3000\xa0") or line_start <= begin:
        return found.start()  # a digit run, or values side by side on one line
    return line_start - 1  # one value a line: from the line break before the first


def _value_run(text: str, begin: int, boundary: int) -> tuple[str, int]:
    """The cell text right after a label: (run, end position). Stops at the first non-value char."""
    match = VALUE_RUN.match(text, begin, boundary)
    run, end = match.group(0), match.end()
    if end < len(text) and text[end] in "、.．" and re.search(r"\d$", run):
        run, end = run[:-1], end - 1  # "…0005、其他": the last digit numbers the next heading
    return run.strip(), end


# --------------------------------------------------------------------------- parsed rows


@dataclass
class ParsedRow:
    row: Row
    path: tuple[str, ...]
    run: str
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    chosen: tuple[str, ...] | None = None
    laid_out: tuple[str, ...] | None = None  # cells the layout's separators gave ('' empty), not a digit run
    guessed: bool = False  # the layout hid empty cells: which column a value is in was inferred

    @property
    def name(self) -> str:
        return "/".join(self.path) or self.row.key

    def cells(self) -> tuple[str, ...]:
        if self.chosen is not None:
            return (*self.path, *self.chosen)
        return (*self.path, self.run) if self.run else self.path


def _show(cells: Sequence[str]) -> str:
    return "|".join(cells)


def _show_many(candidates: Sequence[tuple[str, ...]], lang: str) -> str:
    shown = OTHERS_SEPARATOR[lang].join(_show(c) for c in candidates[:SHOWN_CANDIDATES])
    more = len(candidates) - SHOWN_CANDIDATES
    return shown + (OTHERS_MORE[lang].format(more=more) if more > 0 else "")


def _split_row(parsed: ParsedRow, table: str, warnings: list[str]) -> None:
    """Fill ``candidates`` (best first) and ``chosen``; warn when the run cannot be split."""
    if parsed.laid_out is not None:
        _place_laid_out(parsed)
        return
    row, tokens = parsed.row, parsed.run.split()
    where = {"table": table, "row": parsed.name, "run": parsed.run}
    if not tokens:
        _warn(warnings, "no_values", **where)
        return
    try:
        candidates = enumerate_splits(tokens, row.kinds, row.rules.sums)
        if not candidates and len(tokens) > 1:  # a space inside a number after all
            candidates = enumerate_splits(["".join(tokens)], row.kinds, row.rules.sums)
    except SplitBudgetExceeded:
        _warn(warnings, "too_many_splits", **where)
        return
    if not candidates:
        _split_without_arithmetic(parsed, tokens, where, warnings)
        return
    candidates, any_usual = rank_splits(candidates, row.rules)
    if not any_usual:
        _warn(warnings, "unusual", **where)
    parsed.candidates, parsed.chosen = candidates, candidates[0]


def _place_laid_out(parsed: ParsedRow) -> None:
    """Cells the separators gave: as they are, or, when empty cells were hidden, every placement the sums allow."""
    cells = parsed.laid_out or ()
    if not parsed.guessed or not parsed.row.rules.sums or len(cells) < len(parsed.row.kinds):  # cut rows stay
        parsed.candidates, parsed.chosen = [cells], cells
        return
    values = [c for c in cells if c]
    placements = list(_placements(values, len(cells), parsed.row.rules.sums)) or [cells]
    parsed.candidates, parsed.chosen = placements, placements[0]
    parsed.guessed = len(placements) > 1


def _placements(values: Sequence[str], ncols: int, sums: Sequence[SumRule]) -> Iterator[tuple[str, ...]]:
    """Order-keeping placements of ``values`` in ``ncols`` columns that keep every sum, earliest columns first.

    A row whose last value equals the sum of the others puts it in the total column first.
    """
    for positions in itertools.combinations(range(ncols), len(values)):
        cells = [""] * ncols
        for position, value in zip(positions, values, strict=True):
            cells[position] = value
        numbers = [_number_or_zero(c) for c in cells]
        if all(abs(numbers[r.total] - sum(numbers[p] for p in r.parts)) < 1e-9 for r in sums):
            yield tuple(cells)


def _number_or_zero(cell: str) -> float:
    """A cell's number for the column relations: empty or text counts as 0."""
    try:
        return cell_number(cell) if cell else 0.0
    except ValueError:
        return 0.0


def _split_without_arithmetic(parsed: ParsedRow, tokens: list[str], where: dict[str, str], warnings: list[str]) -> None:
    try:
        lexical = enumerate_splits(tokens, parsed.row.kinds, limit=2)
    except SplitBudgetExceeded:
        lexical = []
    if len(lexical) == 1:
        parsed.candidates, parsed.chosen = lexical, lexical[0]
        _warn(warnings, "breaks_sum", split=_show(lexical[0]), **where)
    else:
        _warn(warnings, "unsplittable", ncols=len(parsed.row.kinds), **where)


def _warn_ambiguous(parsed: ParsedRow, table: str, options: Sequence[tuple[str, ...]], warnings: list[str]) -> None:
    parsed.guessed = True
    chosen = parsed.chosen or options[0]
    others = [c for c in options if c != chosen]
    _warn(
        warnings,
        "ambiguous",
        table=table,
        row=parsed.name,
        run=parsed.run,
        count=len(options),
        chosen=_show(chosen),
        others_zh=_show_many(others, "zh"),
        others_en=_show_many(others, "en"),
    )


# --------------------------------------------------------------------------- column relations (table 三)


def _balance_score(chosen: dict[str, tuple[float, ...]], balances: Sequence[Balance]) -> int:
    """How many per-column equations of the balances hold (rows missing → equation skipped)."""
    score = 0
    for balance in balances:
        keys = (*balance.left, *balance.right)
        if not all(k in chosen for k in keys):
            continue
        width = len(chosen[keys[0]])
        for col in range(width):
            left = sum(chosen[k][col] for k in balance.left)
            right = sum(chosen[k][col] for k in balance.right)
            score += abs(left - right) < 1e-9
    return score


def _resolve_jointly(rows: list[ParsedRow], balances: Sequence[Balance], table: str, warnings: list[str]) -> None:
    """Choose among the row splits the one combination that best keeps the column relations."""
    open_rows = [p for p in rows if len(p.candidates) > 1]
    if not open_rows:
        return
    fixed = {p.row.key: tuple(map(_number_or_zero, p.chosen)) for p in rows if p.chosen and len(p.candidates) == 1}

    def score(combo: Sequence[tuple[str, ...]]) -> int:
        chosen = dict(fixed)
        chosen.update({p.row.key: tuple(map(_number_or_zero, c)) for p, c in zip(open_rows, combo, strict=True)})
        return _balance_score(chosen, balances)

    if math.prod(len(p.candidates) for p in open_rows) <= MAX_JOINT_COMBINATIONS:
        combos = list(itertools.product(*(p.candidates for p in open_rows)))
    else:
        combos = [_greedy_combo(open_rows, score)]
    scores = [score(c) for c in combos]
    best = [c for c, s in zip(combos, scores, strict=True) if s == max(scores)]
    for i, parsed in enumerate(open_rows):
        parsed.chosen = best[0][i]
        options = list(dict.fromkeys(c[i] for c in best))
        if len(options) > 1:
            _warn_ambiguous(parsed, table, options, warnings)


def _greedy_combo(
    open_rows: list[ParsedRow], score: Callable[[Sequence[tuple[str, ...]]], int]
) -> tuple[tuple[str, ...], ...]:
    combo = [p.candidates[0] for p in open_rows]
    for i, parsed in enumerate(open_rows):
        combo[i] = max(parsed.candidates, key=lambda c: score([*combo[:i], c, *combo[i + 1 :]]))
    return tuple(combo)


# --------------------------------------------------------------------------- locating a table


def _search(label: Label, text: str, start: int, stop: int) -> re.Match[str] | None:
    return label_regex(label).search(text, start, max(start, stop))


def _search_misspelt(label: Label, text: str, start: int, stop: int) -> re.Match[str] | None:
    """A long row label with one character miswritten (行政事业型收费), where the exact one is absent."""
    pattern = misspelt_label_regex(label)
    return pattern.search(text, start, max(start, stop)) if pattern else None


@functools.cache
def _core_patterns() -> dict[str, re.Pattern[str]]:
    """Table 三's rows by the words that tell them apart (上年结转, 不掌握, 大量反复申请), as the
    mapping of grid tables knows them, followed by the rest of the label up to its first
    separator or digit: a row label worded short of the format's (上年结转政府信息公开数量)."""
    return {
        label.key: re.compile(rf"{label.pattern.pattern}[^\d|\t\n]{{0,{MAX_LABEL_TAIL}}}")
        for label in APPLICATION_ROWS
        if not label.pattern.pattern.startswith("^") and not label.pattern.pattern.endswith("$")
    }


def _search_core(key: str, text: str, start: int, stop: int) -> re.Match[str] | None:
    pattern = _core_patterns().get(key)
    return pattern.search(text, start, max(start, stop)) if pattern else None


def _find_header(
    text: str, header: Header, start: int, stop: int
) -> tuple[tuple[int, int, tuple[str, ...]], bool] | None:
    """(start, end, cell texts) of a header row whose cells follow one another closely, and whether
    it is surely a header (other cells follow it, or it stands between separators).

    None when its first cell is absent.  A cell found in the text is given as
    written there (whitespace removed, so ``社会公益 组织`` → ``社会公益组织`` and a
    unit such as ``（单位：万元）`` is kept); a cell not found is given as in the template.
    """
    # Not a header cell: words inside a sentence (主动公开的政务信息内容。) that no other cell of
    # the header follows.  A cell standing between separators is one even when the next cell is
    # worded otherwise (本年处理绝对数量).  Failing both, the first match.
    first_read = None
    for match in label_regex(header.cells[0]).finditer(text, start, max(start, stop)):
        read, others_found = _header_from(text, header, match, stop)
        if others_found or len(header.cells) == 1 or _stands_alone(text, match):
            return read, True
        first_read = first_read or read
    return (first_read, False) if first_read else None


def _stands_alone(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1] if match.start() else "\n"
    after = text[match.end()] if match.end() < len(text) else "\n"
    return before in CELL_EDGE and after in CELL_EDGE


def _header_from(
    text: str, header: Header, first: re.Match[str], stop: int
) -> tuple[tuple[int, int, tuple[str, ...]], int]:
    """The header read from its first cell's match, and how many of its other cells were found."""
    end, texts, found_cells = first.end(), [first.group(0)], 0
    for cell in header.cells[1:]:
        found = _search(cell, text, end, min(stop, end + HEADER_CELL_GAP))
        texts.append(found.group(0) if found else cell.text)
        end = found.end() if found else end
        found_cells += found is not None
    return (first.start(), end, tuple(re.sub(r"\s+", "", t) for t in texts)), found_cells


# A table is found by an anchor followed closely by one of its first rows (a converter may
# lose one row's label: an empty cell where 规章 should be).
FIRST_ROWS_LOOKED_FOR = 3


def _first_row_labels(kind: TableKind) -> tuple[Label, ...]:
    labels = (r.label for _, t in kind.variants for r in t.rows[:FIRST_ROWS_LOOKED_FOR] if r.label)
    return tuple(dict.fromkeys(labels))


def _all_row_labels(kind: TableKind) -> tuple[Label, ...]:
    return tuple(dict.fromkeys(r.label for _, t in kind.variants for r in t.rows if r.label))


def _locate(text: str, kind: TableKind, start: int) -> int | None:
    """Start of the table: the first anchor (in the kind's order) that one of the table's first rows
    (any row, after a block anchor) follows closely."""
    tries = [(anchor, _first_row_labels(kind)) for anchor in kind.anchors]
    tries += [(anchor, _all_row_labels(kind)) for anchor in kind.block_anchors]
    return next((at for anchor, rows in tries if (at := _anchor_followed(text, anchor, rows, start)) is not None), None)


def _anchor_followed(text: str, anchor: Label, rows: tuple[Label, ...], start: int) -> int | None:
    for match in label_regex(anchor).finditer(text, start):
        window = match.end() + ANCHOR_TO_FIRST_ROW
        if not rows or any(_search(label, text, match.start(), window) for label in rows):
            return match.start()
    return None


def _choose_variant(text: str, kind: TableKind, start: int, stop: int) -> Template:
    """The format whose signature words the table (then the whole text) holds most, read without the
    spaces and pipes a converter puts inside a header cell (本年制发 件数)."""
    table, whole = _squeezed(text[start:stop]), _squeezed(text)

    def score(template: Template) -> tuple[int, int]:
        local = sum(bool(re.search(s, table)) for s in template.signature)
        return local, sum(bool(re.search(s, whole)) for s in template.signature)

    return max((t for _, t in kind.variants), key=score)


def _squeezed(text: str) -> str:
    return SEPARATORS_IN_LABEL.sub("", text)


# --------------------------------------------------------------------------- table 二, block by block

BLOCK_HEADING = "第二十条"
# A column header as reports shorten it: 本年处理决定数量 is also written 处理决定数量.
OPTIONAL_HEADER_PREFIX = "本年"

TemplateBlock = tuple[Header | Row, ...]


def _blocks(template: Template) -> dict[str, TemplateBlock]:
    """Table 二's items by 第二十条 block: its heading's text → the heading, its header, its rows."""
    blocks: dict[str, list[Header | Row]] = {}
    heading = ""
    for item in template.items:
        if isinstance(item, Header) and item.cells[0].text.startswith(BLOCK_HEADING):
            heading = item.cells[0].text
        blocks.setdefault(heading, []).append(item)
    return {h: tuple(items) for h, items in blocks.items()}


def _column_words(block: TemplateBlock) -> list[str]:
    """The block's value-column headers, squeezed (its 第二十条 heading and 信息内容 left out)."""
    headers = [h for h in block if isinstance(h, Header) and not h.cells[0].text.startswith(BLOCK_HEADING)]
    return [_squeezed(c.words[0]) for h in headers for c in h.cells[1:]]


def _written(word: str, text: str) -> bool:
    return word in text or word.removeprefix(OPTIONAL_HEADER_PREFIX) in text


def _header_fit(block: TemplateBlock, others: list[TemplateBlock], written: str) -> tuple[int, int]:
    """How well a block's columns fit the text: its headers written there that no other format's
    block has (上一年项目数量), then fewer of its headers missing."""
    theirs = {w.removeprefix(OPTIONAL_HEADER_PREFIX) for other in others for w in _column_words(other)}
    words = _column_words(block)
    distinctive = sum(_written(w, written) for w in words if w.removeprefix(OPTIONAL_HEADER_PREFIX) not in theirs)
    return distinctive, -sum(not _written(w, written) for w in words)


def _blocks_as_written(text: str, kind: TableKind, chosen: Template, start: int, stop: int) -> Template:
    """Table 二 with each 第二十条 block in the format whose column headers that block writes.

    Some bodies mix the formats: 2019 columns in block （一） and the 2021 single 处理决定数量
    column in blocks （五）（六）, or the reverse; each block is read with the columns it shows.
    """
    variants = [_blocks(t) for _, t in kind.variants]
    headings = list(dict.fromkeys(h for blocks in variants for h in blocks if h))
    headings.sort(key=lambda h: min(i for blocks in variants for i, k in enumerate(blocks) if k == h))
    found = {h: m.start() for h in headings if (m := _search(lab(h), text, start, stop))}
    order = sorted(found.values())
    chosen_blocks = _blocks(chosen)
    items: list[Header | Row] = list(chosen_blocks.get("", ()))
    for heading in headings:
        own = chosen_blocks.get(heading)
        if heading not in found:
            items += own or ()
            continue
        after = [p for p in order if p > found[heading]]
        written = _squeezed(text[found[heading] : after[0] if after else stop])
        options = [blocks[heading] for blocks in variants if heading in blocks]
        items += max(options, key=lambda b: (*_header_fit(b, [o for o in options if o != b], written), b == own))
    return chosen if items == list(chosen.items) else Template(chosen.name, tuple(items), chosen.signature)


@dataclass
class _Scan:
    """Walks a table's template through the text, closing each row's run at the next marker."""

    text: str
    table: str
    stop: int
    warnings: list[str]
    cursor: int
    end: int
    rows: list[ParsedRow] = field(default_factory=list)
    seen_parents: set[Label] = field(default_factory=set)
    pending: tuple[Row, tuple[str, ...], int] | None = None
    header_texts: dict[Header, tuple[str, ...]] = field(default_factory=dict)
    lead_pipes: bool = True  # the table's rows open with a pipe
    unlabelled: list[Row] = field(default_factory=list)  # rows not found since the last one found
    extra_rows: list[tuple[str, ...]] = field(default_factory=list)  # rows the format does not have
    # Where the first row or sure header was found: the table starts there, not at its anchor,
    # when the anchor's words stand in a sentence before it (主动公开的政务信息内容。…).
    first: int | None = None

    def _found_at(self, position: int) -> None:
        if self.first is None:
            self.first = position

    def _under_headers(self, laid_out: RowText, begin: int, ncols: int) -> tuple[str, ...] | None:
        """A row laid out in columns with empty cells left blank: each value in the column whose
        header it stands under (the block's 信息内容 line above)."""
        header = self.text.rfind(ROW_HEADER, self.cursor - ROW_WINDOW if self.cursor > ROW_WINDOW else 0, begin)
        if header < 0:
            return None
        line_start = self.text.rfind("\n", 0, header) + 1
        columns = header_columns(self.text[line_start : self.text.find("\n", header)])
        if len(columns) != ncols:
            return None
        values = []
        for slot in laid_out.slots:
            if slot.text:
                at = begin + slot.end - len(slot.text)
                column = at - (self.text.rfind("\n", 0, at) + 1)
                values.append((column, column + len(slot.text), slot.text))
        return place_by_columns(values, columns)

    def _read_unlabelled(self, boundary: int) -> None:
        """One row not found by its label, and only numbers before the next row found: the template's
        row there, its label lost by the converter (an empty cell where 规章 should be); marked guessed.
        Words there (a row the format does not have, 其他主动公开文件) leave the row out."""
        missing, self.unlabelled = self.unlabelled, []
        if len(missing) != 1:
            return
        laid_out = read_row_text(self.text[self.end : boundary], lead_pipes=self.lead_pipes)
        if laid_out.inline:
            return
        cells, _ = row_values(laid_out, len(missing[0].kinds))
        only_numbers = all(is_number_cell(s.text) or not s.text for s in laid_out.slots)
        if only_numbers and any(is_number_cell(c) for c in cells):
            path = tuple(p.text for p in missing[0].parents if p in self.seen_parents) + (missing[0].label.text,)
            self.rows.append(ParsedRow(missing[0], path, " ".join(cells), laid_out=cells, guessed=True))

    def close(self, boundary: int) -> None:
        if self.pending is None:
            return
        row, path, begin = self.pending
        self.pending = None
        begin = _cells_start(self.text, begin, boundary, unlabelled=row.label is None)
        segment = self.text[begin:boundary]
        laid_out = read_row_text(segment, lead_pipes=self.lead_pipes)
        if not laid_out.inline:
            if not laid_out.slots:  # blank cells a converter dropped: the keys stay, as null
                _warn(self.warnings, "no_values", table=self.table, row="/".join(path) or row.key, run="")
            cells, guessed = row_values(laid_out, len(row.kinds))
            if guessed and laid_out.columns:
                cells = self._under_headers(laid_out, begin, len(row.kinds)) or cells
            end = row_end(laid_out, len(row.kinds))
            if boundary >= len(self.text) and _ends_in_row(segment, laid_out.slots != (), end):
                # The document ends in this row: the cells before the cut, less a last number that
                # no separator follows (12 may have been cut to 1); a bare label gives no row.
                shown = cells_before_the_cut(laid_out, len(row.kinds), last_complete=_separated(segment, end))
                cells = cells[:shown]
                if not cells:
                    return
            run = " ".join(c for c in cells if c)
            self.rows.append(ParsedRow(row, path, run, laid_out=cells, guessed=guessed))
            self.end = max(self.end, begin + end if end is not None else begin)
            if end is not None and (added := _added_row(segment[end:], len(row.kinds), self.lead_pipes)):
                self.extra_rows.append(added)
            return
        run, run_end = _value_run(self.text, begin, boundary)
        self.rows.append(ParsedRow(row, path, run))
        self.end = max(self.end, run_end)

    def header(self, header: Header) -> None:
        located = _find_header(self.text, header, self.cursor, min(self.stop, self.cursor + ROW_WINDOW))
        if located:
            found, sure = located
            if sure:
                self._found_at(found[0])
            self.close(found[0])
            self.cursor = self.end = max(self.end, found[1])
            self.header_texts[header] = found[2]

    def row(self, row: Row) -> None:
        if row.label is None:
            self.close(self.cursor)
            self.pending = (row, (), self.cursor)
            return
        window = min(self.stop, self.cursor + ROW_WINDOW)
        leaf = _search(row.label, self.text, self.cursor, window)
        leaf = leaf or _search_misspelt(row.label, self.text, self.cursor, window)
        leaf = leaf or _search_core(row.key if self.table == "三" else "", self.text, self.cursor, window)
        if leaf is None:
            _warn(self.warnings, "row_not_found", table=self.table, row=row.label.text)
            self.unlabelled.append(row)
            return
        boundary = leaf.start()
        for parent in row.parents:
            if parent not in self.seen_parents and (found := _search(parent, self.text, self.cursor, leaf.start())):
                self.seen_parents.add(parent)
                boundary = min(boundary, found.start())
        self._found_at(boundary)
        self.close(boundary)
        self._read_unlabelled(boundary)
        path = tuple(p.text for p in row.parents if p in self.seen_parents) + (row.label.text,)
        self.pending = (row, path, leaf.end())
        self.cursor = self.end = max(self.end, leaf.end())


def _scan_table(text: str, template: Template, start: int, stop: int, warnings: list[str]) -> _Scan:
    lead_pipes = rows_open_with_pipe(text[text.rfind("\n", 0, start) + 1 : stop])
    scan = _Scan(text, template.name, stop, warnings, cursor=start, end=start, lead_pipes=lead_pipes)
    for item in template.items:
        if isinstance(item, Header):
            scan.header(item)
        else:
            scan.row(item)
    scan.close(stop)
    return scan


def _table(template: Template, scan: _Scan) -> Table:
    """The table as a grid in the template's order; rows whose columns were inferred are marked guessed."""
    by_key = {p.row.key: p for p in scan.rows}
    rows: list[tuple[str, ...]] = []
    guessed: list[int] = []
    counts: list[int] = []
    for item in template.items:
        if isinstance(item, Header):
            rows.append(scan.header_texts.get(item, tuple(c.text for c in item.cells)))
            counts.append(0)
        elif item.key in by_key:
            parsed = by_key[item.key]
            if parsed.guessed:
                guessed.append(len(rows))
            rows.append(parsed.cells())
            counts.append(len(parsed.chosen) if parsed.chosen is not None and parsed.laid_out is not None else -1)
    known = tuple(counts) if -1 not in counts else ()
    extra = tuple(scan.extra_rows)
    return Table(rows=tuple(rows), aligned=False, guessed_rows=tuple(guessed), value_counts=known, extra_rows=extra)


def _read_table(
    text: str, kind: TableKind, start: int, stop: int, warnings: list[str]
) -> tuple[Table, int, int] | None:
    """The table, and the span it was read from (from its first row or sure header)."""
    template = _choose_variant(text, kind, start, stop)
    if kind.name == "二":
        template = _blocks_as_written(text, kind, template, start, stop)
    local: list[str] = []
    scan = _scan_table(text, template, start, stop, local)
    if not scan.rows:
        return None
    for parsed in scan.rows:
        _split_row(parsed, template.name, local)
    if template.balances:
        _resolve_jointly(scan.rows, template.balances, template.name, local)
    else:
        for parsed in scan.rows:
            if len(parsed.candidates) > 1:
                _warn_ambiguous(parsed, template.name, parsed.candidates, local)
    warnings.extend(local)
    first = scan.first if scan.first is not None else start
    return _table(template, scan), first, scan.end


class FoundTable(NamedTuple):
    start: int
    end: int
    kind: str
    table: Table


def _anchors(text: str) -> list[tuple[TableKind, int]]:
    """Where each standard table starts, in order (a kind whose anchor is not found is left out)."""
    anchors: list[tuple[TableKind, int]] = []
    cursor = 0
    for kind in TABLE_KINDS:
        start = _locate(text, kind, cursor)
        if start is not None:
            anchors.append((kind, start))
            cursor = start + 1
    return anchors


def _find_tables(text: str, anchors: list[tuple[TableKind, int]], warnings: list[str]) -> list[FoundTable]:
    """Each standard table read from its anchor, in order, with the span of text it replaces."""
    found: list[FoundTable] = []
    for i, (kind, start) in enumerate(anchors):
        stop = anchors[i + 1][1] if i + 1 < len(anchors) else len(text)
        start = max(start, found[-1].end if found else 0)
        read = _read_table(text, kind, start, stop, warnings)
        if read is not None:
            table, first, end = read
            found.append(FoundTable(first, end, kind.name, table))
    return found


# --------------------------------------------------------------------------- narrative

TOP_TITLES = (
    r"总体情况",
    r"主动公开政府信息情况",
    r"收到和处理政府信息公开申请情况",
    r"依申请公开(?:政府信息)?情况",
    r"(?:因政府信息公开(?:申请)?)?(?:提起)?行政法?复议[、和及与]?(?:提起)?行政诉讼的?情况",
    r"存在的主要问题及改进情况",
    r"其他需要报告的事项",
)
KNOWN_HEADING = re.compile(rf"[{CJK_DIGITS}]{{1,3}}\s*、\s*(?:政府信息公开(?:工作)?)?(?:{'|'.join(TOP_TITLES)})")
MARKER = re.compile(
    rf"(?:^|(?<=[。；;！!？?：:\s]))"
    rf"(?:[{CJK_DIGITS}]{{1,3}}、|[（(][{CJK_DIGITS}]{{1,3}}[)）]|[（(]\d{{1,2}}[)）]|\d{{1,2}}[.．、](?!\d))"
)
HEADING_END = re.compile(r"[。：:]|\s|方面(?![。：:\s，,、的])")  # "（一）主动公开方面平潭…": 方面 ends it
MAX_HEADING_CHARS = 30


def _heading_split(piece: str) -> list[str]:
    """A piece starting at a heading marker → [heading, body] when the heading's end is visible."""
    known = KNOWN_HEADING.match(piece)
    if known:
        return [piece[: known.end()], piece[known.end() :]]
    marker = MARKER.match(piece)
    if marker is None or piece[0].isdigit():
        # "1.加强用权信息公开（1）…": an arabic item's heading rarely ends visibly, and a short
        # stand-alone "1.…" paragraph would pass for a misnumbered top-level heading.
        return [piece]
    end = HEADING_END.search(piece, marker.end(), marker.end() + MAX_HEADING_CHARS)
    if end is None or end.start() == marker.end():
        return [piece]
    cut = end.end() if not end.group(0).isspace() else end.start()
    return [piece[:cut], piece[cut:]]


def split_narrative(text: str) -> list[Paragraph]:
    """Cut running text into paragraphs at section headings and numbered items."""
    known = [m.span() for m in KNOWN_HEADING.finditer(text)]
    starts = {pos for span in known for pos in span} | {m.start() for m in MARKER.finditer(text)}
    bounds = sorted({0, *starts, len(text)})
    pieces = (text[a:b] for a, b in itertools.pairwise(bounds))
    return [Paragraph(part.strip()) for piece in pieces for part in _heading_split(piece) if part.strip()]


# --------------------------------------------------------------------------- public API


def narrative_lines(text: str) -> list[Block]:
    """The text between tables, line by line, each line cut at its headings and numbered items."""
    return [p for line in text.splitlines() for p in split_narrative(line)]


class TextRead(NamedTuple):
    blocks: list[Block]
    warnings: list[str]
    located: bool  # some standard table's anchor is followed closely by its first rows


def read_text_tables(text: str, read_gap: Callable[[str], list[Block]] = narrative_lines) -> TextRead:
    """Blocks in reading order (a Table for each standard table, the text between by ``read_gap``),
    the reader's warnings, and whether any standard table was located at all."""
    anchors = _anchors(text)
    warnings: list[str] = []
    blocks: list[Block] = []
    cursor = 0
    found_tables = _find_tables(text, anchors, warnings)
    for found in found_tables:
        blocks.extend(read_gap(text[cursor : found.start]))
        blocks.append(found.table)
        cursor = found.end
    blocks.extend(read_gap(text[cursor:]))
    kinds_found = {found.kind for found in found_tables}
    for kind in TABLE_KINDS:
        if kind.name not in kinds_found:
            _warn(warnings, "table_not_found", table=kind.name)
    return TextRead(blocks, warnings, located=bool(anchors))


def split_flattened(
    text: str, read_gap: Callable[[str], list[Block]] = narrative_lines
) -> tuple[list[Block], list[str]]:
    """Blocks in reading order, and warnings: a Table for each standard table, the text between by ``read_gap``."""
    read = read_text_tables(text, read_gap)
    return read.blocks, read.warnings


TAB_CELL_LINE = re.compile(r"^[^\n]*\t[^\n]*\d", re.MULTILINE)
MIN_EVIDENCE = 3  # flattened rows needed before a text counts as flattened
TAB_TABLE_LINES = 2  # lines with a tab and a digit that mean the tables kept their cells


@functools.cache
def _evidence_patterns() -> tuple[tuple[re.Pattern[str], int], ...]:
    """For each labelled multi-column row: label followed (on the same line) by a run of digits."""
    rows = {r.label: len(r.kinds) for k in TABLE_KINDS for _, t in k.variants for r in t.rows if r.label}
    return tuple(
        (re.compile(label_regex(label).pattern + r"[ \u3000]*(\d[\d \u3000\-.]*)"), ncols)
        for label, ncols in rows.items()
        if ncols > 1
    )


def looks_flattened(text: str) -> bool:
    """True when standard row labels are followed by runs of concatenated digits and no tab cells are seen.

    Evidence is a label followed on its line by fewer whitespace-separated pieces
    than the row has columns while holding at least that many digits (e.g.
    ``申请数量21710000218``); a row written ``217 1 0 0 0 0 218`` is not evidence.
    """
    if len(TAB_CELL_LINE.findall(text)) >= TAB_TABLE_LINES:
        return False
    evidence: set[int] = set()  # where flattened runs start (two labels may share one)
    for pattern, ncols in _evidence_patterns():
        for match in pattern.finditer(text):
            run = match.group(1)
            if len(run.split()) < ncols <= sum(ch.isdigit() for ch in run):
                evidence.add(match.start(1))
                if len(evidence) >= MIN_EVIDENCE:
                    return True
    return False
