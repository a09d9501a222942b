"""Rules as data: every warning or refusal names a rule with parameters and a citation.

National defaults live in ``national.toml``; an enterprise adjusts parameters or switches a rule off
through ``RuleOverride`` rows, never by editing code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from dangqun.core.models import RuleOverride

RULES_FILE = Path(__file__).with_name("national.toml")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    citation: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def explain(self, **facts: Any) -> str:
        return self.message.format(**{**self.params, **facts})


@dataclass(frozen=True)
class Finding:
    """One warning or refusal: which rule, about what, and the message with its citation."""

    rule: Rule
    text: str
    subject: Any = None

    @property
    def citation(self) -> str:
        return self.rule.citation

    def __str__(self) -> str:
        return f"{self.text}（依据：{self.rule.citation}）"


@cache
def _national() -> dict[str, Rule]:
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    rules: dict[str, Rule] = {}
    for group, entries in data.items():
        for name, spec in entries.items():
            rule_id = f"{group}.{name}"
            rules[rule_id] = Rule(id=rule_id, **spec)
    return rules


def national_rules() -> dict[str, Rule]:
    return dict(_national())


def get_rule(rule_id: str) -> Rule:
    """The rule in force: the national default with this site's override applied."""
    base = _national()[rule_id]
    override = RuleOverride.cached().get(rule_id)
    if override is None:
        return base
    return Rule(
        id=base.id,
        title=base.title,
        citation=base.citation + ("（本单位调整）" if override.params else ""),
        message=base.message,
        params={**base.params, **override.params},
        enabled=override.enabled,
    )
