"""Write audit rows. Call inside the transaction of the change being recorded."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from dangqun.core.middleware import client_ip_var, request_id_var
from dangqun.core.models import AuditLog


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of an instance, JSON-ready (foreign keys as ids)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_repr: str = "",
    traceable: bool = True,
) -> AuditLog:
    entry = build(
        actor,
        action,
        obj,
        before=before,
        after=after,
        object_type=object_type,
        object_repr=object_repr,
        traceable=traceable,
    )
    entry.save()
    return entry


def build(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_repr: str = "",
    traceable: bool = True,
) -> AuditLog:
    """An unsaved audit row, for callers that write many at once with ``bulk_create``.

    ``traceable=False`` (an anonymous person's act): no actor, no address, no request id.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_repr = object_repr or str(obj)[:200]
    actor = actor if traceable and getattr(actor, "is_authenticated", False) else None
    return AuditLog(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=object_repr[:200],
        before=_plain(before) if before else None,
        after=_plain(after) if after else None,
        ip=client_ip_var.get() if traceable else None,
        request_id=request_id_var.get() if traceable else "",
    )
