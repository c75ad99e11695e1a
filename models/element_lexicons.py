"""The words and patterns behind the completeness elements, as data.

Every entry applies to *normalised* text (see :mod:`models.normalize`): simplified
characters, NFKC forms, so full-width ``，；：（）％`` have become ``,;:()%`` while
``。、“”《》`` stay as they are.  Adding a stock phrase, a marker or a topic is one
entry here; :mod:`models.features` holds no Chinese words of its own.
"""

from __future__ import annotations

# One screen per lexicon: compact rows rather than one word per line.
# fmt: off

# Boilerplate that can be written about any body in any year (套话).  A clause
# holding one of these and no specificity marker counts towards the stock ratio.
STOCK_PHRASES: tuple[str, ...] = (
    "有待提高", "有待提升", "有待完善", "有待进一步", "有待改进", "仍需加强", "还需加强", "仍需提升",
    "还需提升", "仍需进一步", "还需进一步", "意识不强", "意识不够", "重视不够",
    "不够及时", "不够全面", "不够深入", "不够到位", "不够规范", "不够完善", "不够丰富", "不够充分",
    "力度不足", "力度还不够", "水平不高", "进一步加强", "进一步提高", "进一步提升", "进一步完善", "进一步规范",
    "进一步强化", "不断提升", "不断提高", "不断完善", "不断加强",
    "切实提高", "持续推进", "持续加强", "加以改进",
    "知情权", "透明政府", "服务型政府",
    "取得了一定成效", "取得一定成效", "取得了一定成绩", "存在一些不足", "仍存在一些",
    "一定差距", "薄弱环节", "制度化", "规范化水平", "质量和水平", "抓实抓细", "新进展",
    "新成效", "总体运行平稳", "有序推进", "稳步推进", "扎实推进", "群众期盼", "上级要求", "积极探索", "努力提升",
    "全面提升", "大力推进", "参差不齐", "较为单一", "不够平衡", "仍有差距", "主动性", "创新性", "深度和广度",
    "工作合力", "统筹协调", "抓实抓细", "长效化", "针对性", "不够高",
    "不够强", "还不够", "质量不高", "有所欠缺",
    "存在不足", "继续完善", "继续加强", "继续推进", "能力水平", "日常维护", "认识不足",
)

# A clause naming something wrong.  Checked before the measure verbs: "有待提高" is
# a problem, "提高…" alone is a measure.  The last row is for evidence, which states
# facts rather than faults: "只设1个账号", "仅1篇", "有12件未…", "超过20个工作日".
PROBLEM_MARKERS: tuple[str, ...] = (
    "不够", "不足", "有待", "欠缺", "缺乏", "不强", "不高", "不及时", "不规范", "不到位", "不完善", "不健全",
    "不均衡", "不平衡", "不统一", "不便", "不畅", "不广", "不专业", "较少", "偏少", "偏低", "偏慢", "单一", "滞后",
    "延迟", "超期", "逾期", "超时", "遗漏", "漏报", "错误", "差错", "未能", "未及时", "未按", "未同步", "未公开",
    "未更新", "未发布", "未明确", "未建立", "未落实", "未纳入", "没有", "尚未", "薄弱", "差距", "短板", "空白",
    "失效", "死链", "错链", "不准确", "不一致", "仍需", "还需", "难以", "困难", "较慢", "较低", "较为简单",
    "未", "只有", "只设", "只是", "只能", "仅", "超过", "纠错", "撤回", "低于", "靠后", "落后", "不满意", "不同步",
    "率低", "度低", "需进一步", "需要进一步", "尚需", "亟待", "亟需",
)

# "问题" alone is too common ("解决实际问题中"); it marks a problem only in these shapes.
# Lateness stated as a fact ("平均9个工作日才回复") is a problem too.
PROBLEM_PATTERNS: tuple[str, ...] = (
    r"存在[^,。;]{0,24}问题", r"[^,。;]{2,}等问题", r"问题(?:较为|比较|十分)?(?:突出|明显)",
    r"\d+\s*(?:个工作日|天|日|个月|周)才",
)

