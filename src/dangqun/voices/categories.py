"""Voice categories (two levels) and the unit that handles each by default.

A category without a default unit (history imported from an older system, a group-wide kind of
matter) is kept by the group-wide 群工 admins only: it belongs to no unit. It may still be chosen
and suggested; it just routes nowhere by itself, so the admin picks the 承办单位 at 受理 (decision
0021). A category is never deleted (voices keep it): it is deactivated, and then neither offered,
learned nor suggested."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.voices.models import Category, Urgency

FIELDS = ["name", "parent_id", "handling_org_id", "urgency", "active"]
GROUP_WIDE = "只有全企业的群工管理员可以维护没有默认承办单位的类别"


def may_keep(user, category: Category) -> bool:
    """Whether the user may change this category: its default unit is in their scope, or it has
    none and they manage voices in every unit."""
    scope = Scope.of(user)
    if category.handling_org is None:
        return scope.covers_every_unit(MANAGE_VOICES)
    return scope.can(MANAGE_VOICES, category.handling_org)


def _require_keeps(actor, category: Category) -> None:
    # another unit's category stays theirs
    message = GROUP_WIDE if category.handling_org is None else "您无权修改该类别"
    require(may_keep(actor, category), message)


def save_category(actor, category: Category | None, data: dict) -> Category:
    """Create or change a category and the unit that handles it by default (optional: see the
    module's note)."""
    scope = Scope.of(actor)
    require(scope.has(MANAGE_VOICES), "您无权维护呼声类别")
    if category is not None:
        _require_keeps(actor, category)
    handling_org = data.get("handling_org")
    if handling_org is None:
        if not scope.covers_every_unit(MANAGE_VOICES):
            raise ValidationError({"handling_org": f"请选择默认承办单位（{GROUP_WIDE}）"})
    else:
        require(scope.can(MANAGE_VOICES, handling_org), "您无权指定该承办单位")
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "请填写类别名称"})
    parent = data.get("parent")
    if category is not None and parent is not None and parent.pk == category.pk:
        raise ValidationError({"parent": "上级类别不能是它自己"})
    if parent is not None and parent.parent_id is not None:
        raise ValidationError({"parent": "类别最多两级"})
    duplicate = Category.objects.filter(parent=parent, name=name)
    if category is not None:
        duplicate = duplicate.exclude(pk=category.pk)
    if duplicate.exists():
        raise ValidationError({"name": "同一上级下已有同名类别"})
    before = audit.snapshot(category, FIELDS) if category else None
    category = category or Category()
    category.name, category.parent, category.handling_org = name, parent, handling_org
    category.urgency = data.get("urgency") or Urgency.NORMAL
    category.active = data.get("active", True)
    with transaction.atomic():
        category.save()
        audit.record(
            actor, "voice.category", category, before=before, after=audit.snapshot(category, FIELDS)
        )
    return category


def deactivate(actor, category: Category) -> Category:
    """停用: no longer offered on forms, learned or suggested; its voices keep it. Idempotent."""
    require(Scope.of(actor).has(MANAGE_VOICES), "您无权维护呼声类别")
    _require_keeps(actor, category)
    if not category.active:
        return category
    with transaction.atomic():
        before = audit.snapshot(category, FIELDS)
        category.active = False
        category.save(update_fields=["active"])
        audit.record(
            actor, "voice.category", category, before=before, after=audit.snapshot(category, FIELDS)
        )
    return category
