"""Voice categories (two levels) and the unit that handles each by default."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit
from dangqun.voices.models import Category, Urgency


def save_category(actor, category: Category | None, data: dict) -> Category:
    """Create or change a category and the unit that handles it by default."""
    scope = Scope.of(actor)
    require(scope.has(MANAGE_VOICES), "您无权维护呼声类别")
    if category is not None:  # another unit's category stays theirs
        require(
            category.handling_org is not None and scope.can(MANAGE_VOICES, category.handling_org),
            "您无权修改该类别",
        )
    handling_org = data.get("handling_org")
    if handling_org is None:
        raise ValidationError({"handling_org": "请选择默认承办单位"})
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
    fields = ["name", "parent_id", "handling_org_id", "urgency", "active"]
    before = audit.snapshot(category, fields) if category else None
    category = category or Category()
    category.name, category.parent, category.handling_org = name, parent, handling_org
    category.urgency = data.get("urgency") or Urgency.NORMAL
    category.active = data.get("active", True)
    with transaction.atomic():
        category.save()
        audit.record(
            actor, "voice.category", category, before=before, after=audit.snapshot(category, fields)
        )
    return category
