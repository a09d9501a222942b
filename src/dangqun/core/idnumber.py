"""公民身份号码 (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check digit."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would accept other scripts' digits


class IdNumberError(ValueError):
    """A Chinese message saying what is wrong with the number."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: datetime.date
    gender: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask(self.value)


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Upper case, no spaces, full-width characters (from Chinese input methods) made ASCII."""
    return unicodedata.normalize("NFKC", raw or "").strip().upper().replace(" ", "")


@lru_cache(maxsize=1024)  # a row's number is parsed by the reader, the checks and the writer
def parse(raw: str) -> IdNumber:
    """The number's parts, or ``IdNumberError`` (not cached) saying what is wrong."""
    value = normalise(raw)
    if len(value) != 18:
        raise IdNumberError(f"公民身份号码应为 18 位，实为 {len(value)} 位")
    if not PATTERN.match(value):
        raise IdNumberError("公民身份号码前 17 位应为数字，末位为数字或 X")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(f"公民身份号码中的出生日期 {value[6:14]} 不存在") from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise IdNumberError(f"公民身份号码中的出生日期 {birth:%Y-%m-%d} 不合理")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise IdNumberError("公民身份号码校验码错误（GB 11643-1999，ISO 7064 MOD 11-2）")
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, gender=gender)


def mask(value: str) -> str:
    """Show the first 3 and last 4 characters only: 110***********123X."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """A phone number as lists show it, like an ID number: the first 3 and last 4 digits of a
    mobile (138****0003); a shorter or other number keeps only its last 4 characters."""
    value = (value or "").strip()
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)
