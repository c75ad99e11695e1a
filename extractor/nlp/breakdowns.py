"""The relations a narrative states between a total and its parts, read from its claims.

Chinese prose lists the parts of a stated total in many ways: after 其中, 包括, 分别为, 主要有,
主要类别, 涵盖 or a colon, in the same sentence or opening the next; as channels without any marker
(共发布300条，通过门户网站发布90条、通过微信公众号发布200条) or as bare categories after a stated
total (累计发布信息60条，通知公告40条，工作动态25条); with a remainder (其他/其它 N); with approximate
figures (200余条, 近百条).  Parts are counted in the total's measure word; a list that holds counts in
another (动态信息50条，行政规范性文件3件) is read as not whole, so never called short.
Each becomes a :class:`Breakdown` the checks verify: the parts never exceed the total (whatever
the list), add up to it when the list is exhaustive (分别为, or it ends in a remainder, and no
等/另有 says it is not), and a percentage stated of a part is the part's share of the total.
A list inside a part (其中网上申请15件，内有…) is that part's own breakdown, not the total's.
The markers and words are data; a claim's value range follows from its approximation.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from extractor.document import Report
from extractor.nlp.linking import LinkedClaim

# What opens a list of parts right after a total (between the total and its first part).
LIST_MARKERS = (
    "其中",
    "包括",
    "包含",
    "分别为",
    "分别是",
    "主要有",
    "主要包括",
    "主要类别",
    "涵盖",
    "含",
    "：",
    ":",
)
# A list in brackets right after the count it breaks down: 4篇（部门计划2篇，招商政策6篇）.
BRACKETS = ("（", "(")
# Markers a colon opens; items may then be separated by semicolons.
COLON_MARKERS = ("：", ":")
# Markers that say the parts are all of the total.
EXHAUSTIVE_MARKERS = ("分别为", "分别是")
# A part that is the rest of the total: 其他类信息1800条, 其余5件.
REMAINDER = re.compile(r"(其他|其它|其余|剩余)")
# Words that say the parts are not all of it: 另有3件, …等.
NOT_EXHAUSTIVE = re.compile(r"另有|另外|此外|等")
# A list inside a part: 其中网上申请15件，内有…; 其中 again after the first part.
NESTED_MARKERS = ("其中", "内有", "含")
# A channel a part was published through, when no marker opens the list.
CHANNEL = re.compile(r"^[，,、；;\s]*(通过|在|经|利用|依托|借助|于)")
# Words right before a number that make it a total of its own (a new statement, not a part).
TOTAL_WORDS = re.compile(r"((?<!公)共|共计|合计|总计|累计|全年|全年共)[为达是]?$")
# A clause that states a total: 共发布信息300条, 全年累计公开…
STATED_TOTAL = re.compile(r"(?<!公)共|合计|总计|累计|总数")  # not the 共 of 公共
# A percentage of a part: 占50%, 占比12.5%, 占总量的6.3%.
SHARE_OF = re.compile(r"^[，,（(\s]*(占|占比|占总数的?|占总量的?|占全部的?)[^，,。；;]{0,6}$")
# Measure words that count items of information: a list of 条 may hold 件, 篇, 个 or 份
# (工作动态50条，行政规范性文件3件，政策解读2篇), which make it a list not read whole.  次, 期, 场, 人次
# count other things.
ITEM_MEASURES = frozenset({"条", "件", "篇", "个", "份"})
# Linked counts that are items of information too (a 行政规范性文件3件 among 条 of published items); an
# application or a decision, counted in 件, is not.
ITEM_KEYS = ("stats.active.", "active.regulations.", "active.normative.")
# Words that make a count a statement of its own rather than a category of a list with no marker
# (累计发布信息60条，通知公告40条，工作动态25条，回复留言8条: the last is not a part).
ACTION_WORDS = re.compile(
    r"发布|公开|公布|公示|推送|报送|更新|办理|办结|回复|答复|受理|收到|接收|接到|处理|开展|举办|召开|解读|征集|转发|"
    r"刊发|印发|制发|接待|接听|提起|通过|(?<!公)共|累计|合计|总计"
)
# What a breakdown's marker is when no word opens the list: channels, or bare categories after a stated total.
CHANNEL_LABEL = "通过"
CATEGORY_LABEL = "，"
# What a total of a bare category list counts: information in general, not one category of it (共发布
# 规划类信息35条，财政类信息120条: the 共 covers a list of peers, the first of them no total).
GENERIC_OBJECTS = frozenset({"", "信息", "政府信息", "政务信息", "各类信息", "各类政府信息", "各类政务信息"})
# A bare category name is short: 工作动态, 通知公告.
CATEGORY_NAME_MAX = 12
STATEMENT_END = re.compile(r"[。！？!?\n]")
# How close a marker must follow the total (共收到申请29件，其中…; 300条信息，包括：…).
MARKER_WINDOW = 20
# A list short of its total by at most this share is a near miss (a warning), not a partial list.
NEAR_MISS = 0.05


@dataclass(frozen=True)
class Share:
    """A part's stated percentage of the total."""

    part: LinkedClaim
    percent: LinkedClaim


