"""Groups files (body → parent/region/type), rankings by group, and `gkaudit rank --groups/--by`.

The module's ``district`` fixture (a small store of the demo district's reports, audited in
process with the corpus checks run) is shared with tests/test_exports.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.district import CARRY_MISMATCH, CELL_TYPOS, COPIED_PROBLEMS, DEFAULT_SEED, bodies, body_reports, groups_csv
from corpus.render_text import encode_text
from models.stages import audit_bytes
from models.version import PIPELINE_VERSION
from tests.test_rank import chromium, run_chromium
from workers.audit.corpus_checks import run_corpus_checks
from workers.audit.rows import claim_rows, finding_rows, result_row
from workers.cli import app
from workers.report.rank import (
    UNGROUPED,
    GroupFileError,
    attach_groups,
    group_ranking,
    group_warnings,
    parse_groups,
    ranking,
    read_groups,
    render_html,
)
from workers.store import Audit, AuditDocument, content_hash, session_scope, store_result

# Plain bodies, one that breaks its carry-over, one that copies last year's problems, one with a typo in a cell.
DISTRICT_BODIES = (0, 1, 25, min(CARRY_MISMATCH), min(COPIED_PROBLEMS), min(CELL_TYPOS))


@dataclass
class District:
    url: str
    audit_id: int
    groups: Path
    agencies: dict[int, str]  # index in corpus.district.bodies() → agency


def store_district(url: str, indexes: tuple[int, ...]) -> int:
    """The bodies' two reports (as text) audited in process, as one audit with its corpus checks."""
    all_bodies = bodies()
    docs: dict[str, bytes] = {}
    for i in indexes:
        for report in body_reports(DEFAULT_SEED, i, all_bodies[i]):
            docs[f"{report.year}/{report.stem}.txt"] = encode_text(report)
    for name, data in docs.items():
        outcome = audit_bytes(data, name)
        store_result(url, result_row(outcome, content_hash(data)), finding_rows(outcome), claim_rows(outcome))
    with session_scope(url) as session:
        audit = Audit(pipeline_version=PIPELINE_VERSION, label="区县年度审核")
        session.add(audit)
        session.flush()
        session.add_all(
            AuditDocument(audit_id=audit.id, path=p, content_hash=content_hash(d), size=len(d)) for p, d in docs.items()
        )
        session.flush()
        run_corpus_checks(session, audit.id)
        return audit.id


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> District:
    folder = tmp_path_factory.mktemp("district")
    url = f"sqlite:///{folder / 'gkaudit.db'}"
    audit_id = store_district(url, DISTRICT_BODIES)
    groups = folder / "groups.csv"
    groups.write_text(groups_csv(bodies()), encoding="utf-8")
    all_bodies = bodies()
    return District(url, audit_id, groups, {i: all_bodies[i].agency.name for i in DISTRICT_BODIES})


@pytest.fixture(scope="module")
def grouped_rows(district: District) -> list[dict]:
    with session_scope(district.url) as session:
        rows = ranking(session, district.audit_id)
    attach_groups(rows, read_groups(district.groups))
    return rows


# ---- the file ------------------------------------------------------------------------------


def test_english_and_chinese_headers_read_alike() -> None:
    english = parse_groups("body,parent,region,type\n某市某区民政局,社会事业,区直,部门\n")
    chinese = parse_groups("机关,上级,地区,类型\n某市某区民政局,社会事业,区直,部门\n")
    assert english == chinese == {"某市某区民政局": {"parent": "社会事业", "region": "区直", "type": "部门"}}


def test_bodies_match_by_the_corpus_checks_key() -> None:
    groups = parse_groups("机关,类型\n某市 某区民政局（区老龄办）,部门\n")
    rows = [{"agency": "某市某区民政局"}, {"agency": "某市某区财政局"}]
    attach_groups(rows, groups)
    assert [r["type"] for r in rows] == ["部门", UNGROUPED]
    assert "parent" not in rows[0]  # only the columns the file gives


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_any_encoding_the_text_reader_knows(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "groups.csv"
    path.write_bytes("机关,归口\n凤栖市澄川区民政局,社会事业\n凤栖市澄川区青屏街道办事处,街镇\n".encode(encoding))
    assert read_groups(path)["凤栖市澄川区青屏街道办事处"] == {"parent": "街镇"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        ("名称,上级\n某局,区政府\n".encode(), "missing the body column"),
        ("机关,备注\n某局,无\n".encode(), "missing every group column"),
        ("机关,上级\n某局,区政府\n某局,市政府\n".encode(), "repeats a body"),
        ("机关,上级\n,区政府\n".encode(), "names no body"),
        (b"\x00\x01\x02\xff\xfe\x00binary\x00" * 50, "cannot decode"),
    ],
)
def test_bad_files_name_the_file_and_the_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad-groups.csv"
    path.write_bytes(content)
    with pytest.raises(GroupFileError) as caught:
        read_groups(path)
    assert str(path) in str(caught.value) and reason in str(caught.value)


# ---- rankings by group ---------------------------------------------------------------------


def test_rows_carry_their_groups(district: District, grouped_rows: list[dict]) -> None:
    assert len(grouped_rows) == 2 * len(DISTRICT_BODIES)
    street = next(r for r in grouped_rows if r["agency"] == district.agencies[25])
    assert (street["parent"], street["type"]) == ("街镇", "街道办事处")
    assert all(r["parent"] != UNGROUPED for r in grouped_rows)


