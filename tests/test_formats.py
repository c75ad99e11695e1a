"""The format definition (extractor/formats/*.toml): it loads, it matches fields.md, and every
consumer's structures are the definition's, so a restatement that drifts fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import corpus.schema as schema
from extractor import formats
from extractor.checks import corpus as corpus_rules
from extractor.checks import keys
from extractor.fields import labels
from extractor.loaders import flattened_templates as templates

SPEC = Path("/work/shared/spec/fields.md")
FVS = formats.FORMAT_IDS


# ---------------------------------------------------------------- the spec's keys --


def _spec_section(title: str) -> str:
    text = SPEC.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def _table_lines(section: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith(("| key", "| row key", "| id "))
    ]


def _spec_active_keys() -> dict[str, set[str]]:
    """fields.md table 二, expanded: ``*`` copies regulations' columns, {a,b} lists columns."""
    found: dict[str, set[str]] = {fv: set() for fv in FVS}
    for key, _, _, where in _table_lines(_spec_section("Table 二")):
        row, _, columns = key.removeprefix("active.").partition(".")
        fvs = FVS if where.startswith("both") else (where,)
        for fv in fvs:
            if columns == "*":
                cols = {k.split(".")[2] for k in found[fv] if k.startswith("active.regulations.")}
            else:
                cols = set(columns.strip("{}").split(","))
            if fv == "2021" and "decisions only" in where:
                cols = {"decisions"}
            found[fv] |= {f"active.{row}.{c}" for c in cols}
    return found


def _spec_application_keys() -> dict[str, set[str]]:
    section = _spec_section("Table 三")
    columns = re.findall(r"`(\w+)` [\u4e00-\u9fff]", section.split("| row key")[0])
    found: dict[str, set[str]] = {fv: set() for fv in FVS}
    for row, label in _table_lines(section):
        only = re.search(r"\((2019|2021)\b", label)
        for fv in (only.group(1),) if only else FVS:
            found[fv] |= {f"applications.{row}.{c}" for c in columns}
    return found


def _spec_review_keys() -> set[str]:
    section = _spec_section("Table 四")
    blocks = re.findall(r"\| (\w+)\.\* \|", section)
    parts = re.findall(r"`(\w+)` [\u4e00-\u9fff]", section)
    return {f"{b}.{p}" for b in blocks for p in parts}


def _keys_of(fv: str, table_id: str) -> list[str]:
    return list(formats.FORMATS[fv].table(table_id).cell_keys())


@pytest.mark.skipif(not SPEC.exists(), reason="fields.md not available")
@pytest.mark.parametrize("fv", FVS)
def test_every_spec_key_appears_once_per_format(fv: str) -> None:
    for table_id, expected in (
        ("二", _spec_active_keys()[fv]),
        ("三", _spec_application_keys()[fv]),
        ("四", _spec_review_keys()),
    ):
        found = _keys_of(fv, table_id)
        assert len(found) == len(set(found)), f"{table_id}: a key twice"
        assert set(found) == expected, table_id


@pytest.mark.skipif(not SPEC.exists(), reason="fields.md not available")
def test_legacy_stats_rows_are_the_spec_rows() -> None:
    spec_rows = [(key.strip("`"), label) for key, label in _table_lines(_spec_section("Legacy statistics table"))]
    assert [(r.key, r.label + (f" (unit {r.unit})" if r.unit else "")) for r in formats.LEGACY_STATS.rows] == spec_rows


@pytest.mark.skipif(not SPEC.exists(), reason="fields.md not available")
def test_sections_are_the_spec_sections() -> None:
    spec = [(row[0], row[1]) for row in _table_lines(_spec_section("Sections"))]
    for fv in FVS:
        sections = formats.FORMATS[fv].sections
        assert [s.id for s in sections] == [sid for sid, _ in spec]
        assert all(
            words.startswith(s.heading) and all(v in words for v in s.variants)
            for s, (_, words) in zip(sections, spec, strict=True)
        )


# ---------------------------------------------------------------- the definition --


def test_definition_loads() -> None:
    assert tuple(formats.FORMATS) == FVS
    for fmt in formats.FORMATS.values():
        assert [t.id for t in fmt.tables] == ["二", "三", "四"]
    assert formats.LEGACY_STATS.header == ("统计指标", "单位", "统计数")


@pytest.mark.parametrize("fv", FVS)
def test_sums_reference_existing_keys(fv: str) -> None:
    for table in formats.FORMATS[fv].tables:
        rows = {row.key for row in table.rows}
        columns = {column.key for column in table.columns}
        for rule in table.sums:
            known = rows if rule.along == "rows" else columns
            assert rule.left and rule.right
            assert set(rule.left + rule.right) <= known, (table.id, rule)


@pytest.mark.parametrize("fv", FVS)
def test_groups_and_kinds_are_known(fv: str) -> None:
    for table in formats.FORMATS[fv].tables:
        group_ids = {g.id for g in table.groups}
        assert all(row.group in group_ids for row in table.rows if row.group), table.id
        assert all(g.parent in group_ids for g in table.groups if g.parent), table.id
        assert all(c.kind in formats.VALUE_KINDS for b in table.blocks for c in b.columns)


def test_labels_of_one_key_agree_across_formats_and_blocks() -> None:
    """A key's zh/en name is one name, wherever the key appears."""
    named: dict[tuple[str, str], tuple[str, str]] = {}
    for fmt in formats.FORMATS.values():
        for table in fmt.tables:
            for block in table.blocks:
                for item in (*block.columns, *block.rows):
                    assert named.setdefault((table.id, item.key), (item.zh, item.en)) == (item.zh, item.en)


