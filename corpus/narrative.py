"""Section headings and narrative text, written from phrase banks of our own.

Every number a sentence states about a table value is taken from the truth
and recorded as a :class:`Claim`, so the narrative always agrees with the
tables.  No sentence here is taken from a real report.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.names import Agency
from corpus.schema import FORMAT_2019, FORMAT_2021, Value

CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Claim:
    """A number stated in the narrative; ``keys`` are the table keys it sums (empty if none)."""

    text: str
    value: int | float
    keys: tuple[str, ...] = ()
    approx: bool = False


# ------------------------------------------------------------- headings --

SECTION_TITLES: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况",),
    "active": ("主动公开政府信息情况",),
    "applications": ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请情况", "依申请公开情况"),
    "review": (
        "政府信息公开行政复议、行政诉讼情况",
        "政府信息公开行政复议、行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    ),
    "problems": ("存在的主要问题及改进情况", "存在的主要问题及改进情况", "存在问题及改进情况"),
    "other": ("其他需要报告的事项",),
}
STANDARD_ORDER = ("overview", "active", "applications", "review", "problems", "other")
EXTRA_TITLES = ("机构建设及组织保障情况", "下一步工作计划", "监督保障制度", "政务公开平台建设情况")
EXTRAS_AFTER_PROBLEMS = frozenset({"下一步工作计划"})
MISSING_OTHER_CHANCE = 0.12


@dataclass(frozen=True)
class Numbering:
    """Top-level heading numbering and the numbering of sub-items inside a section."""

    name: str
    top: Callable[[int], str]
    sub: Callable[[int], str]


NUMBERINGS: tuple[tuple[Numbering, float], ...] = (
    (Numbering("chinese", lambda i: f"{CN_NUMERALS[i]}、", lambda i: f"（{CN_NUMERALS[i]}）"), 0.72),
    (Numbering("arabic", lambda i: f"{i + 1}、", lambda i: f"（{CN_NUMERALS[i]}）"), 0.1),
    (Numbering("arabic_dot", lambda i: f"{i + 1}.", lambda i: f"（{CN_NUMERALS[i]}）"), 0.06),
    (Numbering("paren", lambda i: f"（{CN_NUMERALS[i]}）", lambda i: f"{i + 1}."), 0.12),
)


def draw_numbering(rng: random.Random) -> Numbering:
    numberings, weights = zip(*NUMBERINGS, strict=True)
    return rng.choices(numberings, weights)[0]


def section_plan(rng: random.Random) -> list[tuple[str | None, str]]:
    """(id or None, title without numbering) in reading order; extras go next to 存在问题."""
    plan: list[tuple[str | None, str]] = [(sid, rng.choice(SECTION_TITLES[sid])) for sid in STANDARD_ORDER]
    if rng.random() < MISSING_OTHER_CHANCE:
        plan.pop()
    extras = rng.sample(EXTRA_TITLES, rng.choices((0, 1, 2), (0.68, 0.24, 0.08))[0])
    for title in extras:
        problems_at = next(i for i, (sid, _) in enumerate(plan) if sid == "problems")
        after = title in EXTRAS_AFTER_PROBLEMS or rng.random() < 0.3
        plan.insert(problems_at + 1 if after else problems_at, (None, title))
    return plan


def number_headings(rng: random.Random, plan: list[tuple[str | None, str]], numbering: Numbering) -> list[str]:
    """Headings as written; a Chinese-numbered report sometimes slips into ``6、 `` once."""
    headings = [numbering.top(i) + title for i, (_, title) in enumerate(plan)]
    extras = [i for i, (sid, _) in enumerate(plan) if sid is None]
    if numbering.name == "chinese" and extras and rng.random() < 0.3:
        i = rng.choice(extras)
        headings[i] = f"{i + 1}、 {plan[i][1]}"
    return headings


# ------------------------------------------------------------ narrative --


@dataclass
class Context:
    rng: random.Random
    agency: Agency
    we: str
    year: int
    fv: str
    truth: dict[str, Value]
    sub: Callable[[int], str]
    claims: list[Claim] = field(default_factory=list)

    def n(self, *keys: str) -> int | float:
        """The stated number: the sum of the keys' values (blank cells are 0)."""
        return sum(self.truth.get(k) or 0 for k in keys)

    def say(self, template: str, *keys: str, value: int | float | None = None, approx: bool = False) -> str:
        """Format ``template`` with the number and record the claim."""
        number = self.n(*keys) if value is None else value
        text = template.format(number)
        self.claims.append(Claim(text, number, keys, approx))
        return text

    def fill(self, template: str, **extra: object) -> str:
        return template.format(we=self.we, year=self.year, superior=self.agency.superior, **extra)


