"""A district's year, as a reviewer receives it: the demo corpus (``corpus/district``).

One invented district (凤栖市澄川区: its government, its departments, its streets and towns),
every body with two consecutive reports, each in the format its body happened to publish
(mostly web pages and text, some PDFs, a few DOCX), and the groups file a 政务公开办 keeps.

- Year two's 上年结转 equals year one's 结转下年度继续办理 per applicant column, except for
  the bodies of ``CARRY_MISMATCH`` (GK601 should flag them);
- the bodies of ``COPIED_PROBLEMS`` paste last year's 存在的主要问题及改进情况 (GK602, same body);
- the bodies of ``CELL_TYPOS`` mistype one table 三 cell in one year (table arithmetic errors);
- ``groups.csv`` lists every body, and one that published nothing (a warning when ranking).

Command line::

    python -m corpus.district corpus/district [--seed 2025]

writes ``YEAR/NAME.{html,txt,pdf,docx}``, ``groups.csv`` and ``manifest.json``; the same seed
gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus.blueprint import GeneratedReport
from corpus.generate import RENDERINGS, generate_report
from corpus.names import Agency
from corpus.schema import APPLICANTS, application_key

CITY, DISTRICT = "凤栖市", "澄川区"
PREFIX = CITY + DISTRICT
YEARS = (2024, 2025)
DEFAULT_SEED = 2025

# Departments: (name after the district, the 归口 that oversees it); streets and towns: (name, 片区).
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("人民政府办公室", "综合"),
    ("发展和改革局", "经济发展"),
    ("科学技术和工业信息化局", "经济发展"),
    ("财政局", "经济发展"),
    ("商务局", "经济发展"),
    ("统计局", "经济发展"),
    ("市场监督管理局", "经济发展"),
    ("农业农村局", "经济发展"),
    ("审计局", "综合"),
    ("司法局", "综合"),
    ("应急管理局", "综合"),
    ("退役军人事务局", "社会事业"),
    ("教育局", "社会事业"),
    ("民政局", "社会事业"),
    ("人力资源和社会保障局", "社会事业"),
    ("卫生健康局", "社会事业"),
    ("医疗保障局", "社会事业"),
    ("文化和广电旅游体育局", "社会事业"),
    ("住房和城乡建设局", "城市建设与管理"),
    ("交通运输局", "城市建设与管理"),
    ("水利局", "城市建设与管理"),
    ("城市管理局", "城市建设与管理"),
    ("生态环境分局", "城市建设与管理"),
    ("自然资源和规划分局", "城市建设与管理"),
)
STREETS: tuple[tuple[str, str], ...] = (
    ("青屏", "东片"),
    ("云渚", "东片"),
    ("桐浦", "东片"),
    ("沅湾", "南片"),
    ("澄林", "南片"),
    ("岚坪", "南片"),
    ("汀洲", "西片"),
    ("霁源", "西片"),
    ("崇岗", "西片"),
    ("璟峰", "北片"),
    ("芷栖", "北片"),
    ("漪澜", "北片"),
)
TOWNS: tuple[tuple[str, str], ...] = (("樟溪", "北片"), ("枫泽", "西片"))
# A body in the groups file that published no report: the ranking warns about it.
SILENT_BODY = ("档案馆", "综合")

# Formats as bodies publish them; a body keeps last year's format with KEEP_FORMAT chance.
FORMAT_WEIGHTS = {"html": 0.43, "text": 0.28, "pdf": 0.17, "docx": 0.12}
KEEP_FORMAT = 0.75
# Bodies (by position in ``bodies()``) whose second year breaks the carry-over, or copies its problems.
CARRY_MISMATCH = frozenset({3, 11, 19, 30})
COPIED_PROBLEMS = frozenset({5, 14, 22, 33, 37})
# Bodies whose report of a year has a typo in one table cell (the true value + 7): arithmetic findings.
CELL_TYPOS: dict[int, tuple[int, str]] = {
    2: (2025, "applications.new.total"),
    9: (2024, "applications.results_total.total"),
    16: (2025, "applications.granted.total"),
    27: (2025, "applications.new.total"),
    35: (2024, "applications.granted.total"),
}
TYPO_DELTA = 7
GROUP_HEADER = ("机关", "归口", "片区", "类型")


@dataclass(frozen=True)
class Body:
    agency: Agency
    parent: str  # 归口
    region: str  # 片区
    kind: str  # 类型

    @property
    def short_name(self) -> str:
        """The name without the city: the file name the reviewer saves it under."""
        return self.agency.name.removeprefix(CITY)


def bodies() -> list[Body]:
    """The district's bodies in a fixed order: the government, its departments, streets, towns."""
    out = [Body(Agency(f"{PREFIX}人民政府", "county_gov", "区人民政府", "市政务公开办"), "区政府", "区直", "区政府")]
    for dept, parent in DEPARTMENTS:
        out.append(Body(Agency(PREFIX + dept, "district_bureau", dept, "区政府办公室"), parent, "区直", "区政府部门"))
    for name, region in STREETS:
        agency = Agency(f"{PREFIX}{name}街道办事处", "street", f"{name}街道", "区政务公开办")
        out.append(Body(agency, "街镇", region, "街道办事处"))
    for name, region in TOWNS:
        agency = Agency(f"{PREFIX}{name}镇人民政府", "street", f"{name}镇", "区政务公开办")
        out.append(Body(agency, "街镇", region, "镇"))
    return out


