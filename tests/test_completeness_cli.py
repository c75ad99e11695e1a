"""``gkaudit completeness`` and ``gkaudit train`` at the command line (in-process: the model loads once)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from workers.cli import app

GENERIC = "存在的主要问题是公开意识不强，信息更新不够及时。下一步将进一步加强学习，提高认识。"
SPECIFIC = (
    "本年度辖区有4个社区的居务公开栏超过2个月未更新。整改措施：由街道党政办负责，"
    "2024年3月底前督促4个社区全部更新，此后每月检查一次。"
)


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def gkaudit(*args: str) -> Run:
    result = CliRunner().invoke(app, list(args))
    return Run(result.exit_code, result.stdout, result.stderr)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_one_file_is_one_json_object(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", SPECIFIC)
    proc = gkaudit("completeness", str(path))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) == {"file", "score", "label", "elements", "reasons_zh"}
    assert result["file"] == str(path) and result["label"] == 3


def test_several_files_are_json_lines_in_argument_order(tmp_path: Path) -> None:
    files = [
        write(tmp_path, "b.txt", GENERIC),
        write(tmp_path, "a.txt", SPECIFIC, "gb18030"),
        write(tmp_path, "c.txt", "无"),
    ]
    proc = gkaudit("completeness", *map(str, files))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["file"] for r in rows] == [str(f) for f in files]
    assert rows[1]["score"] > rows[0]["score"] > rows[2]["score"]


def test_bad_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", GENERIC)
    missing = tmp_path / "missing.txt"
    empty = write(tmp_path, "empty.txt", "")
    proc = gkaudit("completeness", str(good), str(missing), str(empty))
    assert proc.returncode == 2
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr.splitlines() == [f"gkaudit: {missing}: file not found", f"gkaudit: {empty}: empty file"]


def test_missing_model_tells_to_train(tmp_path: Path) -> None:
    proc = gkaudit("completeness", "--model", str(tmp_path), str(write(tmp_path, "a.txt", GENERIC)))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("gkaudit: ") and "gkaudit train" in proc.stderr


def test_commands_are_documented() -> None:
    proc = gkaudit("--help")
    assert "completeness" in proc.stdout and "train" in proc.stdout
    assert "--seed" in gkaudit("train", "--help").stdout


def test_train_says_when_the_real_sections_are_absent(tmp_path: Path, monkeypatch) -> None:
    """Users without ../shared run the committed artifact; training tells them the real figures are not measured."""
    from corpus.problems import real_sections
    from tests.test_completeness_train import small_corpus

    monkeypatch.setattr(real_sections, "SHARED", tmp_path / "absent")
    data = small_corpus(tmp_path / "small.jsonl")
    proc = gkaudit("train", "--data", str(data), "--out", str(tmp_path / "model"))
    assert proc.returncode == 0, proc.stderr
    assert "../shared is absent" in proc.stdout and "cv macro-F1" in proc.stdout
    meta = json.loads((tmp_path / "model" / "meta.json").read_text(encoding="utf-8"))
    assert meta["real_sections"] == "not measured: ../shared absent"
