"""The reporting body (agency): a body's name or None, never a fragment, breadcrumb or chrome.

Unit tests use made-up names and sentences; the last test reads the real development pages of
../shared/realdev (the DEV part of its split only) when they are present.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from extractor import parse_path
from extractor.metadata import (
    SOURCES,
    agency_and_source,
    find_agency,
    find_agency_in_text,
    is_body_name,
    name_in_title,
)
from tests.conftest import SHARED

REALDEV = SHARED / "realdev"
# Reached on the DEV pages: 128 of 143 (five of the misses are truth values written in
# traditional characters while the loader now gives simplified text); a small margin below it.
MIN_DEV_ACCURACY = 0.86
FORBIDDEN_IN_AGENCY = ("《", "根据", "依据", ">")


# --- sources, in their order of trust ---------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("青山县林业局2022年政府信息公开工作年度报告", "青山县林业局"),
        ("2021年度白云镇政府信息公开工作年度报告", "白云镇"),
        ("临江市人民政府 关于2020年政府信息公开工作的报告", "临江市人民政府"),
        ("东湖街道办事处关于2023年度政府信息公开情况的报告", "东湖街道办事处"),
        ("标题: 青山县林业局2022年政府信息公开工作年度报告", "青山县林业局"),
        ("石桥乡人民政府信息公开工作年度报告（2019年）", "石桥乡人民政府"),
    ],
)
def test_name_in_title(title: str, name: str) -> None:
    assert name_in_title(title) == name


def test_title_is_trusted_before_the_first_sentence_and_metadata() -> None:
    preamble = [
        "青山县林业局2022年政府信息公开工作年度报告",
        "来源：青山县人民政府办公室 发布时间：2023-01-20",
        "现公布青山县农业农村局2022年政府信息公开工作年度报告，数据统计期限为全年。",
    ]
    assert agency_and_source(preamble, SOURCES) == ("青山县林业局", "title")


def test_title_with_the_name_on_the_line_above() -> None:
    assert find_agency(["白云镇人民政府", "关于2021年度政府信息公开工作的报告"]) == "白云镇人民政府"


def test_title_with_the_name_in_brackets_below() -> None:
    assert find_agency(["2020年政府信息公开工作年度报告", "（东湖街道）", "一年来，我街道……"]) == "东湖街道"


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        (
            "根据《中华人民共和国政府信息公开条例》要求，现公布临江市统计局2023年政府信息公开工作年度报告。",
            "临江市统计局",
        ),
        ("本报告由东湖街道办事处根据《中华人民共和国政府信息公开条例》编制。", "东湖街道办事处"),
        ("本报告由青山县司法局编制，统计期限为全年。", "青山县司法局"),
        ("按照县政府办公室的通知，现将石桥乡2020年政府信息公开工作报告如下。", "石桥乡"),
        ("2022年，青山县林业局认真贯彻落实《条例》，扎实推进各项工作。", "青山县林业局"),
    ],
)
def test_first_sentence(sentence: str, name: str) -> None:
    assert agency_and_source([sentence], SOURCES) == (name, "first sentence")


def test_metadata_line() -> None:
    preamble = ["索引号：000123/2023-001", "发布机构：青山县林业局", "为做好政府信息公开工作，我局编制本报告。"]
    assert agency_and_source(preamble, SOURCES) == ("青山县林业局", "metadata")


def test_metadata_line_in_a_table() -> None:
    preamble = ["索引号: | 000123 | 发布机构: | 白云镇人民政府 |", "为做好政府信息公开工作，特编制本报告。"]
    assert find_agency(preamble) == "白云镇人民政府"


def test_first_sentence_of_the_first_section_is_trusted_before_metadata() -> None:
    """A preamble without prose leaves its metadata to the text, where the first sentence comes first."""
    preamble = ["来源：青山县人民政府"]
    text = "\n".join([*preamble, "一、总体情况", "2022年，青山县林业局严格按照《条例》要求，做好公开工作。"])
    assert find_agency(preamble) is None
    assert find_agency_in_text(text) == "青山县林业局"


def test_signature() -> None:
    text = "一、总体情况\n我局认真做好公开工作。\n六、其他需要报告的事项\n无。\n临江市统计局\n2021年1月20日"
    assert agency_and_source(text.splitlines(), SOURCES) == ("临江市统计局", "signature")


def test_contact_office_names_its_body() -> None:
    text = "如对本报告有任何疑问，请与石桥乡人民政府党政办公室联系（电话：0000-1234567）。\n一、总体情况"
    assert find_agency_in_text(text) == "石桥乡人民政府"


# --- rejections ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "candidate",
    [
        "本年度报告由东湖街道办事处依据《条例》和《格式》",  # a sentence fragment
        "根据《条例》，现公开我局",
        "现将我镇",
        "当前位置: 首页 > 信息公开 > 年度报告 >",  # a breadcrumb
        "首页 政务公开 互动交流 办事服务中心",  # site chrome
        "《青山县林业局》",
        "青山县林业局（见《条例》）",
        "青山县" + "综合" * 14 + "局",  # too long (32 characters)
        "2022年青山县林业局",
        "局",
        "政府信息公开工作年度报告",
    ],
)
def test_not_a_body_name(candidate: str) -> None:
    assert not is_body_name(candidate)


@pytest.mark.parametrize(
    "name",
    [
        "青山县林业局",
        "东湖街道办事处",
        "白云镇",
        "临江市人民政府",
        "本溪市统计局",
        "青山县发改局（县金融办、县粮食局）",
    ],
)
def test_body_names(name: str) -> None:
    assert is_body_name(name)


def test_fragments_and_breadcrumbs_give_none() -> None:
    preamble = [
        "您当前所在位置: 首页 > 信息公开 > 石桥乡 > 年度报告 > 信息公开年度报告",
        "本年度报告依据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》编制。",
    ]
    assert find_agency(preamble) is None
    assert find_agency_in_text("\n".join(preamble)) is None


def test_a_sentence_with_a_title_inside_is_no_title() -> None:
    preamble = ["根据《条例》要求，特向社会公布2021年度本镇政府信息公开工作年度报告。"]
    assert find_agency(preamble) is None


# --- the real development pages -------------------------------------------------------------


def _is_dev(file_name: str) -> bool:
    """The DEV part of realdev's split (score.py's split_of): TEST pages are never read here."""
    return hashlib.sha256(file_name.encode()).digest()[0] % 3 != 0


def _agency_right(got: str | None, truth: str) -> bool:
    """score.py's rule: equal, or one inside the other within a few characters."""
    return bool(got) and (
        got == truth
        or (len(got) >= 2 and got in truth and len(truth) - len(got) <= 8)
        or (truth in got and len(got) - len(truth) <= 6)
    )


def test_agency_on_real_dev_pages() -> None:
    if not REALDEV.is_dir():
        pytest.skip(f"{REALDEV} not present (../shared is not beside this checkout)")
    right = total = 0
    bad = []
    for truth_file in sorted(REALDEV.glob("pages_*/truth.jsonl")):
        for line in truth_file.read_text(encoding="utf-8").splitlines():
            truth = json.loads(line)
            if not _is_dev(truth["file"]):
                continue
            try:
                got = parse_path(truth_file.parent / truth["file"]).agency
            except Exception:
                continue  # score.py counts the agency of parsed pages only
            if got and any(word in got for word in FORBIDDEN_IN_AGENCY):
                bad.append((truth["file"], got))
            if truth.get("agency"):
                total += 1
                right += _agency_right(got, truth["agency"])
    assert bad == []
    assert total > 0
    assert right / total >= MIN_DEV_ACCURACY, f"agency right on DEV: {right}/{total}"