@dataclass(frozen=True)
class Breakdown:
    total: LinkedClaim
    parts: tuple[LinkedClaim, ...]
    marker: str  # the words that open the list; CHANNEL_LABEL or CATEGORY_LABEL when none does
    exhaustive: bool
    statement: str  # the sentence, up to its full stop
    shares: tuple[Share, ...] = ()
    partial: bool = False  # 等, 另有: the list says it is not all of the total

    def parts_range(self) -> tuple[float, float]:
        ranges = [p.claim.value_range() for p in self.parts]
        return sum(lo for lo, _ in ranges), sum(hi for _, hi in ranges)

    def total_range(self) -> tuple[float, float]:
        return self.total.claim.value_range()

    @property
    def parts_sum(self) -> int | float:
        return sum(p.claim.value for p in self.parts)

    def exceeds(self) -> bool:
        """The parts, at their least, are more than the total at its most."""
        return self.parts_range()[0] > self.total_range()[1] + 1e-9

    def shortfall(self) -> float:
        """How much less than the total the parts are at their most (0 when they can reach it)."""
        return max(0.0, self.total_range()[0] - self.parts_range()[1])

    def falls_short(self) -> bool:
        """An exhaustive list whose parts, at their most, are less than the total at its least."""
        return self.exhaustive and self.shortfall() > 1e-9

    def nearly_adds_up(self) -> bool:
        """A list not said to be partial that misses the total by a little (574 of 575): more likely a
        slip than a partial list."""
        short = self.shortfall()
        return not self.exhaustive and not self.partial and 0 < short <= NEAR_MISS * self.total_range()[0]


# ---- finding the lists ---------------------------------------------------------------


def find_breakdowns(report: Report, claims: Sequence[LinkedClaim]) -> list[Breakdown]:
    """Every total-and-parts relation the narrative states, section by section."""
    found: list[Breakdown] = []
    for section in report.sections:
        own = [lc for lc in claims if _in_section(lc, section.id, section.text)]
        found.extend(section_breakdowns(section.text, own))
    return found


def _in_section(lc: LinkedClaim, section_id: str | None, text: str) -> bool:
    c = lc.claim
    return c.section == section_id and text[c.start : c.end] == c.text


def section_breakdowns(text: str, claims: Sequence[LinkedClaim]) -> Iterator[Breakdown]:
    """The breakdowns of one section's text, its claims in reading order."""
    ordered = sorted(claims, key=lambda lc: lc.claim.start)
    taken: set[int] = set()  # parts already read in a list are never a list's total as well… unless nested
    for i, total in enumerate(ordered):
        if not is_count(total) or i in taken:
            continue
        breakdown = _breakdown_after(text, ordered, i)
        if breakdown is not None:
            yield breakdown
            yield from _nested(text, ordered, breakdown)
            taken.update(ordered.index(p) for p in breakdown.parts)


def is_count(lc: LinkedClaim) -> bool:
    c = lc.claim
    return not (c.change or c.previous or c.zero or c.unit == "%")


