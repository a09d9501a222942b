"""Fictional but well-formed personal details: ID numbers, phone numbers, addresses, ethnicity."""

from __future__ import annotations

import datetime
import random

from dangqun.core.idnumber import check_char

# Real county-level area codes (GB/T 2260) with the place they stand for, used for birthplaces.
AREAS: list[tuple[str, str]] = [
    ("110101", "北京市东城区"), ("110105", "北京市朝阳区"), ("110108", "北京市海淀区"),
    ("120101", "天津市和平区"), ("130102", "河北省石家庄市长安区"), ("140105", "山西省太原市小店区"),
    ("150102", "内蒙古自治区呼和浩特市新城区"), ("210102", "辽宁省沈阳市和平区"),
    ("220102", "吉林省长春市南关区"), ("230102", "黑龙江省哈尔滨市道里区"),
    ("310101", "上海市黄浦区"), ("310115", "上海市浦东新区"), ("320102", "江苏省南京市玄武区"),
    ("320505", "江苏省苏州市虎丘区"), ("330106", "浙江省杭州市西湖区"),
    ("340104", "安徽省合肥市蜀山区"), ("350102", "福建省福州市鼓楼区"),
    ("360102", "江西省南昌市东湖区"), ("370102", "山东省济南市历下区"),
    ("370202", "山东省青岛市市南区"), ("410105", "河南省郑州市金水区"),
    ("420102", "湖北省武汉市江岸区"), ("430104", "湖南省长沙市岳麓区"),
    ("440106", "广东省广州市天河区"), ("440305", "广东省深圳市南山区"),
    ("450103", "广西壮族自治区南宁市青秀区"), ("500103", "重庆市渝中区"),
    ("510104", "四川省成都市锦江区"), ("520102", "贵州省贵阳市南明区"),
    ("530102", "云南省昆明市五华区"), ("610113", "陕西省西安市雁塔区"),
    ("620102", "甘肃省兰州市城关区"), ("650102", "新疆维吾尔自治区乌鲁木齐市天山区"),
]  # fmt: skip

ROADS = ["人民", "解放", "建设", "中山", "和平", "友谊", "光明", "胜利", "新华", "文化", "长江", "黄河", "青年", "振兴", "幸福", "朝阳"]  # fmt: skip
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "158", "159", "177", "180", "185", "186", "187", "188", "189", "199"]  # fmt: skip
ETHNICITIES: list[tuple[str, float]] = [
    ("汉族", 0.915), ("回族", 0.02), ("满族", 0.02), ("壮族", 0.015), ("蒙古族", 0.01),
    ("土家族", 0.01), ("苗族", 0.005), ("朝鲜族", 0.005),
]  # fmt: skip


class IdentityMaker:
    """ID numbers unique within one run, consistent with birth date and sex (GB 11643)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.issued: set[str] = set()
        self._ethnic_names = [e for e, _ in ETHNICITIES]
        self._ethnic_weights = [w for _, w in ETHNICITIES]

    def area(self) -> tuple[str, str]:
        return self.rng.choice(AREAS)

    def id_number(self, area_code: str, birth: datetime.date, gender: str) -> str:
        """17 digits (area, birth date, order with odd = male) and the MOD 11-2 check character."""
        while True:
            order = self.rng.randrange(1, 500) * 2 + (1 if gender == "M" else 0)  # 002–999
            first17 = f"{area_code}{birth:%Y%m%d}{order:03d}"
            value = first17 + check_char(first17)
            if value not in self.issued:
                self.issued.add(value)
                return value

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def address(self, place: str) -> str:
        road = self.rng.choice(ROADS)
        return f"{place}{road}路{self.rng.randint(1, 399)}号"

    def ethnicity(self) -> str:
        return self.rng.choices(self._ethnic_names, weights=self._ethnic_weights)[0]
