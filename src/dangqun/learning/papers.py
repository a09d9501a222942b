"""Papers (issue #17 §3): a fixed paper lists chosen questions with their points; a random paper
keeps rules (n questions of a type, optionally of a tag, points each) and is drawn anew for each
attempt from the organisation's active questions. ``draw`` gives an attempt its questions and, for
choice questions, the order each person sees the options in."""

from __future__ import annotations

import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from dangqun.core import audit
from dangqun.learning import questions, services
from dangqun.learning.exam_models import CHOICE_KINDS, Kind, Paper, PaperItem, PaperMode, Question

_rng = random.SystemRandom()
MAX_QUESTIONS = 200
# a paper's questions as papers print them: 单选, 多选, 判断, 填空
KIND_ORDER = [Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE, Kind.FILL]


def _tagged(rows: QuerySet, tag: str) -> QuerySet:
    if not tag:
        return rows
    return rows.filter(
        Q(tags=tag)
        | Q(tags__startswith=f"{tag}，")
        | Q(tags__endswith=f"，{tag}")
        | Q(tags__contains=f"，{tag}，")
    )


def pool(paper: Paper, rule: dict) -> QuerySet:
    rows = Question.objects.filter(org=paper.org, active=True, kind=rule["kind"])
    return _tagged(rows, rule.get("tag") or "")


def check_rules(org, rules: list[dict]) -> None:
    """Each rule must be fillable from the bank as it is now."""
    if not rules:
        raise ValidationError({"rules": "请至少填写一条抽题规则"})
    probe = Paper(org=org)
    for rule in rules:
        have = pool(probe, rule).count()
        if have < rule["count"]:
            label = Kind(rule["kind"]).label + (
                f"（标签“{rule['tag']}”）" if rule.get("tag") else ""
            )
            raise ValidationError(
                {"rules": f"{label}在用的只有 {have} 道，不够抽取 {rule['count']} 道"}
            )
    if sum(r["count"] for r in rules) > MAX_QUESTIONS:
        raise ValidationError({"rules": f"一份试卷最多 {MAX_QUESTIONS} 道题"})


def create(user, org, data: dict) -> Paper:
    """``data``: title, mode, and either ``questions`` (ids) with ``points`` per type, or ``rules``."""
    services.require_manage(user, org)
    mode = data["mode"]
    with transaction.atomic():
        paper = Paper.objects.create(org=org, title=data["title"], mode=mode)
        if mode == PaperMode.RANDOM:
            check_rules(org, data["rules"])
            paper.rules = data["rules"]
            paper.save(update_fields=["rules"])
        else:
            chosen = sorted(
                Question.objects.filter(org=org, active=True, pk__in=data.get("questions") or []),
                key=lambda q: (KIND_ORDER.index(q.kind), q.pk),
            )
            if not chosen:
                raise ValidationError({"questions": "请至少选择一道题"})
            points = data.get("points") or {}
            PaperItem.objects.bulk_create(
                PaperItem(
                    paper=paper,
                    question=q,
                    points=Decimal(str(points.get(q.kind) or 1)),
                    position=n,
                )
                for n, q in enumerate(chosen)
            )
        audit.record(
            user,
            "learning.paper.create",
            paper,
            after={"名称": paper.title, "组卷方式": paper.get_mode_display()},
        )
    return paper


def total(paper: Paper) -> Decimal:
    if paper.mode == PaperMode.RANDOM:
        return sum((Decimal(str(r["points"])) * r["count"] for r in paper.rules), Decimal(0))
    return sum((i.points for i in paper.items.all()), Decimal(0))


def count(paper: Paper) -> int:
    if paper.mode == PaperMode.RANDOM:
        return sum(r["count"] for r in paper.rules)
    return paper.items.count()


def _order(question: Question) -> list[int] | None:
    if question.kind not in CHOICE_KINDS:
        return None
    order = list(range(len(question.options)))
    _rng.shuffle(order)
    return order


def draw(paper: Paper) -> list[dict]:
    """The questions of one attempt: [{"q", "kind", "points", "order"}]."""
    if paper.mode == PaperMode.RANDOM:
        picked: list[tuple[Question, Decimal]] = []
        taken: set[int] = set()
        for rule in paper.rules:
            ids = [i for i in pool(paper, rule).values_list("pk", flat=True) if i not in taken]
            chosen = _rng.sample(ids, min(rule["count"], len(ids)))
            taken.update(chosen)
            rows = {q.pk: q for q in Question.objects.filter(pk__in=chosen)}
            picked += [(rows[i], Decimal(str(rule["points"]))) for i in chosen]
        if not picked:
            raise ValidationError("题库中没有可抽取的题目，请联系考试组织者")
    else:
        picked = [(i.question, i.points) for i in paper.items.select_related("question")]
    return [
        {"q": q.pk, "kind": q.kind, "points": str(points), "order": _order(q)}
        for q, points in picked
    ]


def visible_to(user) -> QuerySet:
    return Paper.objects.filter(org__in=services.organiser_orgs(user))


__all__ = ["create", "draw", "questions"]