def _breakdown_after(text: str, ordered: Sequence[LinkedClaim], i: int, unmarked: bool = True) -> Breakdown | None:
    """The list after the i-th count, if it opens one; with unmarked, also one no marker opens (channels,
    bare categories after a stated total)."""
    total = ordered[i]
    end = _statement_end(text, total.claim.end, ordered[i + 1 :])
    following = [lc for lc in ordered[i + 1 :] if lc.claim.start < end]
    if not following:
        return None
    opening = text[total.claim.end : following[0].claim.start]
    marker = _marker(opening)
    depth = total.claim.bracket_depth + (marker in BRACKETS or bool(re.search(r"[（(]", opening[:MARKER_WINDOW])))
    parts, shares = _parts(text, total, following, marker, depth)
    parts = _one_partition(total, parts, following)
    label = marker
    if marker is None:
        channels = unmarked and _channel_list(text, total, parts)
        if not channels:
            parts, shares = (_category_list(text, total, following) if unmarked else []), []
        label = CHANNEL_LABEL if channels else CATEGORY_LABEL
    if len(parts) < 2:
        return None
    tail = text[parts[-1].claim.end : end]
    last_gap = text[parts[-2].claim.end : parts[-1].claim.start]
    exhaustive = (
        marker in EXHAUSTIVE_MARKERS or bool(REMAINDER.search(last_gap + parts[-1].claim.text))
    ) and not NOT_EXHAUSTIVE.search(tail[:4] + "".join(_gaps(text, parts)))
    partial = bool(NOT_EXHAUSTIVE.search(tail[:4] + "".join(_gaps(text, parts)))) or holds_other_measures(
        total, parts, following
    )
    statement = text[_statement_start(text, total.claim.start) : end].strip()
    return Breakdown(total, tuple(parts), label, exhaustive, statement, tuple(shares), partial)


def _marker(opening: str) -> str | None:
    """The list marker right after the total, if one (a clause break may stand before it)."""
    head = opening[:MARKER_WINDOW]
    found = [(head.find(m), m) for m in (*LIST_MARKERS, *NESTED_MARKERS, *BRACKETS) if m in head]
    return min(found)[1] if found else None


def _parts(
    text: str, total: LinkedClaim, following: Sequence[LinkedClaim], marker: str | None, depth: int
) -> tuple[list[LinkedClaim], list[Share]]:
    """The parts: counts in the total's unit at the list's bracket depth, until the list ends (a
    closing bracket, a semicolon, a comma after parts joined by 、, another total, or a clause that
    opens a list of its own with the same marker); a list after a part (其中…分别为…, 4篇（2篇…）)
    belongs to that part; a percentage right after a part is its share."""
    parts: list[LinkedClaim] = []
    shares: list[Share] = []
    joined_by: str | None = None  # 、 or ， between the parts
    opening = text[total.claim.end : following[0].claim.start]
    # A colon, or a list that is a sentence of its own (…共计615条。其中，…), runs across semicolons.
    own_sentence = bool(STATEMENT_END.search(opening))
    colon_list = marker in COLON_MARKERS or any(colon in opening for colon in COLON_MARKERS) or own_sentence
    nested = False
    previous_end = total.claim.end
    for k, lc in enumerate(following):
        gap = text[previous_end : lc.claim.start]
        previous_end = lc.claim.end
        c = lc.claim
        if c.bracket_depth < depth:
            break
        if c.unit == "%" and parts and SHARE_OF.match(gap):
            shares.append(Share(parts[-1], lc))
            continue
        if parts and ends_list(gap, joined_by, colon_list):
            if not nested:
                break
            nested = False
        if nested or c.bracket_depth > depth:
            continue
        if parts and _opens_list(gap):
            nested = True  # the part before has a list of its own
            continue
        if not is_count(lc) or not same_measure(lc, total):
            continue
        if parts and TOTAL_WORDS.search(text[max(0, c.start - 4) : c.start]):
            break  # a new statement of its own
        after = text[c.end : following[k + 1].claim.start] if k + 1 < len(following) else ""
        if parts and marker and marker not in BRACKETS and _marker(after) == marker:
            break  # …13件，其中…: a new total with a list like the one being read
        if not can_be_part(lc, total):
            continue
        if len(parts) == 1:
            joined_by = "、" if "、" in gap and not re.search(r"[，,]", gap) else "，"
        parts.append(lc)
    return parts, shares