# A clause that proposes or reports action.  Future or commitment words turn a
# clause with a problem word ("针对…不足的问题，将…") into a measure.
FUTURE_MARKERS: tuple[str, ...] = (
    "拟", "计划", "下一步将", "下一步我", "下一步,", "下阶段", "接下来", "今后", "力争", "确保", "争取", "着力",
    "针对", "整改措施", "为此", "对此",
)
# "将" is a future only when an action follows closely ("将进一步加强", "将认真研究"),
# not in "各科室将信息提供给办公室".
WILL = "将"
WILL_REACH = 6
WILL_ADVERBS: tuple[str, ...] = (
    "进一步", "继续", "持续", "着力", "切实", "认真", "全面", "重点", "加快", "不断", "从", "采取", "以", "在", "把",
    "研究", "抓好", "做好",
)
MEASURE_VERBS: tuple[str, ...] = (
    "加强", "完善", "建立", "健全", "推进", "推动", "开展", "组织", "制定", "修订", "编制", "落实", "整改", "优化",
    "丰富", "拓宽", "强化", "提升", "提高", "规范", "明确", "实行", "实施", "探索", "增加", "补发", "补充", "清理",
    "培训", "督促", "督导", "抽查", "巡查", "通报", "上线", "改版", "纳入", "设立", "开设", "配备", "压实", "加大",
    "扩大", "召开", "梳理", "核查", "排查", "更新", "建设", "增设", "发布", "制作", "印发", "考核", "调整",
    "开通", "补齐", "补录", "修复", "复核", "公布", "推行", "分设", "细化", "统一",
)

# Words that open the measures half of a section; clauses after one default to
# measures.
MEASURE_HEADINGS: tuple[str, ...] = (
    "改进措施", "改进情况", "整改措施", "下一步", "下阶段", "工作计划", "针对上述问题", "针对存在问题",
    "针对以上问题", "针对这些问题", "加以改进", "采取以下措施", "以下工作",
)

# What a specific statement carries: how much, by when, where (a named system,
# column or document), and who.  Keyed by name so a reason can say which.
SPECIFICITY_PATTERNS: dict[str, str] = {
    "number": (
        r"\d+(?:\.\d+)?\s*(?:%|个工作日|个|件|条|次|项|篇|家|份|天|日内|小时|人次|名|人|处|期|场|批|万|余)"
        r"|(?<![一二三四五六七八九十])[两三四五六七八九十百千]+(?:个工作日|个月|次|件|条|篇|名|家|天|周)"
    ),
    "deadline": (
        r"(?:\d{4}年)?\d{1,2}月(?:底|末|中旬|上旬|下旬|\d{1,2}日)?(?:前|之前|以前)|年底前|年内完成|"
        r"第[一二三四1-4]季度|每(?:月|季度|周|半年)|\d{4}年(?:底|末|上半年|下半年)"
    ),
    "named": (
        r"“[^”]{2,16}”(?:栏目|专栏|平台|系统|制度|机制|模块|专区|小程序|公众号)"
        r"|《[^》]{2,30}(?:办法|规定|细则|制度|规程|清单|指引|方案)》"
    ),
    "responsible": (
        r"由[^,。;]{1,14}(?:负责|牵头|承办|落实|组织)|(?:办公室|办公厅|科|处|股|中心|党政办|站|所)(?:牵头|负责)|"
        r"责任人|专人负责|明确专人|责任到人"
    ),
}

# Last year's problems and what became of them: both a reference and a result.
LAST_YEAR_REFERENCES: tuple[str, ...] = (
    "上年度", "上一年度", "上年", "去年", "上一年", "前一年度", "上期年报", r"\d{4}年度?(?:年报|年度报告|报告)",
)
RECTIFICATION_WORDS: tuple[str, ...] = (
    "已整改", "整改完成", "完成整改", "整改到位", "已完成", "已落实", "已解决", "得到解决", "已补发", "已清理",
    "已上线", "已建立", "已修订", "已全部", "降至", "下降", "缩短", "已于", "均已", "全部完成", "逐项整改",
    "整改情况", "已得到",
)

# A whole section that says there is nothing to report.
NOTHING_TO_REPORT: tuple[str, ...] = (
    r"^\s*(?:无|暂无|没有|无\.|/|-+|——)\s*[。.]?\s*$", r"未发现(?:存在)?(?:的)?(?:明显|主要|突出)?(?:的)?问题",
    r"无(?:需要|需|应当)?(?:报告|说明)的(?:事项|问题|情况)",
    r"(?:本年度|今年|年内)?(?:无|不存在)(?:此类|相关|上述|明显|主要|突出)?(?:的)?(?:情况|问题)", r"无存在的主要问题",
)

