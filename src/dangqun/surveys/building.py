"""Building a survey: create one (blank or from a shipped template, a template's repeated waves
numbered), edit it and its questions while it is a draft, publish it to its audience, close it.
Every refusal is a Chinese ``ValidationError`` and writes nothing; every change is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangqun.core import audit
from dangqun.surveys import notify, services, templates
from dangqun.surveys.models import CHOICE_KINDS, Kind, Question, Status, Survey

FIELDS = ("org", "title", "description", "anonymous", "opens_on", "closes_on", "audience_who")
OPTIONS_MAX = 20
NOT_DRAFT = "问卷已发布，不能再修改题目"


def _snapshot(survey: Survey) -> dict:
    shown = {f: str(getattr(survey, f"{f}_id" if f == "org" else f) or "") for f in FIELDS}
    shown["status"] = survey.status
    return shown


def _check_window(data: dict) -> None:
    opens, closes = data.get("opens_on"), data.get("closes_on")
    if opens and closes and closes < opens:
        raise ValidationError({"closes_on": "截止日期不能早于开始日期"})


def create(user, data: dict) -> Survey:
    services.require_manage(user, data["org"])
    _check_window(data)
    with transaction.atomic():
        survey = Survey(created_by=user, **{f: data.get(f) for f in FIELDS if f in data})
        survey.description = survey.description or ""
        survey.save()
        if data.get("audience_orgs") is not None:
            survey.audience_orgs.set(data["audience_orgs"])
        audit.record(user, "survey.create", survey, after=_snapshot(survey))
    return survey


def next_wave(template: str, org) -> int:
    last = Survey.objects.filter(template=template, org=org).aggregate(m=Max("wave"))["m"]
    return (last or 0) + 1


def create_from_template(user, org, key: str, **extra) -> Survey:
    """A draft with the template's questions; a later wave of the same template and organisation
    takes the next wave number (results compare waves)."""
    shipped = templates.get(key)
    services.require_manage(user, org)
    with transaction.atomic():
        wave = next_wave(key, org)
        title = shipped.title if wave == 1 else f"{shipped.title}（第 {wave} 期）"
        survey = Survey.objects.create(
            org=org,
            title=extra.get("title") or title,
            description=shipped.description,
            anonymous=shipped.anonymous,
            audience_who=extra.get("audience_who") or shipped.audience,
            opens_on=extra.get("opens_on"),
            closes_on=extra.get("closes_on"),
            template=key,
            wave=wave,
            created_by=user,
        )
        rows = Question.objects.bulk_create(
            Question(survey=survey, position=i, **q.fields())
            for i, q in enumerate(shipped.questions, 1)
        )
        for row, item in zip(rows, shipped.questions, strict=True):
            if item.skip:  # positions in the template become question ids
                row.skip = {k: rows[pos - 1].pk for k, pos in item.skip.items()}
                row.save(update_fields=["skip"])
        audit.record(
            user,
            "survey.create",
            survey,
            after={**_snapshot(survey), "template": key, "wave": wave},
        )
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update(of=("self",)).select_related("org").get(pk=survey.pk)


def update(user, survey: Survey, data: dict) -> Survey:
    services.require_manage(user, survey.org)
    if "org" in data:
        services.require_manage(user, data["org"])
    _check_window(data)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status == Status.CLOSED:
            raise ValidationError("问卷已结束，不能再修改")
        if survey.status == Status.OPEN and (
            "anonymous" in data and data["anonymous"] != survey.anonymous
        ):
            raise ValidationError({"anonymous": "问卷已发布，不能更改是否匿名"})
        before = _snapshot(survey)
        for name in FIELDS:
            if name in data and not (survey.status == Status.OPEN and name == "org"):
                value = data[name]
                setattr(survey, name, "" if value is None and name == "description" else value)
        survey.save()
        if data.get("audience_orgs") is not None and survey.status == Status.DRAFT:
            survey.audience_orgs.set(data["audience_orgs"])
        audit.record(user, "survey.update", survey, before=before, after=_snapshot(survey))
    return survey


def clean_question(data: dict) -> dict:
    """A question's fields checked: choices need 2–20 distinct options, a matrix 1–20 items."""
    kind = data.get("kind")
    if kind not in Kind.values:
        raise ValidationError({"kind": "请选择题型"})
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": "请填写题目"})
    options = [o.strip() for o in data.get("options") or [] if o and o.strip()]
    items = [o.strip() for o in data.get("items") or [] if o and o.strip()]
    if kind in CHOICE_KINDS:
        if not 2 <= len(options) <= OPTIONS_MAX or len(set(options)) != len(options):
            raise ValidationError({"options": f"选择题需要 2 至 {OPTIONS_MAX} 个互不相同的选项"})
    else:
        options = []
    if kind == Kind.MATRIX:
        if not 1 <= len(items) <= OPTIONS_MAX or len(set(items)) != len(items):
            raise ValidationError({"items": f"矩阵题需要 1 至 {OPTIONS_MAX} 个互不相同的评价项目"})
    else:
        items = []
    return {
        "kind": kind,
        "text": text[:300],
        "required": bool(data.get("required", True)),
        "options": [o[:100] for o in options],
        "items": [o[:100] for o in items],
    }