OPENINGS = (
    "{year}年，{we}对照上级关于政务公开工作的部署要求，把公开透明作为依法履职的基本准则，"
    "稳步推进决策、执行、管理、服务、结果公开，全年工作总体平稳有序。",
    "{year}年度，{we}进一步健全政务公开工作机制，细化任务分工，落实专人负责，政府信息公开工作取得了新的进展。",
    "本年度，{we}坚持把政务公开作为改进作风、提升服务水平的重要抓手，持续规范公开行为，提升公开质量。",
    "{year}年，在{superior}的指导下，{we}结合自身职能，持续加强公开平台建设和内容保障，公开实效稳步提升。",
    "过去一年，{we}聚焦群众关心关注的事项，主动回应社会关切，不断拓展公开渠道，较好完成了全年政务公开任务。",
    "{year}年，{we}认真落实政府信息公开的各项制度要求，围绕中心工作抓公开、促规范，群众获取信息更加便捷。",
)
PREAMBLES = (
    "依照《中华人民共和国政府信息公开条例》的有关规定，{we}编制了{year}年度政府信息公开工作年度报告。"
    "报告中的统计数据截至{year}年12月31日。",
    "本年度报告由{we}依据《中华人民共和国政府信息公开条例》要求编写，所列数据的统计时段为{year}年全年。"
    "如对本报告有疑问，可通过门户网站留言咨询。",
)
CHANNELS = ("门户网站、政务新媒体", "政府网站信息公开专栏", "门户网站、微信公众号及公开栏", "政府网站和政务微博、微信")
SUBSECTION_TITLES: dict[str, tuple[str, ...]] = {
    "active": ("主动公开情况", "主动公开", "政府信息主动公开"),
    "applications": ("依申请公开情况", "依申请公开", "政府信息公开申请办理"),
    "management": ("政府信息管理", "政府信息管理情况"),
    "platform": ("平台建设情况", "公开平台建设"),
    "supervision": ("监督保障", "监督保障情况"),
}
MANAGEMENT = (
    "严格落实公开前保密审查，拟公开信息经经办人初审、科室负责人复核、分管领导审定后方可发布。",
    "对照基层政务公开标准目录，对本机关公开事项逐项梳理，动态更新政府信息公开指南和目录。",
    "建立公开信息台账，定期对已公开信息开展自查，对过时失效信息及时作出标注或撤除。",
    "完善依申请公开登记、审核、答复、归档全流程管理，确保每件申请有据可查。",
    "定期组织清理规范性文件，清理结果及时向社会公布。",
)
PLATFORM = (
    "持续加强网站信息公开专栏建设，优化栏目设置，提升信息检索的便捷度。",
    "用好政务微信公众号等新媒体平台，推动重要政策信息多渠道同步发布。",
    "在办事大厅设置政府信息查阅点，为群众现场查阅提供便利。",
    "对网站栏目开展常态化巡查，及时处理空白栏目和更新不及时等问题。",
)
SUPERVISION = (
    "将政务公开工作纳入年度目标考核，明确责任科室和责任人。",
    "主动接受社会监督，畅通咨询电话和网上留言渠道，及时回应群众关切。",
    "严格执行政府信息公开工作责任追究制度，本年度未发生责任追究情况。",
    "邀请群众代表对公开工作进行评议，根据评议意见改进工作。",
)
TABLE_SECTION_INTROS = ("具体情况见下表：", "有关数据统计如下：", "（单位：件）")
PROBLEMS = (
    "公开内容的深度和广度仍需进一步拓展",
    "政策解读形式较为单一，图表、视频等多样化解读偏少",
    "个别科室对信息公开的时效性重视不够，信息报送存在滞后",
    "工作人员业务能力有待提升，对条例条款的理解把握还不够精准",
    "依申请公开答复文书的规范化水平仍有提升空间",
    "政务新媒体内容更新频率不够稳定",
    "公开目录的动态调整不够及时",
    "与群众的互动交流还不够充分",
)
IMPROVEMENTS = (
    "加强业务培训，组织工作人员系统学习条例及配套制度，提升依法公开能力",
    "完善信息发布审核流程，压实科室责任，确保信息发布及时准确",
    "丰富政策解读形式，更多采用图解、问答等方式，增强解读的可读性",
    "加强对网站栏目的日常巡查，发现问题立即整改",
    "规范依申请公开办理流程，统一答复文书格式",
    "健全公开目录动态更新机制，做到应公开尽公开",
    "拓展互动渠道，认真倾听并及时回应群众诉求",
)
ORDINALS = ("一是", "二是", "三是", "四是")


