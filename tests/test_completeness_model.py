"""The committed completeness model: its artifact, scores, reasons, orderings and failure modes."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import joblib
import opencc
import pytest

from extractor.document import Report, Section
from models.artifact import (
    ARTIFACT_DIR,
    LINEAR_KEY,
    META_FILE,
    MODEL_FILE,
    DirectLinear,
    LoadedModel,
    ModelNotTrainedError,
    load_model,
)
from models.completeness import Completeness, fine_score, score_report, score_section, score_sections
from models.meta import check_artifact
from models.rubric import ELEMENT_NAMES
from models.train import DEFAULT_DATA

HAND_WRITTEN = Path(__file__).parent / "fixtures" / "completeness" / "sections.json"
MAX_ARTIFACT_BYTES = 5 * 1024 * 1024


@pytest.fixture(scope="session")
def model() -> LoadedModel:
    return load_model()


@pytest.fixture(scope="session")
def hand() -> dict[str, Completeness]:
    texts = {k: v for k, v in json.loads(HAND_WRITTEN.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    return dict(zip(texts, score_sections(list(texts.values())), strict=True))


# ---------------------------------------------------------------- the artifact


def test_artifact_is_small_and_its_meta_matches_the_data() -> None:
    assert (ARTIFACT_DIR / MODEL_FILE).stat().st_size < MAX_ARTIFACT_BYTES
    meta = json.loads((ARTIFACT_DIR / META_FILE).read_text(encoding="utf-8"))
    assert meta["data"]["sha256"] == hashlib.sha256(DEFAULT_DATA.read_bytes()).hexdigest(), "retrain: gkaudit train"
    assert meta["cv"]["folds"] == 5 and meta["cv"]["stratified"]
    assert meta["cv"]["macro_f1_mean"] >= 0.80
    assert meta["cv"]["spearman_score_label"] >= 0.85
    assert {"scikit-learn", "numpy", "scipy", "jieba", "opencc"} <= set(meta["versions"])
    assert "elements" in meta["features"] and (ARTIFACT_DIR / "MODEL_CARD.md").is_file()


def test_model_is_loaded_once(model: LoadedModel) -> None:
    assert load_model() is model


# ---------------------------------------------------------------- the output


def test_score_section_output(model: LoadedModel) -> None:
    result = score_section("一是公开意识不强；二是信息更新不够及时。下一步将进一步加强学习。", model)
    out = result.to_dict()
    assert set(out) == {"score", "label", "elements", "reasons_zh"}
    assert set(out["elements"]) == {
        "problems",
        "measures",
        "paired",
        "specific",
        "follows_up_last_year",
        "stock_phrase_ratio",
        *ELEMENT_NAMES,
    }
    assert 0 <= out["score"] <= 100 and out["label"] in (0, 1, 2, 3)
    assert all(isinstance(r, str) and r for r in out["reasons_zh"])
    json.dumps(out, ensure_ascii=False)


def test_score_is_the_label_band_placed_by_the_classifier(model: LoadedModel) -> None:
    """Label k scores in [25k, 25k + 25); inside, the elements present and the classifier, equally."""
    text = "一是公开意识不强。"
    result = score_section(text, model)
    probabilities = model.pipeline.predict_proba([text])[0]
    classifier = sum(k * p for k, p in zip(model.classes, probabilities, strict=True)) * 100 / 3
    assert 25 * result.label <= result.score < 25 * (result.label + 1)
    assert result.score == fine_score(result.label, result.rubric, classifier)


def test_empty_text_is_zero(model: LoadedModel) -> None:
    assert score_section("  \n", model) == score_section("", model)
    assert score_section("", model).label == 0 and score_section("", model).score == 0


def test_reasons_name_what_is_missing(hand: dict[str, Completeness]) -> None:
    assert "未提及上年问题整改情况" in hand["county_specific"].reasons_zh
    assert "说明了上年问题整改情况" in hand["province_followup"].reasons_zh
    assert any(r.startswith("套话比例高") for r in hand["city_long_generic"].reasons_zh)
    assert "未提出改进措施" in hand["problems_no_measures"].reasons_zh
    assert "措施与问题一一对应" in hand["county_specific"].reasons_zh


# ---------------------------------------------------------------- orderings a careful reader would give

CLEAR_ORDERINGS = [
    # specific, measures with who and when, last year followed up  >  generic
    ("province_followup", "city_long_generic"),
    ("province_followup", "county_short_generic"),
    ("province_followup", "named_generic_measures"),
    ("county_specific", "city_long_generic"),
    ("county_specific", "district_paired_specific_undated"),
    # short but specific  >  short or long but generic
    ("street_short_specific", "county_short_generic"),
    ("street_short_specific", "city_long_generic"),
    # named problems answered, even generically  >  stock problems
    ("named_generic_measures", "county_short_generic"),
    ("named_generic_measures", "city_long_generic"),
    ("district_paired_specific_undated", "named_generic_measures"),
    # something  >  nothing
    ("county_short_generic", "nil"),
    ("city_long_generic", "nothing_sentence"),
    ("problems_no_measures", "nil"),
    ("problems_no_measures", "cut_off"),
]


@pytest.mark.parametrize(("better", "worse"), CLEAR_ORDERINGS)
def test_hand_written_sections_ordered(hand: dict[str, Completeness], better: str, worse: str) -> None:
    assert hand[better].score > hand[worse].score, (hand[better], hand[worse])


def test_hand_written_labels(hand: dict[str, Completeness]) -> None:
    assert {k for k, c in hand.items() if c.label == 3} == {
        "province_followup",
        "county_specific",
        "street_short_specific",
    }
    assert all(hand[k].label == 0 for k in ("nil", "nothing_sentence", "praise_only"))
    assert all(hand[k].label == 1 for k in ("city_long_generic", "county_short_generic"))


# ---------------------------------------------------------------- copies from the web


@pytest.mark.parametrize("key", ["province_followup", "county_specific", "city_long_generic", "named_generic_measures"])
def test_traditional_and_html_copies_score_the_same(model: LoadedModel, key: str) -> None:
    text = json.loads(HAND_WRITTEN.read_text(encoding="utf-8"))[key]
    traditional = opencc.OpenCC("s2t").convert(text)
    assert traditional != text
    paragraphs = "".join(f'<p style="text-indent:2em">{line}&nbsp;</p>\n' for line in text.split("\n"))
    html = f'<div class="TRS_Editor">{paragraphs}</div>'
    full_width = text.replace("2", "２").replace("(", "（")
    original = score_section(text, model)
    for copy in (traditional, html, full_width):
        assert score_section(copy, model) == original


GENERATED_SAMPLE = 60
SENTENCE_END = "。；：！？;:!?"
WRAP_WIDTHS = (17, 24, 33, 41)


def hard_wrapped(text: str, width: int) -> str:
    """As a PDF prints it: lines cut every ``width`` characters, inside sentences (a cut right after
    a sentence's end would be a paragraph break, which is content, so the cut moves one on)."""
    lines = []
    for line in text.split("\n"):
        piece = ""
        for char in line:
            piece += char
            if len(piece) >= width and char not in SENTENCE_END:
                lines.append(piece)
                piece = ""
        lines.append(piece)
    return "\n".join(line for line in lines if line)


def copies(text: str) -> list[str]:
    """The same section as the web serves it: traditional characters, HTML paragraphs, other line
    breaks, and hard-wrapped at several widths."""
    paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    return [
        opencc.OpenCC("s2t").convert(text),
        f"<div>{paragraphs}</div>",
        text.replace("\n", "\r\n"),
        "\n\n".join(f"  {line}\t" for line in text.split("\n")) + "\n",
        *(hard_wrapped(text, width) for width in WRAP_WIDTHS),
    ]


def test_hard_wrapping_moves_line_breaks() -> None:
    text = "一是网站栏目更新不及时，部分信息发布滞后。二是解读形式单一。"
    wrapped = hard_wrapped(text, 8)
    assert wrapped.count("\n") >= 3 and wrapped.replace("\n", "") == text


def test_generated_sections_score_the_same_in_every_copy(model: LoadedModel) -> None:
    rows = [json.loads(line) for line in DEFAULT_DATA.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows[:: len(rows) // GENERATED_SAMPLE]]
    originals = score_sections(texts, model)
    for variant in zip(*(copies(t) for t in texts), strict=True):
        assert score_sections(list(variant), model) == originals


def test_hand_typed_traditional_copy(model: LoadedModel) -> None:
    simplified = "一是网站栏目更新不及时。下一步将由办公室负责，2024年6月底前完成栏目清理。"
    traditional = "一是網站欄目更新不及時。下一步將由辦公室負責，2024年6月底前完成欄目清理。"
    assert score_section(traditional, model) == score_section(simplified, model)


# ---------------------------------------------------------------- reports


def report_with(sections: list[Section]) -> Report:
    return Report(file="r.txt", format_version="2021", agency=None, year=2023, sections=sections, tables={})


def test_report_without_the_section_scores_zero(model: LoadedModel) -> None:
    result = score_report(report_with([Section("overview", "一、总体情况", "概述。")]), model)
    assert (result.label, result.score) == (0, 0.0)
    assert result.reasons_zh == ("缺少“存在的主要问题及改进情况”部分",)


def test_report_reads_a_following_plan_section(model: LoadedModel) -> None:
    problems = Section("problems", "五、存在的主要问题及改进情况", "“政策文件”栏目有9件规范性文件未同步发布解读。")
    plan = Section(None, "六、下一步工作计划", "由办公室负责，2024年6月底前补发9件解读材料。")
    other = Section("other", "七、其他需要报告的事项", "无。")
    alone = score_report(report_with([problems, other]), model)
    with_plan = score_report(report_with([problems, plan, other]), model)
    assert alone.elements.measures == 0 and with_plan.elements.measures == 1
    assert with_plan.score > alone.score


# ---------------------------------------------------------------- a missing or stale artifact


def copy_artifact(tmp_path: Path) -> Path:
    shutil.copy(ARTIFACT_DIR / MODEL_FILE, tmp_path / MODEL_FILE)
    shutil.copy(ARTIFACT_DIR / META_FILE, tmp_path / META_FILE)
    return tmp_path


# Loading, and the check an audit makes without loading (models.meta.check_artifact): the same refusals.
LOADERS = [pytest.param(load_model, id="load_model"), pytest.param(check_artifact, id="check_artifact")]


@pytest.mark.parametrize("load", LOADERS)
def test_missing_artifact(tmp_path: Path, load: Callable[[Path], object]) -> None:
    with pytest.raises(ModelNotTrainedError, match="gkaudit train"):
        load(tmp_path)


@pytest.mark.parametrize("load", LOADERS)
def test_other_sklearn_version(tmp_path: Path, load: Callable[[Path], object]) -> None:
    directory = copy_artifact(tmp_path)
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    meta["versions"]["scikit-learn"] = "0.24.2"
    (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelNotTrainedError, match=r"scikit-learn 0\.24\.2.*gkaudit train"):
        load(directory)


def test_the_check_without_loading_passes_the_shipped_model() -> None:
    check_artifact()


def without_numbers(directory: Path) -> Path:
    """The artifact as written before meta.json recorded the fitted numbers: loading unpickles the Pipeline."""
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    del meta[LINEAR_KEY]
    (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return directory


def test_unreadable_pickle(tmp_path: Path) -> None:
    directory = without_numbers(copy_artifact(tmp_path))
    (directory / MODEL_FILE).write_bytes(b"not a pickle at all")
    with pytest.raises(ModelNotTrainedError, match=r"cannot be loaded.*gkaudit train"):
        load_model(directory)


def test_unreadable_pickle_is_found_when_the_pipeline_is_asked_for(tmp_path: Path) -> None:
    """Scoring reads the numbers in meta.json; the damaged pickle is reported when something needs it."""
    directory = copy_artifact(tmp_path)
    (directory / MODEL_FILE).write_bytes(b"not a pickle at all")
    model = load_model(directory)
    assert score_section("一是公开意识不强。", model).label in (0, 1, 2, 3)
    with pytest.raises(ModelNotTrainedError, match=r"cannot be loaded.*gkaudit train"):
        _ = model.pipeline


@pytest.mark.parametrize(
    "damage",
    [
        lambda block: block.pop("coef"),
        lambda block: block.update(features=["no such feature"]),
        lambda block: block.update(intercept=[0.0]),
        lambda block: block.update(mean="a string"),
    ],
    ids=["missing array", "unknown feature", "wrong shape", "not numbers"],
)
def test_unusable_numbers_are_refused(tmp_path: Path, damage: Callable[[dict], object]) -> None:
    directory = copy_artifact(tmp_path)
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    damage(meta[LINEAR_KEY])
    (directory / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelNotTrainedError, match=r"unusable numbers.*gkaudit train"):
        load_model(directory)


def test_not_a_pipeline(tmp_path: Path) -> None:
    directory = without_numbers(copy_artifact(tmp_path))
    joblib.dump({"a": 1}, directory / MODEL_FILE)
    with pytest.raises(ModelNotTrainedError, match="not a scikit-learn Pipeline"):
        load_model(directory)


def test_the_recorded_numbers_are_the_pickled_pipeline_s() -> None:
    """meta.json's numbers and the pickle come from one training: the numbers read back from the Pipeline
    equal the recorded ones."""
    model = load_model()
    assert model.linear is not None
    assert DirectLinear.of(model.pipeline).to_meta() == model.linear.to_meta()


def test_auditing_a_document_imports_no_scikit_learn_nor_datasketch() -> None:
    """Issue 22: a process that audits a document reads the model's numbers from meta.json (scikit-learn's import
    is a second of every ``gkaudit check``) and computes the problems section's MinHash with numpy (datasketch's
    package imports scipy.integrate), and still scores the section and signs it."""
    script = (
        "import sys\n"
        "from models.stages import audit_bytes\n"
        "text = '某局2021年政府信息公开工作年度报告\\n\\n五、存在的主要问题及改进情况\\n\\n'\n"
        "text += '一是公开意识不强，二是更新不及时。' * 4\n"
        "outcome = audit_bytes(text.encode('utf-8'), 'a.txt')\n"
        "assert outcome.result['completeness']['label'] in (0, 1, 2, 3), outcome\n"
        "assert outcome.result['problems_signature'], outcome\n"
        "heavy = ('sklearn', 'joblib', 'datasketch', 'scipy')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_direct_path_gives_the_pipeline_s_probabilities() -> None:
    """LoadedModel.predict_proba applies the fitted numbers with numpy (issue 22): the same probabilities
    as scikit-learn's predict_proba, on a sample of the labelled corpus and on empty and odd texts."""
    import json

    import numpy as np

    from models.artifact import load_model
    from models.train import DEFAULT_DATA

    model = load_model()
    texts = [json.loads(line)["text"] for line in DEFAULT_DATA.read_text(encoding="utf-8").splitlines()[:200]]
    texts += ["", "无。", "一是" * 50]
    assert model.linear is not None
    expected = model.pipeline.predict_proba(np.asarray(texts, dtype=object))
    assert np.allclose(model.predict_proba(texts), expected, atol=1e-12)
