"""Enumerating and ranking the splits of one flattened digit run into table cells.

Used by :mod:`extractor.loaders.flattened`.  :func:`enumerate_splits` lists every
lexically valid split of a run (no leading zeros, a ``-`` starts a negative
number, a decimal point stays inside its number, whitespace is always a cell
boundary) that keeps the row's sum rules; :func:`rank_splits` orders them by
what is usual for the row (:func:`plausibility_cost`).  Nothing here warns:
the caller decides what to report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from extractor.loaders.flattened_templates import DASH, LEXEME, MAX_LEXEME, Floor, Kind, Order, RowRules, SumRule

MAX_CANDIDATES = 5000
MAX_SEARCH_STEPS = 50_000

DASH_CELL = re.compile(DASH)


def cell_number(cell: str) -> float:
    """The value of one cell: a dash means 0, a 元 / 万元 unit is dropped."""
    if cell.isdigit():
        return float(cell)
    if DASH_CELL.fullmatch(cell):
        return 0.0
    return float(cell.removesuffix("元").removesuffix("万"))


def _lexeme_ends(token: str, pos: int, kind: Kind, max_len: int) -> Iterator[int]:
    stop = min(len(token), pos + max_len)
    if kind is Kind.INT and token[pos].isdigit():  # fast path: "0", or digits without a leading zero
        end = pos + 1
        while end <= stop and token[end - 1].isdigit():
            yield end
            if token[pos] == "0":
                return
            end += 1
        return
    pattern = LEXEME[kind]
    for end in range(pos + 1, stop + 1):
        sign_of_next = token[pos:end] == "-" and token[end : end + 1].isdigit()
        if pattern.fullmatch(token, pos, end) and not sign_of_next:
            yield end


def _suffix_starts(token: str, kind: Kind) -> Iterator[int]:
    """Where a lexeme that ends the token may start (longest first); never right after a sign."""
    for start in range(max(0, len(token) - MAX_LEXEME[kind]), len(token)):
        if LEXEME[kind].fullmatch(token, start) and token[start - 1 : start] != "-":
            yield start


class SplitBudgetExceeded(Exception):
    """The digit run allows too many splits to search (not a real table cell run)."""


@dataclass
class _Splitter:
    """Depth-first search over splits of ``tokens`` into one lexeme per column of ``kinds``.

    ``known`` holds columns fixed in advance (the last one, cut off the end of
    the run first), so a sum rule whose total is known bounds its parts while
    they are filled: the partial sum never exceeds the total and no part has
    more digits than the total.  Sum rules are for non-negative (INT) columns.
    """

    tokens: Sequence[str]
    kinds: Sequence[Kind]
    sums: Sequence[SumRule]
    known: dict[int, float]
    limit: int
    budget: list[int]  # shared countdown of search steps
    out: list[tuple[str, ...]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    nums: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        ncols = len(self.kinds)
        self.rules_at = [[r for r in self.sums if c == r.total or c in r.parts] for c in range(ncols)]
        self.max_len = [self._column_max_len(c) for c in range(ncols)]
        self.max_chars_from = [sum(self.max_len[c:]) for c in range(ncols + 1)]
        self.chars_from = [sum(len(t) for t in self.tokens[i:]) for i in range(len(self.tokens) + 1)]

    def run(self) -> list[tuple[str, ...]]:
        self._walk(0, 0)
        return self.out

    def _column_max_len(self, col: int) -> int:
        limit = MAX_LEXEME[self.kinds[col]]
        for rule in self.sums:
            if col in rule.parts and rule.total in self.known:
                limit = min(limit, len(str(int(self.known[rule.total]))))
        return limit

    def _rules_ok(self, col: int) -> bool:
        nums, known, filled_cols = self.nums, self.known, len(self.nums)
        for rule in self.rules_at[col]:
            total = nums[rule.total] if rule.total < filled_cols else known.get(rule.total)
            if total is None:
                continue
            partial, complete = 0.0, True
            for p in rule.parts:
                if p < filled_cols:
                    partial += nums[p]
                elif p in known:
                    partial += known[p]
                else:
                    complete = False
            if partial > total + 1e-9 or (complete and abs(total - partial) > 1e-9):
                return False
        return True

    def _fits(self, ti: int, pos: int) -> bool:
        col = len(self.cells)
        cols_left = len(self.kinds) - col
        chars_left = len(self.tokens[ti]) - pos + self.chars_from[ti + 1]
        return len(self.tokens) - ti <= cols_left <= chars_left <= self.max_chars_from[col]

    def _walk(self, ti: int, pos: int) -> None:
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise SplitBudgetExceeded
        if len(self.out) >= self.limit:
            return
        if ti == len(self.tokens):
            if len(self.cells) == len(self.kinds):
                self.out.append(tuple(self.cells))
            return
        if pos == len(self.tokens[ti]):
            self._walk(ti + 1, 0)
            return
        if not self._fits(ti, pos):
            return
        col, token = len(self.cells), self.tokens[ti]
        for end in _lexeme_ends(token, pos, self.kinds[col], self.max_len[col]):
            self.cells.append(token[pos:end])
            self.nums.append(cell_number(self.cells[-1]))
            if self._rules_ok(col):
                self._walk(ti, end)
            self.cells.pop()
            self.nums.pop()


def enumerate_splits(
    tokens: Sequence[str],
    kinds: Sequence[Kind],
    sums: Sequence[SumRule] = (),
    limit: int = MAX_CANDIDATES,
    budget: int = MAX_SEARCH_STEPS,
) -> list[tuple[str, ...]]:
    """Every split of ``tokens`` into one lexeme per column that keeps the sum rules.

    A token (whitespace-separated piece) is never joined to its neighbour.  The
    last column is cut off the end of the run first, each possible way in turn,
    then the other columns are searched with that value known.  Raises
    :class:`SplitBudgetExceeded` when the search takes more than ``budget`` steps.
    """
    tokens = [t for t in tokens if t]
    if not tokens or not kinds:
        return []
    last_col, last = len(kinds) - 1, tokens[-1]
    steps = [budget]
    out: list[tuple[str, ...]] = []
    for start in _suffix_starts(last, kinds[-1]):
        head = [*tokens[:-1], last[:start]] if start else tokens[:-1]
        if bool(head) != bool(last_col):
            continue
        tail = last[start:]
        splitter = _Splitter(head, kinds[:-1], sums, {last_col: cell_number(tail)}, limit - len(out), steps)
        out.extend((*cells, tail) for cells in splitter.run())
    return out


def _usual(values: Sequence[float], rule: Order | Floor) -> bool:
    if isinstance(rule, Order):
        return values[rule.low] <= values[rule.high]
    return values[rule.change] >= -values[rule.base]


def _magnitude(value: float) -> float:
    return math.log10(abs(value) + 1)


def _digits(cell: str) -> int:
    return len(re.sub(r"\D", "", cell.split(".")[0])) or 1


def plausibility_cost(cells: Sequence[str], rules: RowRules) -> float:
    """Lower is more usual: expected magnitude ratios, small changes, similar digit counts."""
    values = [cell_number(c) for c in cells]
    cost = sum(r.weight * abs(_magnitude(values[r.j]) - _magnitude(values[r.i]) - r.log_ratio) for r in rules.ratios)
    cost += 0.5 * sum(0.0 if values[i] == 0 else 1.0 + math.log10(abs(values[i])) for i in rules.small)
    lengths = [_digits(c) for i, c in enumerate(cells) if not (i in rules.small and values[i] == 0)]
    mean = sum(lengths) / max(len(lengths), 1)
    return cost + rules.balance * sum((n - mean) ** 2 for n in lengths)


def rank_splits(candidates: list[tuple[str, ...]], rules: RowRules) -> tuple[list[tuple[str, ...]], bool]:
    """The candidates best first, and whether any keeps the row's usual relations.

    Only the candidates that keep every usual relation are kept (all of them when
    none does); they are sorted by :func:`plausibility_cost`, ties in their order.
    """
    usual = [c for c in candidates if all(_usual([cell_number(v) for v in c], r) for r in rules.usual)]
    ranked = usual or candidates
    ranked.sort(key=lambda c: plausibility_cost(c, rules))
    return ranked, bool(usual)
