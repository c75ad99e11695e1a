"""One report at a time: ``parse``, ``check``, and the completeness model's ``completeness`` and ``train``."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

# Defaults shown by --help: plain values, importable without scikit-learn.
from models import ARTIFACT_DIR, DEFAULT_TRAINING_DATA, DEFAULT_TRAINING_SEED
from workers.cli.common import (
    BadDocument,
    Files,
    Indent,
    collector_paused,
    fail,
    for_each_file,
    require_model,
    to_json,
    write_or_print,
)


class OutputFormat(StrEnum):
    json = "json"
    text = "text"


def parse(files: Files, indent: Indent = None) -> None:
    """Extract sections and canonical table fields; one JSON object per file (JSON Lines for several)."""
    from extractor import parse_path

    indent = indent if len(files) == 1 else None
    raise typer.Exit(for_each_file(files, lambda f: to_json(parse_path(f).to_dict(), indent)))


def check(
    files: Files,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="json, or text: a readable Chinese report")
    ] = OutputFormat.json,
    indent: Indent = None,
) -> None:
    """Parse, then cross-check the narrative against the tables and the tables' own arithmetic."""
    with collector_paused():  # the analysis, its rules, the model and the segmenter: loaded once, before any file
        from extractor.checks.registry import load_rules
        from extractor.loaders import read_file_bytes
        from extractor.nlp.pipeline import get_nlp
        from models.stages import audit_bytes

        require_model()
        load_rules()
        get_nlp()
    indent = indent if len(files) == 1 else None
    render: Callable[[dict[str, Any]], str] = partial(to_json, indent=indent)
    if output_format is OutputFormat.text:  # rich's tables, imported only for the text report
        from workers.report.check_text import render_check_text as render

    def work(file: Path) -> str:
        outcome = audit_bytes(read_file_bytes(file), str(file))
        if outcome.internal:
            raise RuntimeError(outcome.error)
        if outcome.status == "failed":
            raise BadDocument(outcome.error or "cannot be audited")
        return render(outcome.result)

    raise typer.Exit(for_each_file(files, work))


def train(
    data: Annotated[Path, typer.Option(help="Labelled sections, JSON Lines.")] = DEFAULT_TRAINING_DATA,
    out: Annotated[Path, typer.Option(help="Where to write completeness.joblib and meta.json.")] = ARTIFACT_DIR,
    seed: Annotated[int, typer.Option(help="Seed of the folds and the calibration.")] = DEFAULT_TRAINING_SEED,
) -> None:
    """Train the completeness classifier: stratified 5-fold CV figures, then the artifact."""
    from models.train import train as train_model

    try:
        result = train_model(data, out, seed)
    except (OSError, ValueError) as exc:
        raise fail(f"{data}: {exc}") from None
    from models.real_eval import format_copies, format_report

    cv = result.cv
    typer.echo("generated sections (the classifier that places a section inside its label's band):")
    typer.echo(f"  cv macro-F1 (stratified {len(cv.macro_f1)}-fold): {cv.macro_f1_mean:.3f}  folds {cv.macro_f1}")
    typer.echo(f"  cv Spearman (score vs label): {cv.spearman:.3f}")
    if result.real is None:
        typer.echo("real sections: ../shared is absent, so the real figures are not measured (the committed")
        typer.echo("  artifact's meta.json and MODEL_CARD.md hold the figures measured where it was present)")
    else:
        for line in [*format_report(result.real), *format_copies(result.real["gk602"])]:
            typer.echo(line)
    typer.echo(f"wrote {result.out}")


def completeness(
    files: Annotated[list[Path], typer.Argument(help="Files, each the body of one 存在的主要问题及改进情况 section.")],
    indent: Indent = None,
    model_dir: Annotated[Path, typer.Option("--model", help="Directory of the trained model.")] = ARTIFACT_DIR,
) -> None:
    """Score how complete each 存在的主要问题及改进情况 section is; one JSON object per file (JSON Lines for many)."""
    from models.artifact import ModelNotTrainedError, load_model
    from models.completeness import read_section_file, score_section

    indent = indent if len(files) == 1 else None
    try:
        model = load_model(model_dir)
    except ModelNotTrainedError as exc:
        raise fail(exc.reason) from None

    def work(file: Path) -> str:
        return to_json({"file": str(file)} | score_section(read_section_file(file), model).to_dict(), indent)

    raise typer.Exit(for_each_file(files, work))


# ---- what check says: its output's schema and its rules ---------------------------------------


def schema(
    out: Annotated[Path | None, typer.Option("--out", help="Write the schema here instead of printing it.")] = None,
) -> None:
    """The JSON Schema of `gkaudit check`'s output for one report (versioned; docs/check-output.schema.json)."""
    from workers.audit.output_schema import schema_text

    text = schema_text()
    write_or_print(text.rstrip("\n") if out is None else text, out)


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def rules(
    output: Annotated[RulesFormat, typer.Option("--format", help="text, json, or the docs page (markdown).")] = (
        RulesFormat.text
    ),
    examples: Annotated[bool, typer.Option(help="Run each rule on its fixture for an example message.")] = True,
) -> None:
    """Every rule, GK1xx-GK6xx: id, severity, kind, what fires it, its messages and an example."""
    from extractor.checks.catalogue import FORMATTERS, catalogue, fixture_examples

    finder = None
    if examples:
        from workers.audit.rule_fixtures import FIXTURES, fixture_messages

        finder = fixture_examples(FIXTURES, fixture_messages) if FIXTURES.is_dir() else None
    typer.echo(FORMATTERS[output.value](catalogue(finder)).rstrip("\n"))
