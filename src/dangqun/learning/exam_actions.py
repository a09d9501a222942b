"""What can be done with the question bank and exams, shared by the pages and the API
(``core.actions``): ``BANK`` are the organiser's (no record, or a question), ``TAKE`` the
member's (the record is an exam for 开始, an attempt's id for 保存 and 交卷)."""

from __future__ import annotations

from dangqun.core.actions import Action
from dangqun.learning import exam_forms, exams, papers, questions, services

REFUSED = services.NOT_ORGANISER


def _user(user, _) -> dict:
    return {"user": user}


def _question(user, question) -> dict:
    return {"user": user, "question": question}


def _organiser(user, _) -> bool:
    return services.organises(user)


def _exam_data(d: dict) -> dict:
    keys = (
        "title",
        "paper",
        "opens_at",
        "closes_at",
        "limit_minutes",
        "attempts_allowed",
        "pass_mark",
        "partial_credit",
        "hours",
        "audience_who",
    )
    return {k: d[k] for k in keys}


BANK: dict[str, Action] = {
    "create_question": Action(
        exam_forms.QuestionForm,
        lambda u, _, d: questions.create(u, d["org"], d),
        allowed=_organiser,
        form_kwargs=_user,
        done="已新增试题",
        refused=REFUSED,
    ),
    "update_question": Action(
        exam_forms.QuestionForm,
        lambda u, q, d: questions.update(u, q, d),
        allowed=lambda u, q: services.can_manage(u, q.org),
        form_kwargs=_question,
        done="已保存",
        refused=REFUSED,
    ),
    "retire_question": Action(
        None,
        lambda u, q, d: questions.set_active(u, q, False),
        allowed=lambda u, q: services.can_manage(u, q.org),
        done="已停用",
        refused=REFUSED,
    ),
    "restore_question": Action(
        None,
        lambda u, q, d: questions.set_active(u, q, True),
        allowed=lambda u, q: services.can_manage(u, q.org),
        done="已恢复",
        refused=REFUSED,
    ),
    "create_paper": Action(
        exam_forms.PaperForm,
        lambda u, _, d: papers.create(u, d["org"], d),
        allowed=_organiser,
        form_kwargs=_user,
        done="已新建试卷",
        refused=REFUSED,
    ),
    "create_exam": Action(
        exam_forms.ExamForm,
        lambda u, _, d: exams.create(u, d["org"], _exam_data(d), d.get("audience_orgs") or ()),
        allowed=_organiser,
        form_kwargs=_user,
        done="已发布考试",
        refused=REFUSED,
    ),
}

TAKE: dict[str, Action] = {
    "start": Action(None, lambda u, exam, d: exams.start(u, exam), done="已开始"),
    "save": Action(
        exam_forms.AnswerForm,
        lambda u, attempt_id, d: exams.save(u, attempt_id, d["position"], d["response"]),
        done="已保存",
    ),
    "submit": Action(None, lambda u, attempt_id, d: exams.submit(u, attempt_id), done="已交卷"),
}