# What a problem or a measure is about, for pairing one with the other.
TOPICS: dict[str, tuple[str, ...]] = {
    "解读": ("解读", "图解", "问答", "政策文件"),
    "依申请": (
        "依申请", "申请人", "申请件", "告知书", "答复文书", "答复期限", "超期答复", "复议", "纠错", "登记", "法定期限",
        "受理",
    ),
    "网站": ("网站", "栏目", "门户", "链接", "页面", "专栏"),
    "新媒体": ("新媒体", "公众号", "微信", "微博", "抖音", "小程序", "视频号"),
    "队伍": ("队伍", "人员", "培训", "业务能力", "专业", "兼职", "联系员", "联络员", "跟班", "交接"),
    "目录": ("目录", "清单", "事项"),
    "审查": ("审核", "审查", "三审", "发布流程", "个人信息", "脱敏"),
    "基层": ("基层", "标准化", "社区", "村务", "居务", "公开栏"),
    "决策": ("预公开", "意见征集", "征求意见", "决策", "听证", "座谈", "采纳"),
    "平台": ("平台", "系统", "信息化", "数字化", "账号", "端口", "录入"),
    "重点领域": ("预决算", "预算", "决算", "财政", "重点领域", "重大项目", "建设项目", "招投标"),
    "互动": ("互动", "回应", "关切", "留言", "咨询", "热线", "舆情", "诉求"),
    "宣传": ("宣传", "渠道", "途径", "知晓", "载体", "查阅点", "政务公开日"),
    "机制": ("协同", "协调", "分工", "报送", "考核", "通报"),
    # 政府信息管理 is one of the areas the official report template itself reports on.
    "信息管理": ("信息管理", "档案", "归档", "检索", "存档"),
}
# A topic word followed by 化 names a quality ("系统化、专业化、规范化的手段"), not the topic.
TOPIC_NOT_BEFORE = "化"

# A clause that only announces that problems follow ("但也存在一些不足:"), and a
# short line that heads the problems or the measures half of a section.
# Matches are cut out of a clause before its problem words are looked for.
ANNOUNCEMENTS: tuple[str, ...] = (
    r"(?:但|但是|然而|同时)?(?:也|仍|还|仍然|依然)?(?:存在|有)(?:着)?(?:以下|如下|一些|一定的?|某些|部分)?"
    r"(?:不足|问题|差距|薄弱环节|短板)(?:和不足|和问题|和差距|与不足)?(?:之处)?$",
    r"^(?:存在的)?(?:主要)?问题(?:主要)?(?:有|是|表现在|如下)?(?:以下几个方面)?$", r"^主要(?:表现在|包括|有|是)$",
    r"需要加强和改进的地方$", r"^对照.{0,12}(?:要求|期待|期盼)$", r"未(?:发生|出现)",
    r"^(?:但|对于|针对)?(?:这些|上述|以上|此类)(?:不足|问题)$",
)
PROBLEM_HEADINGS: tuple[str, ...] = (
    "存在的主要问题", "存在问题", "主要问题", "存在的问题", "问题和不足",
)

# Enumeration markers that open an item: 一是 / (一) / 1. / 1、/ ① / 第一,
ENUMERATION = (
    r"(?:[一二三四五六七八九十]+是|\([一二三四五六七八九十]+\)|(?<![\d.])\d{1,2}[.、](?!\d)|[①②③④⑤⑥⑦⑧⑨]"
    r"|第[一二三四五六七八九十]+,)"
)

# Stock ratio above which a reason calls the section boilerplate-heavy.
HIGH_STOCK_RATIO = 0.4
# fmt: on
# fmt: off

# ---------------------------------------------------------------- the annotators' elements
# What models.rubric reads to mark the six elements of GUIDE.md ("Real sections").  General
# patterns of the domain, never phrases of one report.