def check_skips(questions: list[Question]) -> None:
    """Every jump goes from a single choice to a later question of the same survey."""
    position = {q.pk: q.position for q in questions}
    for q in questions:
        for option, target in (q.skip or {}).items():
            if q.kind != Kind.SINGLE:
                raise ValidationError({"skip": f"第 {q.position} 题：只有单选题可以设置跳题"})
            if not str(option).isdigit() or int(option) >= len(q.options):
                raise ValidationError({"skip": f"第 {q.position} 题：跳题的选项不存在"})
            if target not in position:
                raise ValidationError({"skip": f"第 {q.position} 题：跳转的题目不存在"})
            if position[target] <= q.position:
                raise ValidationError(
                    {
                        "skip": f"第 {q.position} 题：只能跳到后面的题目，不能跳回第 {position[target]} 题"
                    }
                )


def _draft(user, survey: Survey) -> Survey:
    services.require_manage(user, survey.org)
    survey = _locked(survey)
    if survey.status != Status.DRAFT:
        raise ValidationError(NOT_DRAFT)
    return survey


def _renumber(questions: list[Question]) -> None:
    for index, q in enumerate(questions, 1):
        q.position = index
    Question.objects.bulk_update(questions, ["position"])


def _skip_of(questions: list[Question], raw: dict | None) -> dict:
    """``{"<option index>": <question id>}`` from ``{"<option index>": <target position>}``."""
    at = {q.position: q.pk for q in questions}
    found = {}
    for option, position in (raw or {}).items():
        if position in (None, ""):
            continue
        if not str(position).isdigit() or int(position) not in at:
            raise ValidationError({"skip": f"跳转的第 {position} 题不存在"})
        found[str(option)] = at[int(position)]
    return found


def add_question(user, survey: Survey, data: dict) -> Question:
    fields = clean_question(data)
    with transaction.atomic():
        survey = _draft(user, survey)
        questions = list(survey.questions.all())
        question = Question(survey=survey, position=len(questions) + 1, **fields)
        question.skip = _skip_of(questions, data.get("skip"))
        check_skips([*questions, question])
        question.save()
        audit.record(
            user, "survey.question_add", survey, after={"position": question.position, **fields}
        )
    return question


def update_question(user, survey: Survey, question_id: int, data: dict) -> Question:
    fields = clean_question(data)
    with transaction.atomic():
        survey = _draft(user, survey)
        questions = list(survey.questions.all())
        question = _one(questions, question_id)
        before = {"text": question.text, "kind": question.kind}
        for name, value in fields.items():
            setattr(question, name, value)
        if "skip" in data:
            question.skip = _skip_of(questions, data.get("skip"))
        check_skips(questions)
        question.save()
        audit.record(user, "survey.question_update", survey, before=before, after=fields)
    return question


def _one(questions: list[Question], question_id) -> Question:
    for q in questions:
        if q.pk == int(question_id):
            return q
    raise ValidationError({"question": "题目不存在"})


def move_question(user, survey: Survey, question_id: int, step: int) -> None:
    """One place up (-1) or down (+1); refused when it would make a jump go backwards."""
    with transaction.atomic():
        survey = _draft(user, survey)
        questions = list(survey.questions.all())
        question = _one(questions, question_id)
        index = questions.index(question)
        target = index + (1 if step > 0 else -1)
        if not 0 <= target < len(questions):
            return
        questions[index], questions[target] = questions[target], questions[index]
        for i, q in enumerate(questions, 1):
            q.position = i
        check_skips(questions)
        _renumber(questions)
        audit.record(
            user, "survey.question_move", survey, after={"question": question.pk, "to": target + 1}
        )


def delete_question(user, survey: Survey, question_id: int) -> None:
    """Only from a draft (no answer refers to it); jumps to it must be removed first."""
    with transaction.atomic():
        survey = _draft(user, survey)
        questions = list(survey.questions.all())
        question = _one(questions, question_id)
        if any(question.pk in (q.skip or {}).values() for q in questions):
            raise ValidationError({"question": "有题目跳转到这道题，请先修改跳题设置"})
        questions.remove(question)
        question.delete()
        _renumber(questions)
        audit.record(user, "survey.question_delete", survey, before={"text": question.text})


def publish(user, survey: Survey) -> Survey:
    services.require_manage(user, survey.org)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status != Status.DRAFT:
            raise ValidationError("只有草稿可以发布")
        questions = list(survey.questions.all())
        if not questions:
            raise ValidationError("问卷还没有题目，请先添加题目再发布")
        check_skips(questions)
        if survey.closes_on and survey.closes_on < timezone.localdate():
            raise ValidationError({"closes_on": "截止日期已过，请先修改截止日期再发布"})
        survey.status = Status.OPEN
        survey.opened_at = timezone.now()
        survey.save(update_fields=["status", "opened_at"])
        audit.record(user, "survey.publish", survey, after={"status": survey.status})
        transaction.on_commit(lambda: notify.published(survey))
    return survey


def close(user, survey: Survey) -> Survey:
    services.require_manage(user, survey.org)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status != Status.OPEN:
            raise ValidationError("只有进行中的问卷可以结束")
        survey.status = Status.CLOSED
        survey.closed_at = timezone.now()
        survey.save(update_fields=["status", "closed_at"])
        audit.record(user, "survey.close", survey, after={"status": survey.status})
        if survey.anonymous:
            from dangqun.surveys.tasks import shuffle_now  # tasks import this module's callers

            transaction.on_commit(lambda: shuffle_now(survey.pk))
    return survey
