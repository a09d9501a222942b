"""The question bank (issue #17 §3): an organiser's organisation owns its questions; they are
checked the same way whether typed in or imported (``check``), retired rather than deleted once an
exam has used them, and listed with filters for the organiser."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from dangqun.core import audit
from dangqun.learning import services
from dangqun.learning.exam_models import (
    CHOICE_KINDS,
    TRUE_FALSE_OPTIONS,
    Answer,
    Kind,
    PaperItem,
    Question,
)
from dangqun.learning.grading import normalise

MAX_OPTIONS = 6
LETTERS = "ABCDEFGH"
DUPLICATE = "题库中已有相同题干的题目"


def stem_key(stem: str) -> str:
    """Two stems are the same question when they read the same ignoring spaces, width and case."""
    return normalise(stem)[:255]


def tags_text(tags) -> str:
    """Tags as stored: "，"-separated, each once, in the order given."""
    if isinstance(tags, str):
        tags = tags.replace(",", "，").replace("、", "，").replace(";", "，").replace("；", "，")
        tags = tags.split("，")
    seen: list[str] = []
    for tag in tags:
        tag = str(tag).strip()[:20]
        if tag and tag not in seen:
            seen.append(tag)
    return "，".join(seen)[:200]


def check(kind: str, stem: str, options: list[str], answer: list) -> dict[str, str]:
    """What is wrong with a question, by field (题干, 选项, 答案); empty when it is sound."""
    errors: dict[str, str] = {}
    if not (stem or "").strip():
        errors["stem"] = "题干不能为空"
    if kind not in Kind.values:
        errors["kind"] = "题型只能是单选题、多选题、判断题或填空题"
        return errors
    if kind in CHOICE_KINDS:
        if len(options) < 2:
            errors["options"] = "选择题至少要有两个选项"
        elif len(options) > MAX_OPTIONS:
            errors["options"] = f"选项最多 {MAX_OPTIONS} 个"
        elif len({normalise(o) for o in options}) < len(options):
            errors["options"] = "选项有重复"
        if not answer:
            errors["answer"] = "请填写答案"
        elif any(not isinstance(a, int) or not 0 <= a < len(options) for a in answer):
            errors["answer"] = "答案不在选项中"
        elif kind == Kind.SINGLE and len(answer) != 1:
            errors["answer"] = "单选题只能有一个答案"
        elif kind == Kind.MULTIPLE and len(set(answer)) < 2:
            errors["answer"] = "多选题至少要有两个正确选项"
    elif kind == Kind.TRUE_FALSE:
        if answer not in ([0], [1]):
            errors["answer"] = "判断题的答案只能是“正确”或“错误”"
    elif not [a for a in answer if normalise(a)]:
        errors["answer"] = "填空题至少要有一个可接受的答案"
    return errors


def fields_of(data: dict) -> dict:
    """A question's stored fields from checked input (options fixed for true/false, none for a
    fill-in; answers sorted)."""
    kind = data["kind"]
    options = [str(o).strip() for o in data.get("options") or []]
    if kind == Kind.TRUE_FALSE:
        options = list(TRUE_FALSE_OPTIONS)
    elif kind == Kind.FILL:
        options = []
    answer = data["answer"]
    if kind != Kind.FILL:
        answer = sorted(set(answer))
    else:
        answer = [str(a).strip() for a in answer if str(a).strip()]
    return {
        "kind": kind,
        "stem": data["stem"].strip(),
        "stem_key": stem_key(data["stem"]),
        "options": options,
        "answer": answer,
        "explanation": (data.get("explanation") or "").strip(),
        "tags": tags_text(data.get("tags") or ""),
        "difficulty": int(data.get("difficulty") or 3),
    }


def _require_sound(org, fields: dict, exclude: int | None = None) -> None:
    errors = check(fields["kind"], fields["stem"], fields["options"], fields["answer"])
    same = Question.objects.filter(org=org, stem_key=fields["stem_key"])
    if exclude:
        same = same.exclude(pk=exclude)
    if same.exists():
        errors["stem"] = DUPLICATE
    if errors:
        raise ValidationError(errors)


def _audited(question: Question) -> dict:
    return {
        "题型": question.get_kind_display(),
        "题干": question.stem,
        "选项": question.options,
        "答案": question.answer,
        "标签": question.tags,
        "难度": question.difficulty,
        "在用": question.active,
    }


def create(user, org, data: dict) -> Question:
    services.require_manage(user, org)
    fields = fields_of(data)
    _require_sound(org, fields)
    with transaction.atomic():
        question = Question.objects.create(org=org, created_by=user, **fields)
        audit.record(user, "learning.question.create", question, after=_audited(question))
    return question


def used(question: Question) -> bool:
    return (
        Answer.objects.filter(question=question).exists()
        or PaperItem.objects.filter(question=question).exists()
    )


def update(user, question: Question, data: dict) -> Question:
    services.require_manage(user, question.org)
    if used(question):
        raise ValidationError("该题已被试卷或答卷使用，不能修改；可停用后新建一道题")
    fields = fields_of(data)
    _require_sound(question.org, fields, exclude=question.pk)
    with transaction.atomic():
        before = _audited(question)
        for name, value in fields.items():
            setattr(question, name, value)
        question.save()
        audit.record(
            user, "learning.question.update", question, before=before, after=_audited(question)
        )
    return question


def set_active(user, question: Question, active: bool) -> Question:
    """Retire a question (it stays for the answers that used it) or bring it back."""
    services.require_manage(user, question.org)
    with transaction.atomic():
        before = _audited(question)
        question.active = active
        question.save(update_fields=["active"])
        if active:
            audit.record(
                user, "learning.question.restore", question, before=before, after=_audited(question)
            )
        else:
            audit.record(
                user, "learning.question.retire", question, before=before, after=_audited(question)
            )
    return question


def visible_to(user) -> QuerySet:
    """The questions of the organisations the user organises for."""
    orgs = services.organiser_orgs(user)
    return Question.objects.filter(org__in=orgs)


def require_visible(user, pk: int) -> Question:
    from django.http import Http404

    question = visible_to(user).select_related("org").filter(pk=pk).first()
    if question is None:
        raise Http404("不存在或无权查看")
    return question


def filtered(rows: QuerySet, params) -> QuerySet:
    """The bank list's filters: 题型, 标签, 难度, 在用/停用, text in the stem."""
    kind = params.get("kind") or ""
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    tag = (params.get("tag") or "").strip()
    if tag:
        rows = rows.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag}，")
            | Q(tags__endswith=f"，{tag}")
            | Q(tags__contains=f"，{tag}，")
        )
    difficulty = params.get("difficulty") or ""
    if difficulty.isdigit():
        rows = rows.filter(difficulty=int(difficulty))
    state = params.get("state") or ""
    if state == "active":
        rows = rows.filter(active=True)
    elif state == "retired":
        rows = rows.filter(active=False)
    text = (params.get("q") or "").strip()
    if text:
        rows = rows.filter(stem__icontains=text)
    return rows


def answer_text(question: Question) -> str:
    """The answer as the template writes it: letters, 正确/错误, or accepted answers "|"-joined."""
    if question.kind == Kind.FILL:
        return "|".join(question.answer)
    if question.kind == Kind.TRUE_FALSE:
        return TRUE_FALSE_OPTIONS[question.answer[0]]
    return "".join(LETTERS[i] for i in question.answer)
