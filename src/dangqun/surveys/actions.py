"""What can be done to a survey, by whom and with which form (``core.actions``): the pages and
``api/surveys.py`` share these tables. ``NEW`` creates one; ``ACTIONS`` are the organiser's
(edit, questions, publish, close) and the respondent's (answer)."""

from __future__ import annotations

from dangqun.core.actions import Action
from dangqun.surveys import answering, building, forms, services

REFUSED = services.NOT_ORGANISER


def _with_user(user, survey) -> dict:
    return {"user": user, "survey": survey}


def _keeper(form, do, done: str, **kwargs) -> Action:
    return Action(form, do, allowed=services.can_manage, done=done, refused=REFUSED, **kwargs)


def _question(user, survey, data):
    data = dict(data)
    if data.get("question"):
        return building.update_question(user, survey, data.pop("question"), data)
    data.pop("question", None)
    return building.add_question(user, survey, data)


NEW: dict[str, Action] = {
    "create": Action(
        forms.SurveyForm,
        lambda u, _, d: building.create(u, d),
        allowed=lambda u, _: services.organises(u),
        form_kwargs=_with_user,
        done="已保存为草稿",
        refused=REFUSED,
    ),
    "from_template": Action(
        forms.TemplateForm,
        lambda u, _, d: building.create_from_template(u, d["org"], d["template"]),
        allowed=lambda u, _: services.organises(u),
        form_kwargs=_with_user,
        done="已按模板创建草稿",
        refused=REFUSED,
    ),
}

ACTIONS: dict[str, Action] = {
    "update": _keeper(
        forms.SurveyForm, lambda u, s, d: building.update(u, s, d), "已保存", form_kwargs=_with_user
    ),
    "question": _keeper(forms.QuestionForm, _question, "题目已保存", form_kwargs=_with_user),
    "move": _keeper(
        forms.MoveForm,
        lambda u, s, d: building.move_question(u, s, d["question"], d["step"]),
        "已调整顺序",
    ),
    "delete_question": _keeper(
        forms.DeleteForm,
        lambda u, s, d: building.delete_question(u, s, d["question"]),
        "已删除题目",
    ),
    "publish": _keeper(None, lambda u, s, d: building.publish(u, s), "已发布"),
    "close": _keeper(None, lambda u, s, d: building.close(u, s), "问卷已结束"),
    "answer": Action(
        forms.AnswerForm,
        lambda u, s, d: answering.answer(u, s, d["answers"]),
        form_kwargs=_with_user,
        done="已提交，感谢您的参与",
    ),
}
