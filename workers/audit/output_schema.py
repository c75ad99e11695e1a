"""The published JSON Schema of ``gkaudit check``'s output, and the API's models of it, derived from the
library's dataclasses (``extractor.output``, ``models.stages.PipelineOut``): one definition.

Each dataclass becomes a pydantic model with the same fields, types and descriptions (a field's
``description`` metadata), nested dataclasses becoming models of their own, so the OpenAPI document,
the schema file in the repo (``docs/check-output.schema.json``, written by ``gkaudit schema``) and
the output itself cannot drift apart without a test failing.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model

from extractor.output import OUTPUT_VERSION
from models.stages import PipelineOut

SCHEMA_ID = f"https://gkaudit.invalid/schema/check-output/v{OUTPUT_VERSION}.json"


@cache
def model_of(cls: type) -> type[BaseModel]:
    """The pydantic model of a dataclass: its fields, types (nested dataclasses as models) and descriptions.
    Extra keys are refused, so an output key the dataclass does not declare fails validation."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        description = f.metadata.get("description")
        if f.default is not dataclasses.MISSING:
            default = Field(f.default, description=description)
        elif f.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=f.default_factory, description=description)
        else:
            default = Field(..., description=description)
        fields[f.name] = (_swap(hints[f.name]), default)
    doc = (cls.__doc__ or "").strip()
    config = ConfigDict(extra="forbid", title=cls.__name__, json_schema_extra={"description": doc} if doc else None)
    return create_model(cls.__name__, __config__=config, **fields)


def _swap(tp: Any) -> Any:
    """The type with every dataclass inside it replaced by its model (list[SectionOut] → list[SectionOut model])."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return model_of(tp)
    origin, args = get_origin(tp), get_args(tp)
    if not args:
        return tp
    swapped = tuple(_swap(a) for a in args)
    if origin in (Union, types.UnionType):
        return Union[swapped]  # noqa: UP007 - built from a tuple
    return origin[swapped] if len(swapped) > 1 else origin[swapped[0]]


def check_result_model() -> type[BaseModel]:
    return model_of(PipelineOut)


def check_output_schema() -> dict[str, Any]:
    """The JSON Schema of one report's ``gkaudit check`` output, versioned."""
    schema = check_result_model().model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "version": OUTPUT_VERSION,
        **schema,
    }


def schema_text() -> str:
    return json.dumps(check_output_schema(), ensure_ascii=False, indent=1) + "\n"
