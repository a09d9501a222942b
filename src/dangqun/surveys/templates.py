"""The survey templates shipped as data (``data/templates.toml``): 员工满意度调查 (a pulse of
work, pay, development, management, 党群 service…), 党员群众对党组织满意度测评 and
职工之家建设测评, each with the source its items follow."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

PATH = Path(__file__).parent / "data" / "templates.toml"


@dataclass(frozen=True)
class Item:
    code: str
    kind: str
    text: str
    required: bool = True
    options: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    skip: dict = field(default_factory=dict)  # option index → position in the template

    def fields(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "text": self.text,
            "required": self.required,
            "options": list(self.options),
            "items": list(self.items),
        }


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    description: str
    citation: str
    anonymous: bool
    audience: str
    questions: tuple[Item, ...]


@functools.cache
def shipped() -> dict[str, Template]:
    data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    found = {}
    for key, raw in data.items():
        items = tuple(
            Item(
                code=q["code"],
                kind=q["kind"],
                text=q["text"],
                required=q.get("required", True),
                options=tuple(q.get("options", ())),
                items=tuple(q.get("items", ())),
                skip={str(k): int(v) for k, v in q.get("skip", {}).items()},
            )
            for q in raw["questions"]
        )
        found[key] = Template(
            key=key,
            title=raw["title"],
            description=raw["description"],
            citation=raw["citation"],
            anonymous=raw.get("anonymous", True),
            audience=raw.get("audience", "everyone"),
            questions=items,
        )
    return found


def get(key: str) -> Template:
    try:
        return shipped()[key]
    except KeyError:
        raise ValidationError({"template": "没有这个问卷模板"}) from None


def choices() -> list[tuple[str, str]]:
    return [(key, t.title) for key, t in shipped().items()]
