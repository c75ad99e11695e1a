"""``gkaudit check --format text``: a readable Chinese report, each finding with its sentence beside its cells."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from extractor.checks.keys import describe_cell

SEVERITY_ZH = {"error": "错误", "warning": "提示", "info": "信息"}
STATUS_ZH = {"match": "一致", "mismatch": "不一致", "reconciled": "可调和", "unverifiable": "无法核对"}


def _cells_text(cells: dict[str, dict[str, Any]]) -> str:
    """Each cell by its reviewer's name, its value and, when it differs, the text as written."""
    lines = []
    for key, cell in cells.items():
        value = "空白" if cell.get("value") is None else cell["value"]
        raw = cell.get("raw")
        written = f"（原文“{raw}”）" if raw not in (None, str(value)) else ""
        lines.append(f"{describe_cell(key)[0]}：{value}{written}")
    return "\n".join(lines)


def render_check_text(result: dict[str, Any], width: int = 140) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None)
    title = f"{result['file']}：{result.get('agency') or '（未载明机关）'} {result.get('year') or ''} 年度报告"
    console.print(title)
    fmt = result.get("format_version") or "未识别"
    console.print(f"格式：{fmt}；章节 {len(result['sections'])} 个；表格字段 {len(result['tables'])} 个")
    counts = {s: sum(f["severity"] == s for f in result["findings"]) for s in SEVERITY_ZH}
    console.print("发现：" + "，".join(f"{SEVERITY_ZH[s]} {n} 项" for s, n in counts.items()))
    statuses = {s: sum(c["status"] == s for c in result["claims"]) for s in STATUS_ZH}
    console.print("正文数字：" + "，".join(f"{STATUS_ZH[s]} {n} 处" for s, n in statuses.items()))
    if result["findings"]:
        table = Table(show_lines=True, expand=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("问题", ratio=3, overflow="fold")
        table.add_column("正文", ratio=3, overflow="fold")
        table.add_column("表格", ratio=2, overflow="fold")
        for f in result["findings"]:
            ev = f.get("evidence", {})
            table.add_row(
                f"{f['rule']}\n{SEVERITY_ZH[f['severity']]}",
                f"{f['message_zh']}\n{f['message_en']}",
                ev.get("sentence", "") or ev.get("relation", ""),
                _cells_text(ev.get("cells", {})),
            )
        console.print(table)
    scored = result.get("completeness")
    if scored:
        console.print(f"“存在的主要问题及改进情况”完整度：{scored['score']:.0f} 分（等级 {scored['label']}/3）")
        for reason in scored.get("reasons_zh", []):
            console.print(f"  · {reason}")
    if result.get("quality") is not None:
        console.print(f"质量分：{result['quality']:.1f}")
    for w in result.get("warnings", []):
        console.print(f"解析提示：{w}")
    return buf.getvalue()