@pytest.mark.parametrize("by", ["parent", "region", "type"])
def test_group_ranking_by_a_group_column(grouped_rows: list[dict], by: str) -> None:
    groups = group_ranking(grouped_rows, by)  # type: ignore[arg-type]
    assert sum(g["documents"] for g in groups) == len(grouped_rows)
    assert {g[by] for g in groups} == {r[by] for r in grouped_rows}
    for g in groups:
        members = [r for r in grouped_rows if r[by] == g[by]]
        scores = [r["quality"] for r in members if r["quality"] is not None]
        assert g["mean_quality"] == round(sum(scores) / len(scores), 1)
        assert g["errors"] == sum(r["errors"] for r in members)
    means = [g["mean_quality"] for g in groups]
    assert means == sorted(means, reverse=True) and groups[0]["rank"] == 1


def test_unknown_and_unlisted_bodies_are_warnings(district: District, grouped_rows: list[dict]) -> None:
    groups = read_groups(district.groups)
    warnings = group_warnings(grouped_rows, groups)
    assert len(warnings) == 1 and "不在本次审计中" in warnings[0]  # the file lists the whole district
    del groups[next(iter(groups))]  # the district government's own line
    assert any(district.agencies[0] in w and "未列入分组文件" in w for w in group_warnings(grouped_rows, groups))


def test_corpus_checks_flag_the_planted_carry_over_and_copy(district: District, grouped_rows: list[dict]) -> None:
    def rules(index: int, year: int) -> set[str]:
        row = next(r for r in grouped_rows if r["agency"] == district.agencies[index] and r["year"] == year)
        return {f["rule"] for f in row["corpus_findings"]}

    assert "GK601" in rules(min(CARRY_MISMATCH), 2025)
    assert "GK602" in rules(min(COPIED_PROBLEMS), 2025)
    assert rules(0, 2025) == rules(0, 2024) == set()


def test_html_has_a_filter_per_group_column(district: District, grouped_rows: list[dict]) -> None:
    with session_scope(district.url) as session:
        page = render_html(session, grouped_rows)
    for column in ("parent", "region", "type"):
        assert f'<select class="group-filter" id="group-{column}"' in page
        assert page.count(f'data-group-{column}="') == len(grouped_rows)
    assert '<option value="街镇">街镇</option>' in page
    assert 'id="by-parent"' in page
    assert "http://" not in page.split("<script>")[1] and "https://" not in page.split("<script>")[1]


# ---- the command ---------------------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_rank_by_parent_writes_group_rows(district: District, tmp_path: Path) -> None:
    out = tmp_path / "by-parent.json"
    code, output = invoke(
        "rank", "--db", district.url, "--format", "json", "--by", "parent", "--groups", str(district.groups),
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, output
    groups = json.loads(out.read_text(encoding="utf-8"))
    assert {g["parent"] for g in groups} == {bodies()[i].parent for i in DISTRICT_BODIES}
    assert sum(g["documents"] for g in groups) == 2 * len(DISTRICT_BODIES)
    assert "不在本次审计中" in output  # the rest of the district: a warning, not an error


def test_rank_refuses_a_bad_groups_file_and_a_group_without_one(district: District, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("名称,上级\n某局,区政府\n", encoding="utf-8")
    out = str(tmp_path / "x.json")
    code, output = invoke("rank", "--db", district.url, "--format", "json", "--groups", str(bad), "--out", out)
    assert code == 2 and str(bad) in output and "missing the body column" in output
    code, output = invoke("rank", "--db", district.url, "--format", "json", "--by", "region", "--out", out)
    assert code == 2 and "--groups" in output
    types_only = tmp_path / "types.csv"
    types_only.write_text(f"机关,类型\n{district.agencies[0]},区政府\n", encoding="utf-8")
    code, output = invoke(
        "rank", "--db", district.url, "--format", "json", "--by", "region", "--groups", str(types_only), "--out", out
    )
    assert code == 2 and "no region column" in output
    assert not Path(out).exists()


def test_group_filter_in_headless_chromium(district: District, grouped_rows: list[dict], tmp_path: Path) -> None:
    """?parent=街镇 preselects the group: the page shows that group's rows only (and a screenshot is kept)."""
    binary = chromium()
    page = tmp_path / "ranking.html"
    with session_scope(district.url) as session:
        page.write_text(render_html(session, grouped_rows), encoding="utf-8")
    everyone = len(grouped_rows)
    for query, wanted in [
        ("", everyone),
        ("?parent=街镇", sum(r["parent"] == "街镇" for r in grouped_rows)),
        ("?parent=街镇&type=区政府", 0),
        ("?region=区直&type=区政府", sum(r["type"] == "区政府" for r in grouped_rows)),
    ]:
        dom = run_chromium(binary, tmp_path / "profile-dom", "--dump-dom", page.as_uri() + query)
        assert dom.returncode == 0, dom.stderr[-2000:]
        assert '<body data-ready="1">' in dom.stdout, "the page's script did not finish"
        assert f"显示 {wanted} / {everyone} 份" in dom.stdout, query
    png = tmp_path / "ranking-by-group.png"
    args = (f"--screenshot={png}", "--window-size=1400,1000", page.as_uri() + "?parent=街镇")
    shot = run_chromium(binary, tmp_path / "profile-png", *args)
    assert shot.returncode == 0 and png.read_bytes().startswith(b"\x89PNG"), shot.stderr[-2000:]
    print(f"screenshot: {png}")