def test_table_four_and_common_rows_are_shared() -> None:
    old, new = (formats.FORMATS[fv] for fv in FVS)
    assert old.table("四") == new.table("四")
    assert old.sections == new.sections
    common = [r for r in old.table("三").rows if r.key != "other"]
    assert common == [r for r in new.table("三").rows if not r.key.startswith("other.")]


def test_merged_keeps_each_sequence_order() -> None:
    assert formats.merged([("a", "x", "z"), ("a", "y1", "y2", "z")]) == ("a", "x", "y1", "y2", "z")


# ---------------------------------------------------------------- the consumers --


@pytest.mark.parametrize("fv", FVS)
def test_reader_templates_are_the_definition(fv: str) -> None:
    fmt = formats.FORMATS[fv]
    t2, t3 = {
        "2019": (templates.TABLE2_2019, templates.TABLE3_2019),
        "2021": (templates.TABLE2_2021, templates.TABLE3_2021),
    }[fv]
    for template, table in ((t2, fmt.table("二")), (t3, fmt.table("三"))):
        assert [r.key for r in template.rows] == [r.key for r in table.rows]
        assert [r.label.text if r.label else "" for r in template.rows] == [r.text for r in table.rows]
        assert [r.result for r in template.rows] == [r.result for r in table.rows]
    assert [len(r.kinds) for r in t2.rows] == [len(b.columns) for b in fmt.table("二").blocks for _ in b.rows]
    assert [(b.left, b.right) for b in t3.balances] == [
        (s.left, s.right) for s in fmt.table("三").sums if s.along == "rows"
    ]
    assert len(templates.TABLE4.rows[0].kinds) == len(fmt.table("四").cell_keys())
    assert [v for k in templates.TABLE_KINDS for v, _ in k.variants] == [*FVS] * 3


def test_check_keys_are_the_definition() -> None:
    assert tuple(r.key for r in formats.rows_of("三")) == keys.APPLICATION_ROWS
    for fv in FVS:
        table = formats.FORMATS[fv].table("三")
        assert (*keys.COMMON_RESULT_ROWS, *keys.OTHER_RESULT_ROWS[fv]) == table.result_rows()
        assert tuple(c.key for c in table.columns) == keys.APPLICATION_COLUMNS
    review = formats.FORMATS[formats.DEFAULT_FORMAT].table("四")
    assert tuple(b.id for b in review.blocks) == keys.REVIEW_BLOCKS
    assert (*keys.REVIEW_PARTS, keys.REVIEW_TOTAL) == tuple(c.key for c in review.columns)
    assert {r.key: (r.zh, r.en) for r in formats.rows_of("三")} == keys.APPLICATION_ROW_LABELS
    assert {r.key: (r.zh, r.en) for r in formats.rows_of("二")} == keys.ACTIVE_ROW_LABELS
    assert set(keys.ACTIVE_COLUMN_LABELS) == {c.key for _, t in formats.tables("二") for c in t.columns}
    assert [t.id for t in keys.STANDARD_TABLES] == [t.section for t in formats.FORMATS["2021"].tables]
    assert set(keys.STATS_LABELS) <= {r.key for r in formats.LEGACY_STATS.rows}


@pytest.mark.parametrize("fv", FVS)
def test_generator_schema_is_the_definition(fv: str) -> None:
    assert schema.all_keys(fv) == formats.FORMATS[fv].cell_keys()
    assert schema.result_rows(fv) == formats.FORMATS[fv].table("三").result_rows()
    assert [b.article for b in schema.ACTIVE_BLOCKS[fv]] == [b.heading for b in formats.FORMATS[fv].table("二").blocks]


def test_corpus_checks_columns_are_the_definition() -> None:
    table = formats.FORMATS[formats.DEFAULT_FORMAT].table("三")
    assert tuple(c.key for c in table.columns) == corpus_rules.APPLICANT_COLUMNS


def test_grid_mapping_labels_cover_the_definition() -> None:
    """The grid mapping names exactly the definition's rows and columns, whatever its regexes."""
    assert [label.key for label in labels.ACTIVE_ROWS] == [r.key for r in formats.rows_of("二")]
    assert [label.key for label in labels.ACTIVE_COLUMNS] == [c.key for c in formats.columns_by_block("二")]
    assert {label.key for label in labels.APPLICATION_ROWS} == set(keys.APPLICATION_ROWS)
    assert [label.key for label in labels.APPLICANT_COLUMNS] == list(keys.APPLICATION_COLUMNS)
    assert {label.key for label in labels.REVIEW_BLOCKS} == set(keys.REVIEW_BLOCKS)
    assert [label.key for label in labels.REVIEW_RESULTS] == [*keys.REVIEW_PARTS, keys.REVIEW_TOTAL]
    assert {label.key for label in labels.STATS_ROWS} == {r.key for r in formats.LEGACY_STATS.rows}


def test_the_section_splitter_reads_its_headings_from_the_definition() -> None:
    """Each format's sections name every section by a pattern its own heading matches."""
    import re

    from extractor.sections import SECTION_TITLES

    for fv in formats.FORMAT_IDS:
        sections = formats.FORMATS[fv].sections
        assert tuple((s.id, s.pattern) for s in sections) == SECTION_TITLES
        for section in sections:
            assert all(re.search(section.pattern, words) for words in (section.heading, *section.variants))
