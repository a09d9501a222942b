"""Plausible Chinese personal names: common surnames weighted by frequency, given names by era and sex.

The lists are our own, written for generated data; any resemblance to a real person is chance.
"""

from __future__ import annotations

import random
from itertools import accumulate

# Common surnames with rough relative frequencies (per ten thousand), most common first.
SURNAMES: list[tuple[str, float]] = [
    ("王", 710), ("李", 700), ("张", 670), ("刘", 540), ("陈", 450), ("杨", 310), ("黄", 220),
    ("赵", 200), ("吴", 190), ("周", 190), ("徐", 130), ("孙", 130), ("马", 120), ("朱", 120),
    ("胡", 110), ("郭", 110), ("何", 100), ("高", 95), ("林", 95), ("罗", 90), ("郑", 80),
    ("梁", 75), ("谢", 70), ("宋", 65), ("唐", 63), ("许", 60), ("韩", 58), ("冯", 56),
    ("邓", 55), ("曹", 54), ("彭", 52), ("曾", 50), ("肖", 48), ("田", 47), ("董", 46),
    ("袁", 45), ("潘", 44), ("于", 43), ("蒋", 42), ("蔡", 41), ("余", 40), ("杜", 39),
    ("叶", 38), ("程", 37), ("苏", 36), ("魏", 35), ("吕", 34), ("丁", 33), ("任", 32),
    ("沈", 31), ("姚", 30), ("卢", 30), ("姜", 29), ("崔", 28), ("钟", 27), ("谭", 27),
    ("陆", 26), ("汪", 25), ("范", 25), ("金", 24), ("石", 24), ("廖", 23), ("贾", 23),
    ("夏", 22), ("韦", 22), ("付", 21), ("方", 21), ("白", 20), ("邹", 20), ("孟", 19),
    ("熊", 19), ("秦", 18), ("邱", 18), ("江", 18), ("尹", 17), ("薛", 17), ("闫", 16),
    ("段", 16), ("雷", 15), ("侯", 15), ("龙", 15), ("史", 14), ("陶", 14), ("黎", 13),
    ("贺", 13), ("顾", 13), ("毛", 12), ("郝", 12), ("龚", 12), ("邵", 11), ("万", 11),
    ("钱", 11), ("严", 10), ("覃", 10), ("武", 10), ("戴", 10), ("莫", 9), ("孔", 9),
    ("向", 9), ("汤", 9), ("常", 8), ("温", 8), ("康", 8), ("施", 7), ("文", 7), ("牛", 7),
    ("樊", 7), ("葛", 6), ("邢", 6), ("安", 6), ("齐", 6), ("易", 6), ("乔", 5), ("伍", 5),
    ("庞", 5), ("颜", 5), ("倪", 5), ("庄", 4), ("聂", 4), ("章", 4), ("鲁", 4), ("岳", 4),
    ("翟", 4), ("殷", 3), ("詹", 3), ("申", 3), ("耿", 3), ("关", 3), ("兰", 3), ("焦", 3),
    ("俞", 3), ("左", 3), ("柳", 3), ("甘", 2), ("祝", 2), ("包", 2), ("宁", 2), ("尚", 2),
    ("符", 2), ("舒", 2), ("阮", 2), ("柯", 2), ("纪", 2), ("梅", 2), ("童", 2), ("凌", 2),
    ("毕", 2), ("单", 2), ("欧阳", 1.5), ("上官", 0.3), ("司马", 0.3), ("诸葛", 0.2),
]  # fmt: skip

# Characters for given names, by sex and by the era of birth (naming fashions change).
GIVEN: dict[tuple[str, str], str] = {
    ("M", "old"): "建国军华伟明强平勇卫东志刚红兵新民文斌海涛永胜德林树春福贵庆忠振国良",
    ("M", "mid"): "伟强磊军勇杰涛斌超鹏辉波鑫亮华飞刚健峰凯宏林明俊斌浩然东晓宇",
    ("M", "new"): "浩宇轩子豪博文俊杰睿泽天昊晨辰一鸣皓铭嘉诚思远子墨宇航志恒家乐",
    ("F", "old"): "秀英桂兰玉梅淑珍丽华凤霞红英秀珍桂芳春兰玉珍美玲素芬翠萍金凤",
    ("F", "mid"): "丽娟静敏燕艳丹芳婷慧玲颖莉霞晶雪琳娜倩蕾洁琴红梅晓燕",
    ("F", "new"): "欣怡梓涵诗琪雨萱佳怡若曦思雨梦瑶子涵一诺语嫣可馨紫涵雅琪心怡",
}

# Characters that read oddly as a whole given name on their own.
NOT_ALONE = str.maketrans("", "", "子一思心家天梓诗若语可雨")


def era_of(birth_year: int) -> str:
    if birth_year < 1975:
        return "old"
    if birth_year < 1990:
        return "mid"
    return "new"


class NameMaker:
    """Draws names from one ``random.Random`` so that a seed always gives the same names."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._cumulative = list(accumulate(w for _, w in SURNAMES))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._cumulative)[0]

    def given(self, gender: str, birth_year: int) -> str:
        pool = GIVEN[(gender, era_of(birth_year))]
        if self.rng.random() < 0.28:  # single-character given names
            return self.rng.choice(pool.translate(NOT_ALONE))
        return self.rng.choice(pool) + self.rng.choice(pool)

    def name(self, gender: str, birth_year: int) -> str:
        surname = self.surname()
        given = self.given(gender, birth_year)
        while given == surname or given[0] == surname[-1]:
            given = self.given(gender, birth_year)
        return surname + given