def _pick(ctx: Context, bank: tuple[str, ...], lo: int, hi: int) -> str:
    return "".join(ctx.rng.sample(bank, ctx.rng.randint(lo, hi)))


def _enumerate_inline(ctx: Context, items: list[str]) -> str:
    if ctx.rng.random() < 0.7:
        return "；".join(ORDINALS[i] + item for i, item in enumerate(items))
    return "；".join(f"{i + 1}.{item}" for i, item in enumerate(items))


# ---- sentences with numbers ------------------------------------------------


ACTIVE_TABLE_CLAIMS: dict[str, tuple[tuple[str, str], ...]] = {
    FORMAT_2019: (
        ("办理行政许可{}件", "active.licensing.decisions"),
        ("作出行政处罚决定{}件", "active.penalty.decisions"),
    ),
    FORMAT_2021: (
        ("制发行政规范性文件{}件", "active.normative.issued"),
        ("现行有效行政规范性文件{}件", "active.normative.in_force"),
        ("作出行政许可决定{}件", "active.licensing.decisions"),
    ),
}


def active_sentences(ctx: Context) -> str:
    rng = ctx.rng
    total = rng.randint(20, 3000) if ctx.agency.level != "street" else rng.randint(10, 400)
    if rng.random() < 0.2:
        head = ctx.say("主动公开政府信息{}余条", value=max(10, total // 10 * 10), approx=True)
    else:
        head = ctx.say("主动公开政府信息{}条", value=total)
    parts = [f"全年通过{rng.choice(CHANNELS)}{head}"]
    stated = [(t, key) for t, key in ACTIVE_TABLE_CLAIMS[ctx.fv] if ctx.n(key)]
    parts += [ctx.say(t, key) for t, key in rng.sample(stated, min(len(stated), rng.randint(0, 2)))]
    return "，".join(parts) + "。"


def _change_clause(ctx: Context, new: int | float) -> str:
    """Sometimes compare with an (invented) previous year: signed claim value."""
    rng = ctx.rng
    if rng.random() < 0.6 or new == 0:
        return ""
    delta = rng.randint(1, max(2, int(new) // 2 + 1)) * rng.choice((1, -1))
    template = "较上年增加{}件" if delta > 0 else "较上年减少{}件"
    text = template.format(abs(delta))
    ctx.claims.append(Claim(text, delta))
    return "，" + text


def _zero(ctx: Context, text: str, *keys: str) -> str:
    """A sentence part stating that something did not happen (a claim of 0)."""
    ctx.claims.append(Claim(text, 0, keys))
    return text


def _received(ctx: Context) -> str:
    new = ctx.n("applications.new.total")
    if new == 0:
        return _zero(ctx, "未新收政府信息公开申请", "applications.new.total")
    return ctx.say("收到政府信息公开申请{}件", "applications.new.total") + _change_clause(ctx, new)


def _carried_in(ctx: Context, prefix: str = "") -> str:
    if ctx.n("applications.carried_in.total") == 0:
        return "" if prefix else _zero(ctx, "无上年结转申请", "applications.carried_in.total")
    return prefix + ctx.say("上年结转{}件", "applications.carried_in.total")


def _carried_out(ctx: Context) -> str:
    if ctx.n("applications.carried_out.total") == 0:
        return _zero(ctx, "无结转下年度办理的申请", "applications.carried_out.total")
    return ctx.say("结转下年度继续办理{}件", "applications.carried_out.total")


def _done(ctx: Context) -> str:
    return ctx.say("办结{}件", "applications.results_total.total")


# Each form is built only when chosen, so only stated numbers become claims.
APPLICATION_FORMS: tuple[Callable[[Context], str], ...] = (
    lambda ctx: f"全年共{_received(ctx)}，{_carried_in(ctx)}；已{_done(ctx)}，{_carried_out(ctx)}。",
    lambda ctx: (
        f"{ctx.year}年，{ctx.we}{_received(ctx)}，{_done(ctx)}，"
        f"{ctx.say('其中予以公开{}件', 'applications.granted.total')}，{_carried_out(ctx)}。"
    ),
    lambda ctx: (
        f"本年度{ctx.we}共{_received(ctx)}{_carried_in(ctx, '，加上')}，全年{_done(ctx)}，{_carried_out(ctx)}。"
    ),
)


def _only_carried_in(ctx: Context) -> str:
    return f"本年度{ctx.we}{_received(ctx)}，{_carried_in(ctx)}，{_done(ctx)}，{_carried_out(ctx)}。"


NO_APPLICATIONS = (
    "本年度{we}未收到政府信息公开申请。",
    "{year}年，{we}未收到公民、法人或其他组织提出的政府信息公开申请，亦无上年结转的申请。",
)


def application_sentences(ctx: Context) -> str:
    keys = ("applications.new.total", "applications.carried_in.total")
    if ctx.n(*keys) == 0:
        _zero(ctx, "未收到政府信息公开申请", *keys)
        return ctx.fill(ctx.rng.choice(NO_APPLICATIONS))
    if ctx.n("applications.new.total") == 0:
        return _only_carried_in(ctx)
    return ctx.rng.choice(APPLICATION_FORMS)(ctx)


LITIGATION_KEYS = ("litigation_direct.total", "litigation_after_review.total")
NO_REVIEW = (
    "全年未发生因政府信息公开引起的行政复议、行政诉讼案件。",
    "本年度{we}没有因政府信息公开工作被申请行政复议或者被提起行政诉讼。",
)


def review_sentences(ctx: Context) -> str:
    review, litigation = ctx.n("review.total"), ctx.n(*LITIGATION_KEYS)
    if review == 0 and litigation == 0:
        _zero(ctx, "未发生行政复议、行政诉讼", "review.total", *LITIGATION_KEYS)
        return ctx.fill(ctx.rng.choice(NO_REVIEW))
    if review == 0:
        first = _zero(ctx, "未发生政府信息公开行政复议", "review.total")
    else:
        first = ctx.say("因政府信息公开被申请行政复议{}件", "review.total")
        if ctx.rng.random() < 0.5:
            first += "，其中" + ctx.say("结果维持{}件", "review.upheld")
    if litigation == 0:
        return f"本年度{first}，{_zero(ctx, '未发生行政诉讼', *LITIGATION_KEYS)}。"
    return f"全年{first}，{ctx.say('被提起行政诉讼{}件', *LITIGATION_KEYS)}。"


def training_sentence(ctx: Context) -> str:
    sessions = ctx.say("组织政务公开业务培训{}次", value=ctx.rng.randint(1, 6))
    people = ctx.say("参训{}人次", value=ctx.rng.randint(10, 200))
    return f"{sessions}，{people}。"


def supervision_sentences(ctx: Context) -> str:
    general = _pick(ctx, SUPERVISION, 1, 2)
    return general + (review_sentences(ctx) if ctx.rng.random() < 0.6 else training_sentence(ctx))


# ---- sections -------------------------------------------------------------

SUBSECTION_BODIES: dict[str, Callable[[Context], str]] = {
    "active": active_sentences,
    "applications": application_sentences,
    "management": lambda ctx: _pick(ctx, MANAGEMENT, 1, 3),
    "platform": lambda ctx: _pick(ctx, PLATFORM, 1, 2),
    "supervision": supervision_sentences,
}
SUBSECTION_CHANCES = {"active": 0.85, "applications": 0.92, "management": 0.6, "platform": 0.5, "supervision": 0.6}


def overview_text(ctx: Context) -> list[str]:
    rng = ctx.rng
    paragraphs = [ctx.fill(rng.choice(OPENINGS))]
    if rng.random() < 0.25:
        flat = active_sentences(ctx) + application_sentences(ctx) + review_sentences(ctx)
        return [*paragraphs, flat]
    chosen = [name for name, chance in SUBSECTION_CHANCES.items() if rng.random() < chance]
    separate_lines = rng.random() < 0.4
    for i, name in enumerate(chosen):
        title = ctx.sub(i) + rng.choice(SUBSECTION_TITLES[name])
        body = SUBSECTION_BODIES[name](ctx)
        paragraphs.extend([title, body] if separate_lines else [f"{title}。{body}"])
    return paragraphs


def problems_text(ctx: Context) -> list[str]:
    rng = ctx.rng
    problems = rng.sample(PROBLEMS, rng.randint(2, 3))
    fixes = rng.sample(IMPROVEMENTS, rng.randint(2, 4))
    style = rng.randrange(3)
    if style == 0:
        return [
            f"{ctx.we}政府信息公开工作虽取得一定成效，但仍存在一些不足：{_enumerate_inline(ctx, problems)}。"
            f"下一步，{ctx.we}将重点做好以下工作：{_enumerate_inline(ctx, fixes)}。"
        ]
    if style == 1:
        return [
            "存在的主要问题：" + "；".join(problems) + "。",
            "改进措施：",
            *(f"{i + 1}．{fix}。" for i, fix in enumerate(fixes)),
        ]
    return [
        ctx.sub(0) + "存在的主要问题",
        f"{_enumerate_inline(ctx, problems)}。",
        ctx.sub(1) + "改进情况",
        f"针对上述问题，{ctx.we}将{'；'.join(fixes)}。",
    ]


OTHER_TEXTS: dict[str, tuple[str, ...]] = {
    FORMAT_2019: ("无。", "无", "本年度无其他需要报告的事项。", "{year}年，{we}没有其他需要报告的事项。"),
    FORMAT_2021: (
        "无。",
        "无",
        "{year}年，{we}未收取政府信息公开信息处理费。",
        "本年度{we}未发生信息处理费收费情况，无其他需要报告的事项。",
    ),
}


def other_text(ctx: Context) -> list[str]:
    if ctx.rng.random() < 0.2:
        motions = ctx.say("办理人大代表建议{}件", value=ctx.rng.randint(0, 40))
        proposals = ctx.say("政协委员提案{}件", value=ctx.rng.randint(0, 40))
        return [f"{ctx.year}年度，{ctx.we}共{motions}、{proposals}，办理结果均已按规定公开。"]
    return [ctx.fill(ctx.rng.choice(OTHER_TEXTS[ctx.fv]))]


def _staff_text(ctx: Context) -> list[str]:
    full = ctx.rng.randint(1, 3)
    part = ctx.rng.randint(0, 6)
    staff = ctx.say("现有从事政府信息公开工作人员{}名", value=full + part)
    return [
        f"{ctx.we}政务公开工作由分管负责同志牵头，办公室承担日常工作，{staff}，其中专职{full}名、兼职{part}名。",
        f"本年度{ctx.say('召开政务公开专题会议{}次', value=ctx.rng.randint(1, 5))}，研究部署相关工作。",
    ]


EXTRA_BODIES: dict[str, Callable[[Context], list[str]]] = {
    "机构建设及组织保障情况": _staff_text,
    "下一步工作计划": lambda ctx: [
        f"下一步，{ctx.we}将继续深化政务公开，重点抓好以下工作："
        f"{_enumerate_inline(ctx, ctx.rng.sample(IMPROVEMENTS, 3))}。"
    ],
    "监督保障制度": lambda ctx: [_pick(ctx, SUPERVISION, 2, 3)],
    "政务公开平台建设情况": lambda ctx: [_pick(ctx, PLATFORM, 2, 3)],
}


def table_section_text(ctx: Context) -> list[str]:
    return [ctx.rng.choice(TABLE_SECTION_INTROS)] if ctx.rng.random() < 0.15 else []


SECTION_BODIES: dict[str, Callable[[Context], list[str]]] = {
    "overview": overview_text,
    "active": table_section_text,
    "applications": table_section_text,
    "review": table_section_text,
    "problems": problems_text,
    "other": other_text,
}


def section_body(ctx: Context, section_id: str | None, title: str) -> list[str]:
    if section_id is None:
        return EXTRA_BODIES[title](ctx)
    return SECTION_BODIES[section_id](ctx)


# ---- title and preamble ---------------------------------------------------

TITLE_FORMS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("{agency}{year}年政府信息公开工作年度报告",), 0.4),
    (("{agency}{year}年度政府信息公开工作年度报告",), 0.2),
    (("{year}年政府信息公开工作年度报告", "（{agency}）"), 0.15),
    (("{agency}", "{year}年政府信息公开工作年度报告"), 0.15),
    (("{agency}{year}年政府信息公开", "工作年度报告"), 0.1),
)


def title_lines(rng: random.Random, agency: Agency, year: int) -> tuple[str, ...]:
    forms, weights = zip(*TITLE_FORMS, strict=True)
    return tuple(line.format(agency=agency.name, year=year) for line in rng.choices(forms, weights)[0])


def preamble(ctx: Context) -> tuple[str, ...]:
    return (ctx.fill(ctx.rng.choice(PREAMBLES)),) if ctx.rng.random() < 0.45 else ()