def ends_list(gap: str, joined_by: str | None, colon_list: bool) -> bool:
    """The gap between two counts ends the list: a semicolon (unless a colon opened it), or a comma
    after parts joined by 、."""
    if not colon_list and re.search(r"[；;]", gap):
        return True
    return joined_by == "、" and bool(re.search(r"[，,；;]", gap))


def _opens_list(gap: str) -> bool:
    """A marker between two parts opens a list of the part before.  A bracket does only while it is open
    (the counts inside it are deeper); a closed one is part of a name: 各乡镇（街道）网站500条."""
    return any(m in gap for m in (*LIST_MARKERS, *NESTED_MARKERS))


def same_measure(part: LinkedClaim, total: LinkedClaim) -> bool:
    """The part counts what the total counts: the same measure word.  Prose does list documents in 件 or
    份 among items in 条, but a count in another measure word after a list is as often a new statement
    (文件597份 after a list that ended in 其他信息): such counts are never read as parts."""
    return part.claim.unit == total.claim.unit


def holds_other_measures(total: LinkedClaim, parts: Sequence[LinkedClaim], following: Sequence[LinkedClaim]) -> bool:
    """Counts of items in another measure word stand in the list, before the next count in the total's
    own measure that is not a part (…289条、14条、31条，规范性文件4件、其他2件): the list was not read whole,
    so a shortfall is no evidence of a slip.  A count of the table's applications or decisions is not an
    item (收到申请3件)."""
    unit = total.claim.unit
    for lc in following:
        if lc in parts or not is_count(lc):
            continue
        if lc.claim.unit == unit:
            if lc.claim.start > parts[-1].claim.start:
                return False
            continue
        if lc.claim.unit in ITEM_MEASURES and all(k.startswith(ITEM_KEYS) for k in lc.keys):
            return True
    return False


def _nested(text: str, ordered: Sequence[LinkedClaim], outer: Breakdown) -> Iterator[Breakdown]:
    """The lists inside the outer list's parts (其中网上申请15件，其中通过政务网10件…)."""
    for part in outer.parts:
        i = ordered.index(part)
        inner = _breakdown_after(text, ordered, i, unmarked=False)
        if inner is not None and not set(inner.parts) & set(outer.parts):
            yield inner


def _channel_list(text: str, total: LinkedClaim, parts: Sequence[LinkedClaim]) -> bool:
    """No marker: a stated total (共…) followed by parts each naming a channel (通过…), a remainder aside."""
    if not STATED_TOTAL.search(text[total.claim.clause_start : total.claim.start]):
        return False
    starts = [_part_start(text, p) for p in parts]
    named = [CHANNEL.match(text[s : p.claim.start]) for s, p in zip(starts, parts, strict=True)]
    rest = [p for p, n in zip(parts, named, strict=True) if not n]
    return len(parts) - len(rest) >= 2 and all(REMAINDER.search(text[_part_start(text, p) : p.claim.end]) for p in rest)


def _category_list(text: str, total: LinkedClaim, following: Sequence[LinkedClaim]) -> list[LinkedClaim]:
    """No marker and no channels: a stated total (累计…60条，) followed by counts each named by a bare
    category (通知公告40条，工作动态25条): the run of such counts in the total's measure, up to the first
    count that is not one.  A total joined to the next count by 、 is one of a list of peers, not their total."""
    if not states_a_whole(text[total.claim.clause_start : total.claim.start]):
        return []
    if not re.search(r"[，,：:]", text[total.claim.end : following[0].claim.start]):
        return []
    run: list[LinkedClaim] = []
    for lc in following:
        words = text[_part_start(text, lc) : lc.claim.start]
        bare = is_count(lc) and same_measure(lc, total) and can_be_part(lc, total) and is_category_name(words)
        if not bare or lc.claim.bracket_depth != total.claim.bracket_depth:
            break
        run.append(lc)
    return run


