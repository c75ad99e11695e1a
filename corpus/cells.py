"""How each true value is written in its cell, with the mess of real reports.

A report draws one :class:`CellStyle`; :func:`write_cells` then turns the true
values into (truth, cell text) pairs.  The truth follows fields.md: a blank cell
is null, a dash is 0, signed changes keep their sign, money keeps its unit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from corpus.schema import (
    APPLICANT_COLUMNS,
    CHANGE_KEYS,
    MONEY_KEYS,
    Value,
    application_key,
)

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# (style, weight): how zeros are written in one table.
ZERO_STYLES = (("digit", 0.6), ("dash", 0.15), ("blank", 0.1), ("mixed", 0.15))
DASHES = ("-", "—", "/")
MIXED_ZERO = (("digit", 0.5), ("dash", 0.3), ("blank", 0.2))

# Padding around the number; "{}" is the number.  The nbsp ones are not GBK-safe.
PADDINGS: dict[str, tuple[str, ...]] = {
    "none": ("{}",),
    "ideographic": ("\u3000{}", "\u3000\u3000{}", "{}\u3000"),
    "nbsp": ("\xa0{}", "{}\xa0"),
    "mixed": ("{}", "\u3000{}", "{}\xa0", "\xa0{}"),
}
GBK_SAFE_PADDINGS = ("none", "ideographic")
PADDING_WEIGHTS = {"none": 0.5, "ideographic": 0.2, "nbsp": 0.15, "mixed": 0.15}

# (positive, negative) templates for 本年增/减.
CHANGE_STYLES: dict[str, tuple[str, str]] = {
    "plain": ("{}", "-{}"),
    "plus": ("+{}", "-{}"),
    "words": ("增加{}", "减少{}"),
    "short": ("增{}", "减{}"),
}

TABLE_PREFIXES = ("active", "applications", "review")


@dataclass(frozen=True)
class CellStyle:
    zero: dict[str, str]  # table prefix -> zero style
    dash: str
    padding: str
    fullwidth: float  # chance that one value cell uses full-width digits
    change: str
    money_in_cell: bool  # 5030元 in the cell rather than （元） in the header
    blank_text: str  # what an empty cell holds: "" or a lone nbsp
    zero_total_column: bool  # in blank style, the 总计 column still says 0


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights)[0]


def draw_cell_style(rng: random.Random, gbk: bool) -> CellStyle:
    """One report's writing habits; ``gbk`` keeps every character GBK-encodable."""
    base = _weighted(rng, ZERO_STYLES)
    zero = {prefix: base if rng.random() < 0.75 else _weighted(rng, ZERO_STYLES) for prefix in TABLE_PREFIXES}
    paddings = {k: w for k, w in PADDING_WEIGHTS.items() if not gbk or k in GBK_SAFE_PADDINGS}
    return CellStyle(
        zero=zero,
        dash=rng.choice(DASHES),
        padding=_weighted(rng, tuple(paddings.items())),
        fullwidth=0.25 if rng.random() < 0.12 else 0.0,
        change=rng.choice(tuple(CHANGE_STYLES)),
        money_in_cell=rng.random() < 0.6,
        blank_text="" if gbk or rng.random() < 0.6 else "\xa0",
        zero_total_column=rng.random() < 0.5,
    )


def format_number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def table_of(key: str) -> str:
    """active, applications or review (table 四 keys start with their block name)."""
    prefix = key.split(".", 1)[0]
    return prefix if prefix in TABLE_PREFIXES else "review"


def _zero_style(rng: random.Random, style: CellStyle, key: str) -> str:
    chosen = style.zero[table_of(key)]
    if chosen == "mixed":
        chosen = _weighted(rng, MIXED_ZERO)
    if chosen == "blank" and style.zero_total_column and key.endswith(".total"):
        return "digit"
    return chosen


def _write_zero(rng: random.Random, style: CellStyle, key: str) -> tuple[Value, str]:
    kind = _zero_style(rng, style, key)
    if kind == "blank":
        return None, style.blank_text
    return 0, style.dash if kind == "dash" else "0"


def _write_nonzero(rng: random.Random, style: CellStyle, key: str, value: int | float, unit: str | None) -> str:
    if key in CHANGE_KEYS:
        positive, negative = CHANGE_STYLES[style.change]
        return (positive if value > 0 else negative).format(abs(value))
    text = format_number(value)
    if key in MONEY_KEYS:
        return text + unit if style.money_in_cell and unit and key == "active.procurement.amount" else text
    if rng.random() < style.fullwidth:
        return text.translate(FULLWIDTH)
    return text


def write_cell(
    rng: random.Random, style: CellStyle, key: str, value: int | float, unit: str | None
) -> tuple[Value, str]:
    """The truth and the cell text for one value."""
    if value == 0:
        truth, text = _write_zero(rng, style, key)
    else:
        truth, text = value, _write_nonzero(rng, style, key, value, unit)
    if text.strip():
        text = rng.choice(PADDINGS[style.padding]).format(text)
    return truth, text


def write_cells(
    rng: random.Random,
    style: CellStyle,
    values: dict[str, int | float],
    units: dict[str, str],
    merged_zero_rows: tuple[str, ...],
) -> tuple[dict[str, Value], dict[str, str]]:
    """Truth values and cell texts for every key; merged zero rows are written "0"."""
    merged = {application_key(row, column) for row in merged_zero_rows for column, _ in APPLICANT_COLUMNS}
    truth: dict[str, Value] = {}
    cells: dict[str, str] = {}
    for key, value in values.items():
        if key in merged:
            truth[key], cells[key] = 0, "0"
        else:
            truth[key], cells[key] = write_cell(rng, style, key, value, units.get(key))
    return truth, cells


def zero_rows(values: dict[str, int | float], rows: tuple[str, ...]) -> tuple[str, ...]:
    """Rows of table 三 whose seven values are all zero (candidates for one merged cell)."""
    return tuple(
        row for row in rows if all(values[application_key(row, column)] == 0 for column, _ in APPLICANT_COLUMNS)
    )
