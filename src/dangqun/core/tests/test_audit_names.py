"""Every audit action the source writes has a Chinese name (read from the source itself, so a new
``audit.record(actor, "x.y", …)`` without a name fails here), and every name belongs to an action
that is still written."""

import ast
from pathlib import Path

import pytest

from dangqun.core.audit_names import codes_named, name_of, names
from dangqun.people.models import MemberEvent

SRC = Path(__file__).resolve().parents[2]  # src/dangqun


def written_codes() -> tuple[dict[str, str], dict[str, str]]:
    """The action codes of every ``audit.record``/``audit.build`` call outside tests and
    migrations: literal ones, and the literal beginnings of those made in an f-string."""
    literal, prefixes = {}, {}
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("record", "build")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            action = node.args[1] if len(node.args) > 1 else None
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                literal[action.value] = where
            elif isinstance(action, ast.JoinedStr) and isinstance(action.values[0], ast.Constant):
                prefixes[action.values[0].value] = where
            else:
                pytest.fail(f"{where}: an action code the test cannot read: {ast.unparse(action)}")
    return literal, prefixes


def test_the_source_is_read():
    literal, prefixes = written_codes()
    assert len(literal) > 80 and "person.reveal_phone" in literal and "voice.answer" in literal
    assert prefixes == {"member.": prefixes["member."]}


def test_every_action_written_has_a_chinese_name():
    literal, prefixes = written_codes()
    unnamed = {code: where for code, where in literal.items() if code not in names()}
    assert not unnamed, (
        f"audit actions without a Chinese name (add them to <app>/audit_names.py): {unnamed}"
    )
    for prefix, where in prefixes.items():
        assert any(code.startswith(prefix) for code in names()), (prefix, where)
    for value, label in MemberEvent.Type.choices:  # member.<type>: every type
        assert label in names()[f"member.{value}"]


def test_every_name_is_of_an_action_still_written():
    literal, prefixes = written_codes()
    stale = [c for c in names() if c not in literal and not c.startswith(tuple(prefixes))]
    assert not stale


def test_names_are_chinese_and_distinct():
    for code, name in names().items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in name), code
    assert len(set(names().values())) == len(names())


def test_lookups():
    assert name_of("person.reveal_phone") == "查看完整联系电话"
    assert name_of("member.transfer_in") == "党员事项：转入"
    assert name_of("no.such_code") == "no.such_code"  # an old row keeps its code
    assert codes_named("身份证") == ["person.reveal_id_number"]
    assert codes_named("  ") == []
