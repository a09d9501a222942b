"""What can be done to an item, by whom and with which form (``core.actions``): the pages and
``api/publicity.py`` share these tables. ``NEW`` creates a draft; ``ACTIONS`` are the
publisher's (edit, questions, publish, pin, withdraw, remind) and the reader's (open, confirm,
quiz)."""

from __future__ import annotations

from dangqun.core.actions import Action
from dangqun.publicity import forms, items, reach, reading, services

REFUSED = services.NOT_PUBLISHER


def _with_user(user, item) -> dict:
    return {"user": user, "item": item}


def _manages(user, item) -> bool:
    return services.can_manage(user, item)


def _publisher(form, do, done: str, **kwargs) -> Action:
    return Action(form, do, allowed=_manages, done=done, refused=REFUSED, **kwargs)


def _split(data: dict) -> tuple[dict, list, list]:
    data = dict(data)
    return data, data.pop("images", None) or [], data.pop("attachments", None) or []


def _create(user, _, data):
    fields, images, attachments = _split(data)
    return items.create(user, fields, images, attachments)


def _update(user, item, data):
    fields, images, attachments = _split(data)
    return items.update(user, item, fields, images, attachments)


def _quiz_form(user, item) -> dict:
    return {"questions": item.questions.all()}


def _quiz(user, item, data):
    return reading.answer(user, item, {k[1:]: v for k, v in data.items() if k.startswith("q")})


def _remind(user, item, data):
    person = data.get("person")
    return reach.remind(user, item, [person] if person else None)


NEW: dict[str, Action] = {
    "create": Action(
        forms.ItemForm,
        _create,
        allowed=lambda u, _: services.publishes(u),
        form_kwargs=_with_user,
        done="已保存为草稿",
        refused=REFUSED,
    ),
}

ACTIONS: dict[str, Action] = {
    "update": _publisher(forms.ItemForm, _update, "已保存", form_kwargs=_with_user),
    "add_question": _publisher(
        forms.QuestionForm, lambda u, i, d: items.add_question(u, i, d), "已添加测验题"
    ),
    "remove_question": _publisher(
        forms.RemoveQuestionForm,
        lambda u, i, d: items.remove_question(u, i, d["question"]),
        "已删除测验题",
    ),
    "publish": _publisher(None, lambda u, i, d: items.publish(u, i), "已发布"),
    "pin": _publisher(None, lambda u, i, d: items.pin(u, i, True), "已置顶"),
    "unpin": _publisher(None, lambda u, i, d: items.pin(u, i, False), "已取消置顶"),
    "withdraw": _publisher(
        forms.WithdrawForm, lambda u, i, d: items.withdraw(u, i, d["reason"]), "已撤回"
    ),
    "remind": Action(
        forms.RemindForm,
        _remind,
        allowed=reach.may_remind,
        done="已提醒（同一人每天最多提醒一次）",
        refused="您无权提醒",
    ),
    "open": Action(None, lambda u, i, d: reading.open_item(u, i), done="已打开"),
    "confirm": Action(None, lambda u, i, d: reading.confirm(u, i), done="已确认阅读"),
    "quiz": Action(forms.QuizForm, _quiz, form_kwargs=_quiz_form, done="已提交测验"),
}
