"""Tests of the synthetic corpus generator (corpus/generate.py).

The truth files are checked against /work/shared/spec/fields.md written down
here as data (key patterns, per-format keys, arithmetic relations), not
against the generator's own tables, so a generator bug cannot hide itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from lxml import html as lxml_html

from corpus.generate import (
    generate_report,
    main,
    render_docx,
    render_html,
    render_pdf,
    render_text,
    report_rng,
)
from corpus.layout import Grid, document_blocks

SEED = 20240601
COUNT = 40
FULL_COUNT = 6
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "corpus" / "sample"
SAMPLE_SEED = 2021  # the seed documented in corpus/README.md
SAMPLE_COUNT = 8

# ------------------------------------------------------------------ fields.md as data --

APPLICANTS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")
COLUMNS = (*APPLICANTS, "total")
RESULT_ROWS_COMMON = (
    "granted",
    "partial",
    "denied.state_secret",
    "denied.law_prohibited",
    "denied.security",
    "denied.third_party",
    "denied.internal",
    "denied.process",
    "denied.enforcement_file",
    "denied.query",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "not_processed.petition",
    "not_processed.duplicate",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirmation",
)
RESULT_ROWS = {
    "2019": (*RESULT_ROWS_COMMON, "other"),
    "2021": (*RESULT_ROWS_COMMON, "other.overdue_correction", "other.overdue_fee", "other.other"),
}
ROWS = {fv: ("new", "carried_in", *rows, "results_total", "carried_out") for fv, rows in RESULT_ROWS.items()}
REVIEW_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
OUTCOMES = ("upheld", "corrected", "other", "pending")

_ROW_ALTERNATIVES = "|".join(re.escape(r) for r in sorted(set(ROWS["2019"]) | set(ROWS["2021"])))
VALID_KEY_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"active\.(regulations|normative)\.(made|published|total|issued|repealed|in_force)",
        r"active\.(licensing|other_services|penalty|coercion)\.(prev_items|change|decisions)",
        r"active\.fees\.(prev_items|change|amount)",
        r"active\.procurement\.(items|amount)",
        rf"applications\.({_ROW_ALTERNATIVES})\.({'|'.join(COLUMNS)})",
        rf"({'|'.join(REVIEW_BLOCKS)})\.(upheld|corrected|other|pending|total)",
    )
)
ACTIVE_KEYS = {
    "2019": {
        *(f"active.{item}.{col}" for item in ("regulations", "normative") for col in ("made", "published", "total")),
        *(
            f"active.{item}.{col}"
            for item in ("licensing", "other_services", "penalty", "coercion")
            for col in ("prev_items", "change", "decisions")
        ),
        "active.fees.prev_items",
        "active.fees.change",
        "active.procurement.items",
        "active.procurement.amount",
    },
    "2021": {
        *(
            f"active.{item}.{col}"
            for item in ("regulations", "normative")
            for col in ("issued", "repealed", "in_force")
        ),
        "active.licensing.decisions",
        "active.penalty.decisions",
        "active.coercion.decisions",
        "active.fees.amount",
    },
}
MONEY_KEYS = {"2019": {"active.procurement.amount"}, "2021": {"active.fees.amount"}}
FORMAT_YEARS = {"2019": range(2019, 2021), "2021": range(2021, 2026)}
SECTION_IDS = {"overview", "active", "applications", "review", "problems", "other", None}


def expected_keys(fv: str) -> set[str]:
    applications = {f"applications.{row}.{col}" for row in ROWS[fv] for col in COLUMNS}
    review = {f"{block}.{o}" for block in REVIEW_BLOCKS for o in (*OUTCOMES, "total")}
    return ACTIVE_KEYS[fv] | applications | review


def arithmetic_violations(tables: dict[str, Any], fv: str) -> list[str]:
    def v(key: str) -> float:
        value = tables[key]
        return 0 if value is None else value

    problems = []
    for row in ROWS[fv]:
        if sum(v(f"applications.{row}.{c}") for c in APPLICANTS) != v(f"applications.{row}.total"):
            problems.append(f"row {row}: applicants != total")
    for col in COLUMNS:
        results = sum(v(f"applications.{row}.{col}") for row in RESULT_ROWS[fv])
        if results != v(f"applications.results_total.{col}"):
            problems.append(f"column {col}: results rows != results_total")
        left = v(f"applications.new.{col}") + v(f"applications.carried_in.{col}")
        if left != v(f"applications.results_total.{col}") + v(f"applications.carried_out.{col}"):
            problems.append(f"column {col}: new + carried_in != results_total + carried_out")
    for block in REVIEW_BLOCKS:
        if sum(v(f"{block}.{o}") for o in OUTCOMES) != v(f"{block}.total"):
            problems.append(f"block {block}: outcomes != total")
    return problems


# ------------------------------------------------------------------ a tiny cell reader --

FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
CELL_RE = re.compile(r"(增加|增|减少|减|\+|-)?(\d+(?:\.\d+)?)(元|万元)?")


def read_cell(text: str | None) -> tuple[int | float | None, str | None]:
    """Value and unit of a cell as fields.md reads it."""
    stripped = (text or "").translate(FULLWIDTH).replace("\u3000", "").replace("\xa0", "").strip()
    if not stripped:
        return None, None
    if stripped in {"-", "—", "/"}:
        return 0, None
    match = CELL_RE.fullmatch(stripped)
    assert match, f"unreadable cell {text!r}"
    sign = -1 if match.group(1) in {"减少", "减", "-"} else 1
    number = float(match.group(2))
    return sign * (int(number) if number.is_integer() else number), match.group(3)


# ------------------------------------------------------------------ fixtures --


def truths(directory: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(directory.glob("*.truth.json")):
        yield path, json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus40(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus40")
    main([str(out), "--count", str(COUNT), "--seed", str(SEED), "--formats", "text,html", "--jobs", "1"])
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("full")
    main([str(out), "--count", str(FULL_COUNT), "--seed", str(SEED), "--jobs", "1"])
    return out


# ------------------------------------------------------------------ tests --


def test_cli_writes_count_reports(corpus40: Path) -> None:
    assert len(list(corpus40.glob("*.truth.json"))) == COUNT
    assert len(list(corpus40.glob("*.txt"))) == COUNT
    assert len(list(corpus40.glob("*.html"))) == COUNT


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    for run in ("a", "b"):
        main([str(tmp_path / run), "--count", "6", "--seed", str(SEED), "--formats", "text,html", "--jobs", "1"])
    for first in sorted((tmp_path / "a").iterdir()):
        assert first.read_bytes() == (tmp_path / "b" / first.name).read_bytes(), first.name
    report = generate_report(report_rng(SEED, 3), 3)
    again = generate_report(report_rng(SEED, 3), 3)
    assert render_text(report) == render_text(again)
    assert render_html(report) == render_html(again)
    assert render_docx(report) == render_docx(again)  # fixed zip timestamps
    assert render_pdf(report) == render_pdf(again)  # reportlab invariant mode
    other = generate_report(report_rng(SEED + 1, 3), 3)
    assert render_text(other) != render_text(report)


def test_report_depends_only_on_seed_and_index(tmp_path: Path, corpus40: Path) -> None:
    main([str(tmp_path), "--count", "3", "--seed", str(SEED), "--formats", "text", "--jobs", "2"])
    for path in sorted(tmp_path.glob("*.txt")):
        assert path.read_bytes() == (corpus40 / path.name).read_bytes()


def test_truth_keys_are_fields_md_keys(corpus40: Path) -> None:
    for path, truth in truths(corpus40):
        fv = truth["format_version"]
        for key in truth["tables"]:
            assert any(p.fullmatch(key) for p in VALID_KEY_PATTERNS), f"{path.name}: {key}"
        assert set(truth["tables"]) == expected_keys(fv), path.name
        # A unit is truth only where the document states it (cell or header); a bare "0" states none.
        assert set(truth["units"]) <= MONEY_KEYS[fv], path.name
        for key in MONEY_KEYS[fv] - set(truth["units"]):
            assert not truth["raw_cells"][key].strip().endswith("元"), (path.name, key)
        assert set(truth["units"].values()) <= {"元", "万元"}
        if fv == "2021":
            assert truth["units"]["active.fees.amount"] == "万元"


def test_truth_arithmetic(corpus40: Path) -> None:
    for path, truth in truths(corpus40):
        assert arithmetic_violations(truth["tables"], truth["format_version"]) == [], path.name


def test_truth_metadata(corpus40: Path) -> None:
    versions = set()
    for path, truth in truths(corpus40):
        fv = truth["format_version"]
        versions.add(fv)
        assert truth["year"] in FORMAT_YEARS[fv], path.name
        assert truth["agency"]
        ids = [s["id"] for s in truth["sections"]]
        assert set(ids) <= SECTION_IDS
        assert {"overview", "active", "applications", "review", "problems"} <= set(ids), path.name
        stem = path.name.removesuffix(".truth.json")
        assert truth["files"] == {"text": f"{stem}.txt", "html": f"{stem}.html"}
    assert versions == {"2019", "2021"}


def test_raw_cells_read_back_to_truth(corpus40: Path) -> None:
    for path, truth in truths(corpus40):
        for key, raw in truth["raw_cells"].items():
            value, unit = read_cell(raw)
            assert value == truth["tables"][key], f"{path.name}: {key} {raw!r}"
            if unit:
                assert truth["units"][key] == unit


def test_claims_agree_with_tables(corpus40: Path) -> None:
    for path, truth in truths(corpus40):
        for claim in truth["claims"]:
            if claim["keys"]:
                stated = sum(truth["tables"][k] or 0 for k in claim["keys"])
                assert claim["value"] == stated, f"{path.name}: {claim}"


def test_corpus_has_the_mess(corpus40: Path) -> None:
    seen: set[str] = set()
    for _, truth in truths(corpus40):
        raws = [r.replace("\u3000", "").replace("\xa0", "").strip() for r in truth["raw_cells"].values()]
        checks = {
            "null": None in truth["tables"].values(),
            "dash": any(r in {"-", "—", "/"} for r in raws),
            "signed": any(r[:1] in {"增", "减", "+"} or re.fullmatch(r"-\d+", r) for r in raws),
            "fullwidth": any(re.search("[０-９]", r) for r in raws),
            "money_suffix": any(r.endswith("元") for r in raws),
            "merged_zero_row": bool(truth["mess"]["merged_zero_rows"]),
            "pdf_split": truth["mess"]["pdf_table3_split"],
            "extra_section": any(s["id"] is None for s in truth["sections"]),
            "missing_other": all(s["id"] != "other" for s in truth["sections"]),
            "arabic_heading": any(re.match(r"\d+、", s["title"]) for s in truth["sections"]),
        }
        seen |= {name for name, present in checks.items() if present}
    assert seen == {
        "null",
        "dash",
        "signed",
        "fullwidth",
        "money_suffix",
        "merged_zero_row",
        "pdf_split",
        "extra_section",
        "missing_other",
        "arabic_heading",
    }


def test_text_layout_follows_the_seeds(corpus40: Path) -> None:
    for path, truth in truths(corpus40):
        text = (corpus40 / truth["files"]["text"]).read_bytes().decode(truth["text_encoding"])
        assert "\t申请人情况\n" in text
        assert "\t三、本年度办理结果\n\t（一）予以公开\n" in text
        assert "\n\t\n\t（二）部分公开" in text  # vertically merged label continues as an empty cell
        assert re.search(r"\t[^\n]*\n\n\n", text), path.name  # a table ends with two blank lines


def test_text_encodings(corpus40: Path) -> None:
    encodings = set()
    for _, truth in truths(corpus40):
        data = (corpus40 / truth["files"]["text"]).read_bytes()
        encoding = truth["text_encoding"]
        encodings.add(encoding)
        text = data.decode(encoding)
        assert truth["agency"] in text and "\t申请人情况" in text
        if encoding in {"gbk", "gb18030"}:
            assert data.decode("gb18030") == text
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
    assert {"gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"} <= encodings


def test_four_files_are_valid(full: Path) -> None:
    for path, truth in truths(full):
        files = truth["files"]
        assert set(files) == {"text", "docx", "pdf", "html"}
        for name in files.values():
            assert (full / name).stat().st_size > 0, name

        document = docx.Document(str(full / files["docx"]))
        assert len(document.tables) == 3
        xml = document.element.xml
        assert "w:gridSpan" in xml and "w:vMerge" in xml, path.name

        with pdfplumber.open(full / files["pdf"]) as pdf:
            assert len(pdf.pages) >= 2
            assert "政府信息公开" in (pdf.pages[0].extract_text() or "")

        tree = lxml_html.fromstring((full / files["html"]).read_bytes())
        assert tree.xpath("//td[@rowspan]") and tree.xpath("//td[@colspan]"), path.name


def _aligned_html(table: Any) -> dict[tuple[int, int], str]:
    grid: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.xpath("./tr")):
        c = 0
        for td in tr.xpath("./td"):
            while (r, c) in grid:
                c += 1
            rowspan, colspan = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = "".join(td.itertext()) if (dr, dc) == (0, 0) else ""
            c += colspan
    return grid


def test_html_and_docx_cells_carry_the_truth(full: Path) -> None:
    for index in range(FULL_COUNT):
        report = generate_report(report_rng(SEED, index), index)
        truth = json.loads((full / f"{report.stem}.truth.json").read_text(encoding="utf-8"))
        grids = [b for b in document_blocks(report) if isinstance(b, Grid)]
        tree = lxml_html.fromstring((full / truth["files"]["html"]).read_bytes())
        html_tables = [_aligned_html(t) for t in tree.xpath("//table[@border]")]
        docx_tables = docx.Document(str(full / truth["files"]["docx"])).tables
        assert len(html_tables) == len(docx_tables) == len(grids) == 3
        for grid, html_grid, docx_table in zip(grids, html_tables, docx_tables, strict=True):
            for cell in grid.cells:
                for key in cell.keys:
                    assert read_cell(html_grid[(cell.row, cell.col)])[0] == truth["tables"][key], key
                    assert read_cell(docx_table.cell(cell.row, cell.col).text)[0] == truth["tables"][key], key


def test_pdf_cells_carry_the_truth(full: Path) -> None:
    """pdfplumber drops columns a table piece has no rules for, so read values right-aligned."""
    for index in range(2):
        report = generate_report(report_rng(SEED, index), index)
        with pdfplumber.open(full / f"{report.stem}.pdf") as pdf:
            rows = [row for page in pdf.pages for table in page.extract_tables() for row in table]
        grids = [b for b in document_blocks(report) if isinstance(b, Grid)]
        assert len(rows) == sum(g.n_rows for g in grids)
        offset = 0
        for grid in grids:
            for r in range(grid.n_rows):
                value_cells = sorted((c for c in grid.cells if c.row == r and c.keys), key=lambda c: c.col)
                position = len(rows[offset + r]) - sum(c.colspan for c in value_cells)
                for cell in value_cells:
                    value = read_cell(rows[offset + r][position])[0]
                    assert all(value == report.tables[key] for key in cell.keys), (index, cell.keys)
                    position += cell.colspan
            offset += grid.n_rows


@pytest.mark.skipif(not SAMPLE_DIR.is_dir(), reason="corpus/sample not generated")
def test_committed_sample_is_current(tmp_path: Path) -> None:
    main([str(tmp_path), "--count", str(SAMPLE_COUNT), "--seed", str(SAMPLE_SEED), "--formats", "text,html"])
    for regenerated in sorted(tmp_path.glob("*.txt")) + sorted(tmp_path.glob("*.html")):
        assert regenerated.read_bytes() == (SAMPLE_DIR / regenerated.name).read_bytes(), regenerated.name
    sample_truths = list(truths(SAMPLE_DIR))
    assert len(sample_truths) == SAMPLE_COUNT
    assert sorted(t["format_version"] for _, t in sample_truths) == ["2019"] * 4 + ["2021"] * 4
    for path, truth in sample_truths:
        assert arithmetic_violations(truth["tables"], truth["format_version"]) == [], path.name
        assert all((SAMPLE_DIR / name).is_file() for name in truth["files"].values())
    assert sum(p.stat().st_size for p in SAMPLE_DIR.iterdir()) < 2_000_000
