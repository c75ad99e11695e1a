"""The relations a narrative states between a total and its parts, read from its claims.

Chinese prose lists the parts of a stated total in many ways: after 其中, 包括, 分别为, 主要有,
主要类别, 涵盖, 具体为 or a colon, in the same sentence or opening the next (公开类型包括：…, also past a
count of another kind such as 点击量…次), past a bracketed note (124条（含…），其中…), across semicolons
when the clauses are built alike (在公众号…；在微博…); a table 四 block's outcomes after its total
(行政复议9件，结果维持2件…); as channels without any marker, in the total's sentence or the next
(主动公开信息300条，通过门户网站发布90条、微信公众号200条; a channel set beside the list, 同时/另外/累计…,
is not a part) or as bare categories after a stated total (累计发布信息60条，通知公告40条，工作动态25条);
with a remainder (其他/其它 N); with approximate figures (200余条, 近百条).  A before/after pair
(由原来的11条精简为5条) is neither a total nor a part.  Parts are counted in the total's measure word: a
list that holds counts it does not read (行政规范性文件3件 after the list, 征集调查16期 inside it) is not
whole, so never called short, unless the other count is set beside it (同时…3篇) or inside a part's
brackets; a count of something else (新开设专栏4个) ends it.  A near miss is a slip of one item or 1 % of
the total; a list naming an item it does not count is not whole.
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
from extractor.nlp.linking import READERSHIP, LinkedClaim

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
    "具体为",
    "具体包括",
    "含",
    "：",
    ":",
)
# A note in brackets right after a total, closed before its list (its opening holds no count).
NOTE = re.compile(r"^\s*[（(][^（()）]*[）)]")
# A list in brackets right after the count it breaks down: 4篇（部门计划2篇，招商政策6篇）.
BRACKETS = ("（", "(")
# Markers a colon opens; items may then be separated by semicolons.
COLON_MARKERS = ("：", ":")
# Markers that say the parts are all of the total.
EXHAUSTIVE_MARKERS = ("分别为", "分别是")
# A part that is the rest of the total: 其他类信息1800条, 其余5件 (not one linked to a table's row of its own:
# 其他结果 is one outcome of four).
REMAINDER_WORDS = "(其他|其它|其余|剩余)"
REMAINDER = re.compile(rf"{REMAINDER_WORDS}(?![^，,、；;。！？\d类]{{1,6}}类)")  # not 其他概况类信息: a kind
# Words that say the parts are not all of it: 另有3件, …等.
NOT_EXHAUSTIVE = re.compile(r"另有|另外|此外|等")
# A list inside a part: 其中网上申请15件，内有…; 其中 again after the first part.
NESTED_MARKERS = ("其中", "内有", "含")
# A channel a part was published through, when no marker opens the list.
CHANNEL = re.compile(r"^[，,、；;\s]*(通过|在|经|利用|依托|借助|于)")
# What names a channel in a part's words without a verb (微信公众号320条), or ties a total to one channel.
CHANNEL_NAME = re.compile(
    r"网站|政府网|门户|网页|公众号|微信|微博|新媒体|客户端|APP|App|抖音|快手|头条|视频号|公开栏|公示栏|公告栏|宣传栏|"
    r"专栏|平台|报刊|报纸|电视|广播|发布会|政务服务网"
)
# The verbs that name a channel (通过门户网站…); a sentence of channels may open with 在 too.
CHANNEL_VERBS = ("通过", "依托", "利用", "借助")
CHANNEL_VERB = re.compile("|".join(CHANNEL_VERBS))
# A sentence opening with what its list is of, then a marker and a colon (公开类型包括：…, 主动公开政府信息的主要
# 类别有：…): the list of the total that ended the sentence before.
NAMED_LIST = re.compile(r"^[^，,。；;：:（(\d]{1,12}?(主要类别|主要包括|包括|主要有|涵盖|分别为|分别是)有?[：:]")
# A list marker before a part's words (其中在公众号…): not part of how the part is built.
LEADING_MARKER = re.compile(r"^(其中|包括|主要有|主要包括|分别为|分别是|涵盖)[：:]?")
# What opens a sentence of channels after the sentence of their total.
CHANNEL_OPENERS = (*CHANNEL_VERBS, "在")
# Channels named only in general (通过各类平台, 多种渠道, 通过门户网站、政务新媒体等渠道): they tie a total to
# no one channel.
ANY_CHANNEL = re.compile(
    r"(通过|依托|利用|借助|在)?((各类|各种|各个|多种|多个|多类|全部|所有)[^，,。；;]{0,8}?|[^，,。；;]{0,30}?等[^，,。；;]{0,6}?)"
    r"(渠道|平台|载体|方式|途径|媒体)"
)
# Words of a count, not of what it counts (信息数, 政府信息总数, 信息共计).
COUNT_WORDS = re.compile(r"共计|合计|总计|累计|(?<!公)共|总数|数量|数|为|达|是|了")
TOTAL_WORD = re.compile(r"(?<!公)共|累计|合计|总计")
# Verbs that publish: a total of published information (主动公开政府信息300条).
PUBLISHED = re.compile(r"发布|公开|公布|推送|更新")
# Words that set a count in another measure word beside a list rather than in it (同时发布解读3篇).
BESIDE = re.compile(r"另外|此外|同时|另|还")
# Words before a channel's count that set it beside the list, not in it: the same items again (同时),
# another statement (另外, 此外, 还), a count over more than the year (累计, 历年) or a total of its own.
ALONGSIDE = re.compile(rf"{BESIDE.pattern}|累计|历年|(?<!公)共|合计|总计")
# Words in a count's own clause that make it a total of its own (微信公众号共发布文章473篇).
OWN_TOTAL = re.compile(r"(?<!公)共(?!享|建|同|治|产|青|性|识|商)|合计|总计|累计")
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
# Verbs that count something other than a published item (办理建议15件, 答复留言8个).
NOT_PUBLISHING = re.compile(
    r"报送|办理|办结|回复|答复|受理|收到|接收|接到|处理|开展|举办|召开|解读|征集|转发|印发|制发|接待|接听|提起|审核|"
    r"审查|清理|废止|修订|制定|起草|新增|开设|开通|设置|建立"
)
# What a count in 个 or 件 may count, named right before or after it, that is not an item of information
# (栏目12个, 12个专栏).
NOT_ITEMS = r"(栏目|专栏|专题|平台|网站|账号|部门|单位|村|社区|乡镇|街道|企业|项目|人|次|批)"
NOT_ITEMS_AFTER = re.compile("^" + NOT_ITEMS)
NOT_ITEMS_BEFORE = re.compile(NOT_ITEMS + r"[数共计为有达]*$")
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
OUTCOME_LABEL = "结果"  # a table 四 block's outcomes after its total
# What a total of a bare category list counts: information in general, not one category of it (共发布
# 规划类信息35条，财政类信息120条: the 共 covers a list of peers, the first of them no total).
GENERIC_OBJECTS = frozenset({"", "信息", "政府信息", "政务信息", "各类信息", "各类政府信息", "各类政务信息"})
# A count changed from one figure to another (由原来的11条精简为5条, 从12个调整到8个, 11条变为5条): the two
# are a before and an after, neither a total nor a part of one.  FROM before the first, CHANGED_TO between.
CHANGED_FROM = re.compile(r"(由|从)[^，,。；;、：:\d]{0,6}$")
CHANGED_TO = re.compile(r"^[^，,。；;、：:\d]{0,8}(为|到|至|成)$")
BECOMES = re.compile(r"(精简|压缩|缩减|减少|降低|下降|降|调整|增加|增长|增|提高|提升|上升|扩大|变)(为|到|至|成)$")
# The clause after a list's last part, when it holds no number: an item the list names but does not count.
UNCOUNTED = re.compile(r"[，,、]([^，,、；;。！？!?\n\d]*)(?:[，,、；;。！？!?\n]|$)")
# A bare category name is short: 工作动态, 通知公告.
CATEGORY_NAME_MAX = 12
STATEMENT_END = re.compile(r"[。！？!?\n]")
# How close a marker must follow the total (共收到申请29件，其中…; 300条信息，包括：…).
MARKER_WINDOW = 20
# A list short of its total by one item, or by at most SLIP of it, is a near miss (a warning), not a partial
# list (574 of 575, 282 of 283); never by more than NEAR_MISS of it (7 of 8 is a list that left one out).
# 280 of 286 by two channels, 408 of 423 with an item left uncounted: partial lists.
NEAR_MISS = 0.05
SLIP = 0.01


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
        return self.exhaustive and not self.partial and self.shortfall() > 1e-9

    def nearly_adds_up(self) -> bool:
        """A list not said to be partial that misses the total by a little (574 of 575): more likely a
        slip than a partial list."""
        short, total = self.shortfall(), self.total_range()[0]
        slip = 0 < short <= NEAR_MISS * total and (short <= 1 or short <= SLIP * total)
        return not self.exhaustive and not self.partial and slip


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
    befores = {before for before, _ in changed_pairs(text, ordered)}
    taken: set[int] = set()  # parts already read in a list are never a list's total as well… unless nested
    for i, total in enumerate(ordered):
        if not is_count(total) or i in taken or total in befores:
            continue
        breakdown = _breakdown_after(text, ordered, i)
        if breakdown is not None:
            yield breakdown
            yield from _nested(text, ordered, breakdown)
            taken.update(ordered.index(p) for p in breakdown.parts)


def changed_pairs(text: str, ordered: Sequence[LinkedClaim]) -> Iterator[tuple[LinkedClaim, LinkedClaim]]:
    """The before/after pairs (由原来的11条精简为5条): one figure changed, not a total and its part.  The
    before is never a total; neither is a part (the after may count a part's new size, or not)."""
    for before, after in itertools.pairwise(ordered):
        gap = text[before.claim.end : after.claim.start]
        lead = text[before.claim.clause_start : before.claim.start]
        if CHANGED_TO.match(gap) and (CHANGED_FROM.search(lead) or BECOMES.search(gap)):
            yield before, after


def is_count(lc: LinkedClaim) -> bool:
    c = lc.claim
    return not (c.change or c.previous or c.zero or c.restates or c.unit == "%")


def _breakdown_after(
    text: str, ordered: Sequence[LinkedClaim], i: int, unmarked: bool = True, across: bool = True
) -> Breakdown | None:
    """The list after the i-th count, if it opens one; with unmarked, also one no marker opens (channels,
    bare categories after a stated total); with across, also one opening the next sentence."""
    total = ordered[i]
    end = _sentence_end(text, total.claim.end)
    following = [lc for lc in ordered[i + 1 :] if lc.claim.start < end]
    ends_counting = across and not any(_may_be_part(lc, total) for lc in following)
    opener = _next_opener(text, end, unmarked) if ends_counting else None
    next_channels = opener == CHANNEL_LABEL  # …300条。通过门户网站发布…: channels in the next sentence
    if opener is not None and _another_total_before(ordered, i):
        return None  # …信息275条，…互动交流信息52条。其中…: which of them the next sentence breaks down is not said
    if opener is not None:  # the total ends its own counting; the next sentence lists its parts
        start, end = end, _sentence_end(text, end + 1)
        following = [lc for lc in ordered[i + 1 :] if start < lc.claim.start < end]
    if not following:
        return None
    opening = text[total.claim.end : following[0].claim.start]
    if opener is None:
        marker = _marker(opening)
        after_note = past_note(opening)
        bracketed = marker in BRACKETS or bool(re.search(r"[（(]", after_note[:MARKER_WINDOW]))
        depth = total.claim.bracket_depth + bracketed
    else:
        marker, depth = (None if next_channels else opener), 0  # depth counts from the parts' own sentence
    changed = {lc for pair in changed_pairs(text, [total, *following]) for lc in pair}
    unchanged = [lc for lc in following if lc not in changed]
    if not unchanged:
        return None
    parts, shares, skipped = _parts(text, total, unchanged, marker, depth)
    parts = _one_partition(total, parts, following)
    mixed = marker is not None and _channels_then_other(text, parts) < len(parts)
    if mixed:  # 其中：通过网站公开10533条，政务微信32条，发布政策解读73条: channels, then a kind of item
        parts = parts[: _channels_then_other(text, parts)]
    label = marker
    if marker is None:
        channels = _channel_parts(text, total, parts) if unmarked else []
        outcomes = _outcome_parts(total, following) if unmarked and not channels and not next_channels else []
        if channels:
            parts, shares = channels, [s for s in shares if s.part in channels]
        elif outcomes:
            parts, shares = outcomes, []
        else:
            parts, shares = (_category_list(text, total, following) if unmarked and not next_channels else []), []
        label = CHANNEL_LABEL if channels else OUTCOME_LABEL if outcomes else CATEGORY_LABEL
    alone = marker == "其中" and len(parts) == 1 and not any(lc.claim.start < parts[0].claim.start for lc in skipped)
    if len(parts) < 2 and not (alone and _exceeds_alone(parts[0], total)):
        return None
    if len(parts) < 2:  # 网上服务事项108项，其中行政许可191项: one part of it already more than all of it
        statement = text[_statement_start(text, total.claim.start) : end].strip()
        return Breakdown(total, tuple(parts), marker, False, statement, (), True)
    tail = text[parts[-1].claim.end : end]
    last_gap = text[parts[-2].claim.end : parts[-1].claim.start]
    exhaustive = (
        marker in EXHAUSTIVE_MARKERS
        or (bool(REMAINDER.search(last_gap + parts[-1].claim.text)) and not parts[-1].keys)
        or covers_outcomes(parts)
    ) and not NOT_EXHAUSTIVE.search(tail[:4] + "".join(_gaps(text, parts)))
    partial = (
        mixed
        or bool(NOT_EXHAUSTIVE.search(tail[:4] + "".join(_gaps(text, parts))))
        or holds_other_measures(text, total, parts, following)
        or any(total.claim.end <= lc.claim.start < parts[-1].claim.start for lc in changed)
        or uncounted_item(tail)
        or continues_in_another_measure(text, parts[-1], skipped)
        or any(parts[0].claim.start < lc.claim.start < parts[-1].claim.start for lc in skipped)
    )
    statement = text[_statement_start(text, total.claim.start) : end].strip()
    return Breakdown(total, tuple(parts), label, exhaustive, statement, tuple(shares), partial)


def _another_total_before(ordered: Sequence[LinkedClaim], i: int) -> bool:
    """The i-th count's sentence holds an earlier count in its measure word: a list opening the next sentence
    may be of either."""
    total = ordered[i]
    return any(
        lc.claim.sentence_start == total.claim.sentence_start and is_count(lc) and same_measure(lc, total)
        for lc in ordered[:i]
    )


def continues_in_another_measure(text: str, last: LinkedClaim, skipped: Sequence[LinkedClaim]) -> bool:
    """A count in another measure word right after the list's last part, named by a category alone
    (…全省地情动态信息7036条，四川要闻52期): the list goes on in it, so it is not read whole."""
    return any(
        lc.claim.start > last.claim.end and CATEGORY_GAP.fullmatch(text, last.claim.end, lc.claim.start)
        for lc in skipped
    )


CATEGORY_GAP = re.compile(r"[，,、][^，,、；;。！？!?\d]{0,12}")


def uncounted_item(tail: str) -> bool:
    """An item after the last part that has no count (…基层治理信息312条，发布政府信息公开年报。): the list
    was not read whole, so a shortfall is no evidence of a slip."""
    m = UNCOUNTED.match(tail)
    words = m.group(1).strip() if m else ""
    return 0 < len(words) <= CATEGORY_NAME_MAX and bool(PUBLISHED.match(words) or not ACTION_WORDS.search(words))


def past_note(opening: str) -> str:
    """The words after a total past a closed bracketed note right after it; the words as they are if none."""
    m = NOTE.match(opening)
    return opening[m.end() :] if m else opening


def _marker(opening: str) -> str | None:
    """The list marker right after the total, if one (a clause break may stand before it), past a note in
    brackets that holds no count (124条（含区政府文号文件），其中…)."""
    head = past_note(opening)[:MARKER_WINDOW]
    found = [(head.find(m), m) for m in (*LIST_MARKERS, *NESTED_MARKERS, *BRACKETS) if m in head]
    if not found:
        return None
    at, marker = min(found)
    return None if marker in COLON_MARKERS and not COLON_LEAD.fullmatch(head[:at]) else marker


# What may stand between a total and the colon that opens its list (…300条，具体如下：); other words before a
# colon name a heading of the next count (…决策公开类4条，执行公开类：工作动态52条): not this total's list.
COLON_LEAD = re.compile(r"[，,\s]*(具体|主要|情况|如下|分别|为|是|有)*")


def _parts(
    text: str, total: LinkedClaim, following: Sequence[LinkedClaim], marker: str | None, depth: int
) -> tuple[list[LinkedClaim], list[Share], list[LinkedClaim]]:
    """The parts: counts in the total's unit at the list's bracket depth, until the list ends (a
    closing bracket, a semicolon, a comma after parts joined by 、, another total, or a clause that
    opens a list of its own with the same marker); a list after a part (其中…分别为…, 4篇（2篇…）)
    belongs to that part; a percentage right after a part is its share.  Also the counts at the list's
    depth it passed over (another measure word, another cell): a list holding one is not read whole."""
    parts: list[LinkedClaim] = []
    shares: list[Share] = []
    skipped: list[LinkedClaim] = []  # counts at the list's depth not read as parts (征集调查16期 among 条)
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
            if k > 0 and following[k - 1] is parts[-1]:  # the share of the count right before it, if a part
                shares.append(Share(parts[-1], lc))
            continue
        if parts and colon_list and _parallel_to_total(text, total, lc, gap):
            break  # 通过网站公开166条，包括：…；通过微信公开17条: the total's own peer after the semicolon
        if parts and ends_list(gap, joined_by, colon_list) and not _parallel(text, parts[0], lc, gap):
            if not nested:
                break
            nested = False
        if nested or c.bracket_depth > depth:
            continue
        if parts and _opens_list(gap):
            nested = True  # the part before has a list of its own
            continue
        if not is_count(lc):
            continue
        if READERSHIP.search(text, _part_start(text, lc), c.start):
            break  # …现场咨询290人次，专栏访问量1406人次: how often pages were read, another statement
        if not same_measure(lc, total):
            skipped.append(lc)
            if parts and not counts_items(text, lc) and not BESIDE.search(gap):
                break  # …5403条，新开设专栏6个，发布解读信息44条: past a count of something else, other statements
            continue
        if parts and states_own_total(text, lc):
            break  # a new statement of its own
        after = text[c.end : following[k + 1].claim.start] if k + 1 < len(following) else ""
        if parts and marker and marker not in BRACKETS and _marker(after) == marker:
            break  # …13件，其中…: a new total with a list like the one being read
        if not can_be_part(lc, total) or any(is_outcome_of(lc, p) for p in parts):
            skipped.append(lc)
            continue
        if len(parts) == 1:
            joined_by = "、" if "、" in gap and not re.search(r"[，,]", gap) else "，"
        parts.append(lc)
    return parts, shares, skipped


def states_own_total(text: str, lc: LinkedClaim) -> bool:
    """A count that is a total of its own: 共/累计 right before it (全年共15条), or in its own words after the
    last list break (微信公众号共发布文章473篇)."""
    words = text[_part_start(text, lc) : lc.claim.start]
    return bool(
        TOTAL_WORDS.search(text[max(0, lc.claim.start - 4) : lc.claim.start])
        or OWN_TOTAL.search(words)
        or OWN_PERIOD.match(words)
    )


# A count whose words open with the year again (…1799条，全年发布各类解读信息42条): a statement of its own.
OWN_PERIOD = re.compile(r"(全年|本年度?|今年|[0-9]{4}年度?)")


def _parallel(text: str, first: LinkedClaim, lc: LinkedClaim, gap: str) -> bool:
    """After a semicolon, a clause built as the list's first part goes on with it: the same channel verb
    (其中在公众号公开340条；在微博公开530条) or the count first (其中3条已公开；1条属于重复申请)."""
    if not _opens_after_semicolon(text, lc, gap):
        return False
    lead = [_lead(text[_part_start(text, c) : c.claim.start]) for c in (first, lc)]
    return lead[0] == lead[1] and lead[0] in ("", *CHANNEL_OPENERS)


def _parallel_to_total(text: str, total: LinkedClaim, lc: LinkedClaim, gap: str) -> bool:
    """After a semicolon, a clause opening with the channel verb the total's own clause opens with is the
    total's peer (another channel's count), not one more part of its list."""
    if not _opens_after_semicolon(text, lc, gap):
        return False
    lead = _lead(text[_part_start(text, lc) : lc.claim.start])
    return lead in CHANNEL_VERBS and _lead(text[total.claim.clause_start : total.claim.start]) == lead


def _opens_after_semicolon(text: str, lc: LinkedClaim, gap: str) -> bool:
    """The count's clause opens right after a semicolon, and the semicolon lies in the gap before it."""
    start = _part_start(text, lc)
    return start > 0 and text[start - 1] in "；;" and lc.claim.start - len(gap) < start


def _lead(words: str) -> str:
    """How a part's words open, past a list marker: a channel verb, nothing (the count first), or else."""
    words = LEADING_MARKER.sub("", words.strip())
    return next((v for v in CHANNEL_OPENERS if words.startswith(v)), words[:1] and "else")


def ends_list(gap: str, joined_by: str | None, colon_list: bool) -> bool:
    """The gap between two counts ends the list: a semicolon (unless a colon opened it), or a comma
    after parts joined by 、."""
    if not colon_list and re.search(r"[；;]", gap):
        return True
    return joined_by == "、" and bool(re.search(r"[，,；;]", gap)) and not REMAINDER_AFTER_COMMA.fullmatch(gap)


# The rest after a comma closes a list joined by 、 (…“不予公开”5件、“无法提供”13件，“其他处理”1件).
REMAINDER_AFTER_COMMA = re.compile(rf"[，,]\s*[“\"「]?{REMAINDER_WORDS}[^，,；;。：:]{{0,10}}")


def _opens_list(gap: str) -> bool:
    """A marker between two parts opens a list of the part before.  A bracket does only while it is open
    (the counts inside it are deeper); a closed one is part of a name: 各乡镇（街道）网站500条."""
    return any(m in gap for m in (*LIST_MARKERS, *NESTED_MARKERS))


def same_measure(part: LinkedClaim, total: LinkedClaim) -> bool:
    """The part counts what the total counts: the same measure word.  Prose does list documents in 件 or
    份 among items in 条, but a count in another measure word after a list is as often a new statement
    (文件597份 after a list that ended in 其他信息): such a count is never a part (parts read in another measure word
    gave false errors on real pages, for one catch)."""
    return part.claim.unit == total.claim.unit


def counts_items(text: str, lc: LinkedClaim) -> bool:
    """A count of published items: no verb that does something else (办结投诉留言2个), no column or
    place named (栏目12个), no link to the table's applications."""
    words = text[_part_start(text, lc) : lc.claim.start]
    counted = text[lc.claim.end : lc.claim.end + 4]
    linked_item = all(k.startswith(ITEM_KEYS) for k in lc.keys)
    not_items = NOT_ITEMS_BEFORE.search(words) or NOT_ITEMS_AFTER.match(counted)
    return linked_item and not NOT_PUBLISHING.search(words) and not not_items


def holds_other_measures(
    text: str, total: LinkedClaim, parts: Sequence[LinkedClaim], following: Sequence[LinkedClaim]
) -> bool:
    """Counts of items in another measure word stand in the list, before the next count in the total's
    own measure that is not a part (…289条、14条、31条，规范性文件4件、其他2件): the list was not read whole,
    so a shortfall is no evidence of a slip.  A count of the table's applications or decisions is not an
    item (收到申请3件); nor is one inside a part's brackets (通知公告29条（含文件3件）: in the part), or one
    set beside the list (同时发布解读3篇, 另…, 还…)."""
    unit = total.claim.unit
    depth = parts[-1].claim.bracket_depth
    previous_end = parts[0].claim.end
    for lc in following:
        gap, previous_end = text[previous_end : lc.claim.start], max(previous_end, lc.claim.end)
        if lc in parts or not is_count(lc):
            continue
        if lc.claim.unit == unit:
            if lc.claim.start > parts[-1].claim.start:
                return False
            continue
        if lc.claim.bracket_depth > depth or (lc.claim.start > parts[-1].claim.start and BESIDE.search(gap)):
            continue
        if lc.claim.unit in ITEM_MEASURES and all(k.startswith(ITEM_KEYS) for k in lc.keys):
            return True
    return False


def _nested(text: str, ordered: Sequence[LinkedClaim], outer: Breakdown) -> Iterator[Breakdown]:
    """The lists inside the outer list's parts (其中网上申请15件，其中通过政务网10件…)."""
    for part in outer.parts:
        i = ordered.index(part)
        inner = _breakdown_after(text, ordered, i, unmarked=False, across=False)  # a part's list is in its sentence
        if inner is not None and not set(inner.parts) & set(outer.parts):
            yield inner


def _channel_parts(text: str, total: LinkedClaim, parts: Sequence[LinkedClaim]) -> list[LinkedClaim]:
    """No marker: a stated total of information (共…, 主动公开政府信息N条) followed by parts each naming a
    channel (通过门户网站发布90条、微信公众号320条), a remainder aside.  The list ends at a count said to be
    alongside it (同时, 另外, 累计): the same items again elsewhere, or a count of its own.  A total whose clause
    names a channel is that channel's count, and the next channel's a statement of its own."""
    if not channel_total(text[total.claim.clause_start : total.claim.start]):
        return []
    run: list[LinkedClaim] = []
    previous_end = total.claim.end
    for p in parts:
        if run and ALONGSIDE.search(text[previous_end : p.claim.start]):
            break
        run.append(p)
        previous_end = p.claim.end
    words = [text[_part_start(text, p) : p.claim.start] for p in run]
    by_verb = [bool(CHANNEL.match(w)) for w in words]
    named = [v or bool(CHANNEL_NAME.search(w)) for v, w in zip(by_verb, words, strict=True)]
    rest = [p for p, n in zip(run, named, strict=True) if not n]
    if sum(named) < 2 or not all(REMAINDER.search(text[_part_start(text, p) : p.claim.end]) for p in rest):
        return []
    joined = any("、" in gap for gap in _gaps(text, run))
    return run if any(by_verb) or rest or joined else []


def _exceeds_alone(part: LinkedClaim, total: LinkedClaim) -> bool:
    """The part's least value is more than the total's greatest."""
    return part.claim.value_range()[0] > total.claim.value_range()[1]


def _channels_then_other(text: str, parts: Sequence[LinkedClaim]) -> int:
    """How many parts of a marked list run as channels (通过门户网站…, 政务微信…) before one that names none and
    is no remainder: that one counts a kind of item, another cut of the same total (all of the parts, when the
    list does not open with two channels)."""
    words = [text[_part_start(text, p) : p.claim.start] for p in parts]
    channel = [bool(CHANNEL.match(LEADING_MARKER.sub("", w)) or CHANNEL_NAME.search(w)) for w in words]
    if len(parts) < 3 or not all(channel[:2]):
        return len(parts)
    for k, (named, w) in enumerate(zip(channel, words, strict=True)):
        if not named and not REMAINDER.search(w):
            return k
    return len(parts)


# A kind of information named before the verb (重点领域信息公开24条, 财政类信息公开…): the count is of that kind.
KIND_BEFORE_VERB = re.compile(r"(类|领域|方面|专题|栏目)信息$")


def channel_total(clause: str) -> bool:
    """The clause before a count states a total of information not tied to one channel: 共发布信息,
    本年度主动公开政府信息数 (通过各类平台 names none); not 主动公开行政规范性文件数共0条, a total of one kind."""
    clause = ANY_CHANNEL.sub("", clause)
    if CHANNEL_NAME.search(clause) or CHANNEL_VERB.search(clause):
        return False
    verbs = [m for m in ACTION_WORDS.finditer(clause) if not TOTAL_WORD.fullmatch(m.group())]
    counted = COUNT_WORDS.sub("", clause[verbs[-1].end() :] if verbs else clause).strip()
    if counted not in GENERIC_OBJECTS:
        return False
    if verbs and KIND_BEFORE_VERB.search(clause, 0, verbs[-1].start()):
        return False  # 重点领域信息公开24条: one kind of information, its object before the verb
    return bool(STATED_TOTAL.search(clause)) or (bool(verbs) and bool(PUBLISHED.fullmatch(verbs[-1].group())))


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
    breaks = [text.rfind(ch, 0, lc.claim.start) for ch in "，,、；;：:。！？!?\n"]
    return max(max(breaks) + 1, 0)


def _gaps(text: str, parts: Sequence[LinkedClaim]) -> Iterator[str]:
    for a, b in itertools.pairwise(parts):
        yield text[a.claim.end : b.claim.start]


def _sentence_end(text: str, at: int) -> int:
    m = STATEMENT_END.search(text, at)
    return m.start() if m else len(text)


def _may_be_part(lc: LinkedClaim, total: LinkedClaim) -> bool:
    """A later count of the total's sentence that its list could hold (not 点击量…次 after 731条)."""
    unit = lc.claim.unit
    return is_count(lc) and (unit == total.claim.unit or (unit in ITEM_MEASURES and total.claim.unit in ITEM_MEASURES))


def _next_opener(text: str, sentence_end: int, channels: bool) -> str | None:
    """The marker of a list that opens the sentence after a total's (发布信息共计615条。其中，…; 公开类型
    包括：…), CHANNEL_LABEL when, asked for, the next sentence opens with a channel (。通过门户网站发布…)."""
    if sentence_end >= len(text):
        return None
    following = text[sentence_end + 1 : sentence_end + 1 + MARKER_WINDOW].lstrip()
    if following.startswith(LIST_MARKERS):
        return _marker(following)
    named = NAMED_LIST.match(following)
    if named:
        return named.group(1)
    return CHANNEL_LABEL if channels and following.startswith(CHANNEL_OPENERS) else None


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
LITIGATION = ("litigation_direct.", "litigation_after_review.")
# Which linked totals can have which linked parts (key prefixes).  A part linked to anything else
# ("办结0件，其中予以公开0件，结转下年度1件": 结转) is the next item of the sentence, not a part;
# an unlinked part (by channel) may be one.
PART_OF: dict[str, tuple[str, ...]] = {
    # 共收到申请20件。其中，予以公开12件，…，结转下年度继续办理2件: the received by how they ended.
    RECEIVED: (RECEIVED, *RESULTS, "applications.carried_out."),
    "applications.results_total.": RESULTS,
    "stats.active.total": ("stats.active.",),
    "review.total": ("review.",),
    "litigation_direct.total": LITIGATION,
    "litigation_after_review.total": LITIGATION,
}
# Table 四's blocks: each block's total is its outcomes' sum, by the format (upheld + corrected + other +
# pending), so prose that follows a block's total with its outcomes lists its parts without a marker
# (行政复议9件，结果维持2件，结果纠正3件，其他结果4件).
OUTCOME_TOTALS = ("review.total", "litigation_direct.total", "litigation_after_review.total")
OUTCOMES = ("upheld", "corrected", "other", "pending")


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


def _outcome_parts(total: LinkedClaim, following: Sequence[LinkedClaim]) -> list[LinkedClaim]:
    """No marker: a block total of table 四 followed by its outcomes, the run of counts linked to them."""
    if not total.keys or not all(k.endswith(OUTCOME_TOTALS) for k in total.keys):
        return []
    run: list[LinkedClaim] = []
    for lc in following:
        outcome = lc.keys and all(k.rsplit(".", 1)[-1] in OUTCOMES for k in lc.keys)
        if not (is_count(lc) and outcome and same_measure(lc, total) and can_be_part(lc, total)):
            break
        run.append(lc)
    return run


def covers_outcomes(parts: Sequence[LinkedClaim]) -> bool:
    """The parts name every outcome of a table 四 block: all of its total."""
    named = {k.rsplit(".", 1)[-1] for p in parts for k in p.keys}
    return all(p.keys for p in parts) and named == set(OUTCOMES) and len(parts) == len(OUTCOMES)


def is_outcome_of(lc: LinkedClaim, part: LinkedClaim) -> bool:
    """The count is an outcome of a part's own block (行政复议7件，结果维持6件, 尚未审结1件): the part's list,
    not the total's."""
    blocks = {k.rsplit(".", 1)[0] for k in part.keys if k.endswith(".total")}
    return (
        bool(lc.keys)
        and bool(blocks)
        and all(k.rsplit(".", 1)[0] in blocks and not k.endswith(".total") for k in lc.keys)
    )


def can_be_part(part: LinkedClaim, total: LinkedClaim) -> bool:
    if not part.keys or not total.keys:
        return True
    allowed = next((parts for prefix, parts in PART_OF.items() if total.keys[0].startswith(prefix)), ())
    return all(k.startswith(allowed) for k in part.keys) if allowed else False
