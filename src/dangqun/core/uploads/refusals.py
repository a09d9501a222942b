"""The refusals several checks share, in Chinese, naming the file."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dangqun.core.uploads.kinds import LABELS


def not_allowed(name: str) -> ValidationError:
    return ValidationError(f"文件「{name}」的内容不是允许的类型（允许：{LABELS}）", code="type")


def corrupt(name: str, what: str = "Office 文件") -> ValidationError:
    return ValidationError(f"{what}「{name}」已损坏或无法识别", code="corrupt")


def macro_error(name: str) -> ValidationError:
    return ValidationError(
        f"Office 文件「{name}」含有宏，出于安全考虑不能上传，请另存为不含宏的格式", code="macro"
    )
