"""The Chinese name of every audit action, for the audit log's page and API.

Each app lists the action codes it writes in its own ``audit_names.py`` (``NAMES = {code: "名称"}``;
codes made from a choice, like ``member.<type>``, are listed from the choice), gathered here on first
use by looking for that module in every installed app: ``core`` names no domain app. A test reads
every ``audit.record``/``audit.build`` call in the source and fails on a code without a name.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "audit_names"


@cache
def names() -> dict[str, str]:
    """Every named action code and its Chinese name."""
    found: dict[str, str] = {}
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            # (core's own module of this name, this one, lists none)
            found.update(getattr(import_module(f"{config.name}.{MODULE}"), "NAMES", {}))
    return found


def name_of(action: str) -> str:
    """The action's Chinese name; an unnamed code (an old row, a code since renamed) as it is."""
    return names().get(action, action)


def codes_named(text: str) -> list[str]:
    """The codes whose Chinese name contains ``text`` (the audit search takes 名称 or code)."""
    text = text.strip()
    return sorted(code for code, name in names().items() if text and text in name)
