"""Searching the audit log: who may (审计管理员) and what the filters mean, for the audit page and
``GET /api/audit/`` alike."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from dangqun.accounts.roles import VIEW_AUDIT
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit_names
from dangqun.core.models import AuditLog

FILTERS = ("actor", "action", "object", "start", "end")
AUDITORS_ONLY = "只有审计管理员可以查看审计日志"


def require_auditor(user) -> None:
    require(Scope.of(user).has(VIEW_AUDIT), AUDITORS_ONLY)


def params_of(query) -> dict[str, str]:
    """The filters as typed (stripped), every one present."""
    return {key: (query.get(key) or "").strip() for key in FILTERS}


def _day(params: dict, key: str) -> dt.date | None:
    if not params[key]:
        return None
    try:
        return dt.date.fromisoformat(params[key])
    except ValueError:
        raise ValidationError({key: "日期格式应为 年-月-日，例如 2026-01-31"}) from None


def search(user, params: dict[str, str]) -> QuerySet:
    """Audit rows matching ``params`` (actor name, action code prefix or words of the action's
    Chinese name, object name or id, days from and to), newest first; PermissionDenied for anyone but an auditor, ValidationError for a bad day."""
    require_auditor(user)
    rows = AuditLog.objects.all()
    if params["actor"]:
        rows = rows.filter(actor_name__icontains=params["actor"])
    if params["action"]:  # a code's beginning ("person.") or words of its name ("身份证")
        named = audit_names.codes_named(params["action"])
        rows = rows.filter(Q(action__startswith=params["action"]) | Q(action__in=named))
    if params["object"]:
        rows = rows.filter(
            Q(object_repr__icontains=params["object"]) | Q(object_id=params["object"])
        )
    start, end = _day(params, "start"), _day(params, "end")
    if start:
        rows = rows.filter(at__date__gte=start)
    if end:
        rows = rows.filter(at__date__lte=end)
    return rows
