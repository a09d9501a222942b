"""What can be done to a study material, by whom and with which form (``core.actions``): the
pages and ``api/learning_materials.py`` share these tables. ``NEW`` creates one; ``ACTIONS`` are
the organiser's (edit, publish, withdraw) and the member's (opened, 已学)."""

from __future__ import annotations

from dangqun.core.actions import Action
from dangqun.learning import material_forms, materials, services, studies

REFUSED = services.NOT_ORGANISER


def _with_user(user, material) -> dict:
    return {"user": user, "material": material}


def _keeper(form, do, done: str, **kwargs) -> Action:
    return Action(form, do, allowed=materials_manage, done=done, refused=REFUSED, **kwargs)


def materials_manage(user, material) -> bool:
    return materials.can_manage(user, material)


def _fields(data: dict) -> tuple[dict, object]:
    data = dict(data)
    return data, data.pop("upload", None)


def _create(user, _, data):
    fields, upload = _fields(data)
    return materials.create(user, fields, upload)


def _update(user, material, data):
    fields, upload = _fields(data)
    return materials.update(user, material, fields, upload)


NEW: dict[str, Action] = {
    "create": Action(
        material_forms.MaterialForm,
        _create,
        allowed=lambda u, _: services.organises(u),
        form_kwargs=_with_user,
        done="已保存为草稿",
        refused=REFUSED,
    ),
}

ACTIONS: dict[str, Action] = {
    "update": _keeper(material_forms.MaterialForm, _update, "已保存", form_kwargs=_with_user),
    "publish": _keeper(None, lambda u, m, d: materials.publish(u, m), "已发布"),
    "withdraw": _keeper(None, lambda u, m, d: materials.withdraw(u, m), "已撤回"),
    "open": Action(None, lambda u, m, d: studies.open_material(u, m), done="已打开"),
    "confirm": Action(
        material_forms.ConfirmForm,
        lambda u, m, d: studies.confirm(u, m, d.get("note", "")),
        done="已确认学完",
    ),
}
