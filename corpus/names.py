"""Invented agencies of five administrative levels, with how each refers to itself."""

from __future__ import annotations

import random
from dataclasses import dataclass

PLACE_FIRST = "青云临安桐沅凤澄岚汀霁崇璟榆枫泓芷漪蓉樟"
PLACE_SECOND = "川溪泽澜华屏栖湾源阳宁峰浦林坪岗渚洲"

DISTRICT_DEPARTMENTS = (
    "市场监督管理局",
    "住房和城乡建设局",
    "交通运输局",
    "文化和广电旅游体育局",
    "卫生健康局",
    "教育局",
    "民政局",
    "人力资源和社会保障局",
    "农业农村局",
    "商务局",
    "财政局",
    "司法局",
    "应急管理局",
    "水利局",
    "医疗保障局",
    "统计局",
    "发展和改革局",
)
CITY_DEPARTMENTS = (
    "市场监督管理局",
    "自然资源和规划局",
    "住房和城乡建设局",
    "生态环境局",
    "交通运输局",
    "卫生健康委员会",
    "发展和改革委员会",
    "教育局",
    "民政局",
    "人力资源和社会保障局",
    "城市管理局",
    "医疗保障局",
)
PROVINCE_DEPARTMENTS = (
    "教育厅",
    "民政厅",
    "司法厅",
    "财政厅",
    "人力资源和社会保障厅",
    "自然资源厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农业农村厅",
    "商务厅",
    "文化和旅游厅",
    "生态环境厅",
    "卫生健康委员会",
)

# How a body calls itself in its own report, by the last characters of its name.
SELF_REFERENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("街道办事处", ("我街道", "本街道", "街道办事处")),
    ("委员会", ("我委", "本委")),
    ("厅", ("我厅", "本厅")),
    ("局", ("我局", "本局", "本机关")),
    ("镇人民政府", ("我镇", "本镇", "镇政府")),
    ("县人民政府", ("我县", "县政府", "本县")),
    ("区人民政府", ("我区", "区政府", "本区")),
)


@dataclass(frozen=True)
class Agency:
    name: str
    level: str  # street, district_bureau, city_dept, county_gov, province_dept
    short: str  # the name without the place prefix, used in some sentences
    superior: str  # who guides it, for the narrative


def place(rng: random.Random) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)


def _street(rng: random.Random) -> Agency:
    city, district, street = place(rng), place(rng), place(rng)
    return Agency(f"{city}市{district}区{street}街道办事处", "street", f"{street}街道", "区政务公开办")


def _district_bureau(rng: random.Random) -> Agency:
    city, district, dept = place(rng), place(rng), rng.choice(DISTRICT_DEPARTMENTS)
    return Agency(f"{city}市{district}区{dept}", "district_bureau", dept, "区政府办公室")


def _city_dept(rng: random.Random) -> Agency:
    city, dept = place(rng), rng.choice(CITY_DEPARTMENTS)
    return Agency(f"{city}市{dept}", "city_dept", dept, "市政府办公室")


def _county_gov(rng: random.Random) -> Agency:
    if rng.random() < 0.5:
        return Agency(f"{place(rng)}县人民政府", "county_gov", "县人民政府", "市政务公开办")
    city, district = place(rng), place(rng)
    return Agency(f"{city}市{district}区人民政府", "county_gov", "区人民政府", "市政务公开办")


def _province_dept(rng: random.Random) -> Agency:
    province, dept = place(rng), rng.choice(PROVINCE_DEPARTMENTS)
    return Agency(f"{province}省{dept}", "province_dept", dept, "省政府办公厅")


AGENCY_MAKERS = (
    (_street, 3),
    (_district_bureau, 5),
    (_city_dept, 3),
    (_county_gov, 2),
    (_province_dept, 2),
)


def make_agency(rng: random.Random) -> Agency:
    makers, weights = zip(*AGENCY_MAKERS, strict=True)
    return rng.choices(makers, weights)[0](rng)


def self_reference(rng: random.Random, agency: Agency) -> str:
    """The pronoun the report uses for its own body (我局, 本街道, 我县…)."""
    for ending, options in SELF_REFERENCES:
        if agency.name.endswith(ending):
            return rng.choice(options)
    return "本机关"