def states_a_whole(clause: str) -> bool:
    """The clause before a count states a total of information in general: 累计发布信息60条, 共发布信息."""
    if not STATED_TOTAL.search(clause):
        return False
    verbs = list(ACTION_WORDS.finditer(clause))
    counted = clause[verbs[-1].end() :] if verbs else clause
    return counted.strip() in GENERIC_OBJECTS


def is_category_name(words: str) -> bool:
    words = words.strip()
    return 0 < len(words) <= CATEGORY_NAME_MAX and not ACTION_WORDS.search(words)


def _part_start(text: str, lc: LinkedClaim) -> int:
    """Where a part's words start: after the last list break before its number."""
    breaks = [text.rfind(ch, 0, lc.claim.start) for ch in "，,、；;：:"]
    return max(max(breaks) + 1, 0)


def _gaps(text: str, parts: Sequence[LinkedClaim]) -> Iterator[str]:
    for a, b in itertools.pairwise(parts):
        yield text[a.claim.end : b.claim.start]


def _statement_end(text: str, at: int, later: Sequence[LinkedClaim] = ()) -> int:
    """The end of the sentence; the next one too when this count ends its sentence and the next
    opens with a list marker (发布信息共计615条。其中，…)."""
    m = STATEMENT_END.search(text, at)
    end = m.start() if m else len(text)
    if m and not any(at <= lc.claim.start < end for lc in later):
        following = text[m.end() : m.end() + MARKER_WINDOW].lstrip()
        if following.startswith(LIST_MARKERS):
            m = STATEMENT_END.search(text, m.end())
            end = m.start() if m else len(text)
    return end


def _statement_start(text: str, at: int) -> int:
    return max(text.rfind(ch, 0, at) for ch in "。！？!?\n") + 1


# The received applications are split two ways: by who applied (and new against carried in), or by how
# they ended (the results and those carried over to next year).  A list reads one of them.
RECEIVED = "applications.new."
ANOTHER_SPLIT = (RECEIVED, "applications.carried_in.")
RESULTS = (
    "applications.granted.",
    "applications.partial.",
    "applications.denied.",
    "applications.unavailable.",
    "applications.not_processed.",
    "applications.other.",
)
# Which linked totals can have which linked parts (key prefixes).  A part linked to anything else
# ("办结0件，其中予以公开0件，结转下年度1件": 结转) is the next item of the sentence, not a part;
# an unlinked part (by channel) may be one.
PART_OF: dict[str, tuple[str, ...]] = {
    # 共收到申请20件。其中，予以公开12件，…，结转下年度继续办理2件: the received by how they ended.
    RECEIVED: (RECEIVED, *RESULTS, "applications.carried_out."),
    "applications.results_total.": RESULTS,
    "stats.active.total": ("stats.active.",),
    "review.total": ("review.",),
}


def _one_partition(total: LinkedClaim, parts: list[LinkedClaim], statement: Sequence[LinkedClaim]) -> list[LinkedClaim]:
    """Parts of the received that read one split: how they ended counts as parts only when the statement
    does not split them the other way too (共受理申请10件，其中新收到申请8件，上年结转申请2件，结转下年度
    继续办理3件: the 3 carried over are not a third part of the 10)."""
    if not any(k.startswith(RECEIVED) for k in total.keys):
        return parts
    other_split = any(lc is not total and any(k.startswith(ANOTHER_SPLIT) for k in lc.keys) for lc in statement)
    if not other_split:
        return parts
    return [p for p in parts if not p.keys or any(k.startswith(ANOTHER_SPLIT) for k in p.keys)]


def can_be_part(part: LinkedClaim, total: LinkedClaim) -> bool:
    if not part.keys or not total.keys:
        return True
    allowed = next((parts for prefix, parts in PART_OF.items() if total.keys[0].startswith(prefix)), ())
    return all(k.startswith(allowed) for k in part.keys) if allowed else False