def body_rng(seed: int, index: int, purpose: str) -> random.Random:
    return random.Random(f"gkaudit-district:{seed}:{index}:{purpose}")


def draw_formats(rng: random.Random) -> tuple[str, ...]:
    """The format of each year's report: drawn for the first, mostly kept after."""
    names, weights = zip(*FORMAT_WEIGHTS.items(), strict=True)
    first = rng.choices(names, weights)[0]
    formats = [first]
    for _ in YEARS[1:]:
        formats.append(formats[-1] if rng.random() < KEEP_FORMAT else rng.choices(names, weights)[0])
    return tuple(formats)


def carried_out(report: GeneratedReport) -> dict[str, int]:
    """The report's 结转下年度继续办理 per applicant column: next year's 上年结转."""
    return {column: int(report.tables[application_key("carried_out", column)] or 0) for column in APPLICANTS}


def broken_carry(carried: dict[str, int], rng: random.Random) -> dict[str, int]:
    """Last year's carry-over misstated in one column (the natural person's, most used): off by 1–3."""
    return carried | {"natural_person": carried["natural_person"] + rng.randint(1, 3)}


def with_problems_of(report: GeneratedReport, source: GeneratedReport) -> GeneratedReport:
    """The report with its 存在的主要问题及改进情况 pasted from ``source`` (last year's)."""
    pasted = next(text for sid, _, text in source.sections if sid == "problems")
    sections = tuple((sid, heading, pasted if sid == "problems" else text) for sid, heading, text in report.sections)
    return replace(report, sections=sections)


def with_cell_typo(report: GeneratedReport, key: str) -> GeneratedReport:
    """The report with one cell mistyped (its value + TYPO_DELTA, or a stray number where it was blank)."""
    written = report.cells.get(key, "")
    typo = str(int(written) + TYPO_DELTA) if written.isdigit() else str(TYPO_DELTA)
    return replace(report, cells=report.cells | {key: typo})


def body_reports(seed: int, index: int, body: Body) -> list[GeneratedReport]:
    """The body's report of each year, the carry-over (and the problems, for some) linked to the year before."""
    twist = body_rng(seed, index, "twist")
    reports: list[GeneratedReport] = []
    for n, year in enumerate(YEARS):
        carried = None
        if reports:
            carried = carried_out(reports[-1])
            if index in CARRY_MISMATCH:
                carried = broken_carry(carried, twist)
        rng = body_rng(seed, index, str(year))
        report = generate_report(rng, 2 * index + n, agency=body.agency, year=year, carried_in=carried)
        if reports and index in COPIED_PROBLEMS:
            report = with_problems_of(report, reports[-1])
        if CELL_TYPOS.get(index, (None,))[0] == year:
            report = with_cell_typo(report, CELL_TYPOS[index][1])
        reports.append(replace(report, stem=body.short_name))
    return reports


def groups_csv(all_bodies: Sequence[Body]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GROUP_HEADER)
    for b in all_bodies:
        writer.writerow((b.agency.name, b.parent, b.region, b.kind))
    writer.writerow((PREFIX + SILENT_BODY[0], SILENT_BODY[1], "区直", "区政府部门"))
    return out.getvalue()


def write_district(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Write the district's reports, ``groups.csv`` and ``manifest.json``; return the manifest."""
    all_bodies = bodies()
    manifest: dict[str, Any] = {"district": PREFIX, "years": list(YEARS), "seed": seed, "bodies": []}
    for index, body in enumerate(all_bodies):
        formats = draw_formats(body_rng(seed, index, "formats"))
        files = {}
        for report, fmt in zip(body_reports(seed, index, body), formats, strict=True):
            suffix, render = RENDERINGS[fmt]
            path = Path(str(report.year)) / f"{body.short_name}{suffix}"
            (out_dir / path.parent).mkdir(parents=True, exist_ok=True)
            (out_dir / path).write_bytes(render(report))
            files[str(report.year)] = path.as_posix()
        manifest["bodies"].append(
            {
                "agency": body.agency.name,
                "parent": body.parent,
                "region": body.region,
                "type": body.kind,
                "files": files,
                "carry_mismatch": index in CARRY_MISMATCH,
                "copied_problems": index in COPIED_PROBLEMS,
                "cell_typo": dict([CELL_TYPOS[index]]) if index in CELL_TYPOS else {},
            }
        )
    (out_dir / "groups.csv").write_text(groups_csv(all_bodies), encoding="utf-8")
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.district", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    manifest = write_district(args.out_dir, args.seed)
    print(f"wrote {len(manifest['bodies'])} bodies x {len(YEARS)} years to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
