import pytest

from extractor.fields.values import CellValue, NotANumber, is_value_cell, parse_cell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", CellValue(None)),
        ("\u3000\xa0", CellValue(None)),
        ("-", CellValue(0)),
        ("\xa0-", CellValue(0)),
        ("—", CellValue(0)),
        ("——", CellValue(0)),
        ("/", CellValue(0)),
        ("０", CellValue(0)),
        ("１２", CellValue(12)),
        ("1,234", CellValue(1234)),
        ("增加7", CellValue(7)),
        ("减5", CellValue(-5)),
        ("减少2", CellValue(-2)),
        ("+8", CellValue(8)),
        ("-7", CellValue(-7)),
        ("5030元", CellValue(5030, "元")),
        ("182.32万元", CellValue(182.32, "万元")),
        ("12.35", CellValue(12.35)),
    ],
)
def test_parse_cell_follows_fields_md(text: str, expected: CellValue) -> None:
    assert parse_cell(text) == expected


@pytest.mark.parametrize("text", ["规章", "本年新制作数量", "abc", "1.属于国家秘密", "增加"])
def test_labels_are_not_numbers(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_cell(text)
    assert not is_value_cell(text)


def test_a_blank_cell_is_null_never_zero() -> None:
    assert parse_cell("").value is None
    assert parse_cell("0").value == 0