# A problem says *how* the work fails (problems_specific), not only that an area is weak:
# something not done, late, done by whom, through which step, with what effect.
FAILURE_PATTERNS: tuple[str, ...] = (
    r"(?:未能|未经|没有|未)(?!来|发生|出现|发现)[\u4e00-\u9fff]",
    r"延迟|滞后|超期|逾期|迟滞|积压|拖延",
    r"兼职|借调|抽调|流动性|频繁更换|身兼数职|配备不足|无专人",
    r"导致|以致|致使|造成",
    r"(?:步骤|环节|流程)(?:多|繁琐|冗长)|耗时",
    r"只有|只能|仅(?:有|能|靠|由|设)|唯一",
    r"不一致|不准确|错误|差错|失效|死链|错链|遗漏|漏报|重复发布|混淆|错放",
)

# Evidence a reader could check in the problems: a count, a rate or a frequency (years do not
# count), or the named systems, accounts and channels the problem sits in.
# An ordinal (第3条, 第十九条: an article, an item of a list) is not a count.
EVIDENCE_NUMBER = (
    r"(?:(?<![第\d.])\d+(?:\.\d+)?\s*(?:%|个工作日|个|件|条|次|项|篇|家|份|天|小时|人次|名|人|处|期)"
    r"|(?<![第一二两三四五六七八九十百])[一二两三四五六七八九十百]+(?:次(?!性)|件|条(?!龙)|篇|个工作日|家|名))"
)
EVIDENCE_CHANNELS: tuple[str, ...] = (
    "官网", "门户网站", "政府网站", "公众号", "微博", "视频号", "抖音", "小程序", "客户端", "账号",
    "端口", "办公系统", "业务系统", "热线", "公开栏", "查阅点", "栏目", "专栏", "数据库",
)
# Named channels in the problems that make them checkable without a figure.
MIN_EVIDENCE_CHANNELS = 1
# A channel only gestured at ("部分栏目", "个别单位的公众号") names none a reader could check.
GENERIC_QUANTIFIER = r"(?:部分|个别|少数|一些|有的|某些|各类|各)[^,。;:]{0,4}$"

# A measure a reader could check (measures): a tool, a template, a routine check, a rule with
# a name, a way of teaching staff, a form or channel of publication.
CONCRETE_MEASURE_PATTERNS: tuple[str, ...] = (
    r"模板|范本|台账|账号|权限|指引|手册|操作规程",
    r"(?:编制|编印|梳理|更新)[^,。;]{0,8}(?:目录|清单)|(?:目录|清单)(?:编制|动态更新)",
    r"巡查|抽查|检查|核查|自查|复查|回头看",
    r"“[^”]{2,12}”(?:机制|制度|程序|模式|平台|专栏|栏目|工作法)",
    r"跟班|结对|传帮带|轮岗|以案|案例库|一对一|手把手",
    r"座谈会|听证会|问卷|民意调查|在线访谈|新闻发布会|答记者问|图解|图表|动漫|视频|音频|长图|H5",
    r"对[^,。;]{2,12}(?:联系员|联络员|新上岗人员|工作人员|经办人员)(?:开展|进行|组织)",
    r"增设|开设|上线|开通|新建",
    # Publishing named kinds of information ("公开A、B、C等信息"): a reader can look for each.  The
    # list's 、 may have become "," (models.elements joins a prose unit's clauses with one).
    r"(?:公开|公布|发布)(?:[^,。;、]{2,8}[、,]){2,}[^,。;、]{2,8}等(?:方面|领域)?的?(?:信息|内容|文件|数据)",
)

# Who (a unit below the body as a whole) or by when: a frequency or "next year" does not count.
OWNER_PATTERNS: tuple[str, ...] = (
    r"由[^,。;]{1,14}(?:负责|牵头|承办|落实)", r"由(?!于)[^,。;]{1,12}对",
    r"(?:办公室|办公厅|政务公开办|公开办|科|处|股|中心|党政办|站|所|局)(?:牵头|负责|承办)(?!人)",
    r"责任到人|专人负责|明确专人",
)
DEADLINE_PATTERNS: tuple[str, ...] = (
    r"(?:\d{4}年)?\d{1,2}月(?:底|末|中旬|上旬|下旬|\d{1,2}日)?(?:前|之前|以前)",
    r"年底前|年内完成|年底完成|(?:第[一二三四1-4]|一|二|三|四)季度(?:前|末|内|完成)",
    r"\d{4}年(?:底|末|上半年|下半年)(?:前|完成)?", r"\d+个?(?:工作日|月)内(?:完成|整改)",
)
# fmt: on
