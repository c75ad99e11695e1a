"""One definition of the check output (issue 23): the library's dataclasses, the published JSON Schema,
the API's OpenAPI models and the stored payload agree.

- ``docs/check-output.schema.json`` is what ``gkaudit schema`` makes from the dataclasses;
- every output of the bundled corpus (four formats) and of the seeds validates against that file, read
  by an independent validator (jsonschema-rs), with no key the schema does not declare;
- the OpenAPI document's model of POST /v1/check's 200 has the schema's properties and required keys;
- a result stored in SQLite and read back is the same payload and still validates;
- the claim and finding dicts have exactly the dataclasses' fields.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from extractor.output import CLAIM_FIELDS, FINDING_FIELDS, CheckOut
from models.stages import audit_bytes
from models.version import PIPELINE_VERSION
from tests.conftest import SEEDS
from workers.audit.output_schema import check_output_schema, schema_text
from workers.audit.rows import claim_rows, finding_rows, result_row

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "docs" / "check-output.schema.json"
SAMPLE = sorted(p for p in (ROOT / "corpus" / "sample").rglob("*") if p.suffix in (".txt", ".docx", ".pdf", ".html"))
# The bundled district's reports with a planted cell fault: outputs with findings and claims without ../shared.
DISTRICT = ROOT / "corpus" / "district"
DISTRICT_WITH_FINDINGS = [
    DISTRICT / body["files"][year]
    for body in json.loads((DISTRICT / "manifest.json").read_text(encoding="utf-8"))["bodies"]
    for year in body["cell_typo"]
]


@cache
def outputs() -> dict[str, dict[str, Any]]:
    files = [*SAMPLE[:8], *DISTRICT_WITH_FINDINGS, *(sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else [])]
    out = {}
    for path in files:
        outcome = audit_bytes(path.read_bytes(), str(path))
        assert outcome.status == "done", (path, outcome.error)
        out[path.name] = outcome.result
    return out


def test_the_published_schema_is_made_from_the_dataclasses() -> None:
    """Regenerate with `gkaudit schema --out docs/check-output.schema.json` when an output field changes."""
    assert PUBLISHED.read_text(encoding="utf-8") == schema_text()
    assert json.loads(PUBLISHED.read_text(encoding="utf-8"))["version"] == check_output_schema()["version"]


def test_every_output_validates_against_the_published_file() -> None:
    validator = jsonschema_rs.validator_for(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    assert len(outputs()) >= 8
    for name, result in outputs().items():
        errors = [e.message for e in validator.iter_errors(json.loads(json.dumps(result)))]
        assert errors == [], name


def test_a_key_the_schema_does_not_declare_is_refused() -> None:
    validator = jsonschema_rs.validator_for(check_output_schema())
    result = json.loads(json.dumps(next(iter(outputs().values()))))
    assert validator.is_valid(result)
    assert not validator.is_valid(result | {"undeclared": 1})
    finding = {"rule": "GK101", "kind": "narrative_mismatch", "severity": "error", "metric": None}
    assert not validator.is_valid(result | {"findings": [finding]})  # messages and evidence missing


def test_openapi_describes_check_with_the_same_model() -> None:
    from workers.api.app import create_app

    openapi = create_app().openapi()
    content = openapi["paths"]["/v1/check"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = content["$ref"].rsplit("/", 1)[1]
    component = openapi["components"]["schemas"][name]
    published = check_output_schema()
    assert set(component["properties"]) == set(published["properties"])
    assert sorted(component.get("required", [])) == sorted(published.get("required", []))
    for key, prop in published["properties"].items():
        assert component["properties"][key].get("description") == prop.get("description"), key


def test_a_stored_payload_is_the_output_and_validates(tmp_path: Path) -> None:
    from sqlalchemy import select

    from workers.store import Result, content_hash, create_tables, get_engine, session_scope, store_result

    url = f"sqlite:///{tmp_path / 'store.db'}"
    create_tables(get_engine(url))
    path = SAMPLE[0]
    data = path.read_bytes()
    outcome = audit_bytes(data, str(path))
    digest = content_hash(data)
    store_result(url, result_row(outcome, digest), finding_rows(outcome), claim_rows(outcome))
    with session_scope(url) as session:
        stored = session.scalars(select(Result).where(Result.content_hash == digest)).one()
        payload, version = stored.payload, stored.pipeline_version
    assert version == PIPELINE_VERSION
    assert payload == json.loads(json.dumps(outcome.result))
    assert jsonschema_rs.validator_for(check_output_schema()).is_valid(payload)


@pytest.mark.parametrize(("kind", "fields"), [("claims", CLAIM_FIELDS), ("findings", FINDING_FIELDS)])
def test_claims_and_findings_have_exactly_the_dataclass_fields(kind: str, fields: tuple[str, ...]) -> None:
    items = [item for result in outputs().values() for item in result[kind]]
    assert items, kind
    assert all(tuple(item) == fields for item in items)


def test_check_output_keys_are_the_dataclass_fields_in_order() -> None:
    declared = [f.name for f in dataclasses.fields(CheckOut) if f.name != "truncation"]
    for result in outputs().values():
        keys = [k for k in result if k != "truncation"]
        assert keys[: len(declared)] == declared


def stored_columns(table: Any) -> set[str]:
    """A storage table's columns that hold the output's values (not its keys and links)."""
    keys = {"id", "result_id", "audit_id", "content_hash"}
    return {c.name for c in table.__table__.columns} - keys


def test_the_storage_rows_hold_the_dataclasses_fields() -> None:
    """The findings tables keep every field of the library's Finding and nothing else; the claims table keeps
    fields of ClaimOut (a subset: the sentence and offsets stay in the payload); the rows written for a
    document are made by those same field lists."""
    from workers.store import ClaimRow, CorpusFinding, FindingRow

    assert stored_columns(FindingRow) == set(FINDING_FIELDS)
    assert stored_columns(CorpusFinding) == set(FINDING_FIELDS)
    assert stored_columns(ClaimRow) <= set(CLAIM_FIELDS)
    result = next(r for r in outputs().values() if r["claims"] and r["findings"])
    outcome = audit_bytes(b"", "x")  # an Outcome to carry the result through the row makers
    outcome.result = result
    assert all(set(row) == set(FINDING_FIELDS) for row in finding_rows(outcome))
    assert all(set(row) == stored_columns(ClaimRow) for row in claim_rows(outcome))
