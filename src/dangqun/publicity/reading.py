"""Reading (issue #18 §1): an employee's list of items for them (unread first, pinned on top,
expired ones out), opening one (the first time is kept as the receipt), confirming a 必读 item
("已阅读"), and the optional quiz (graded by ``learning.grading.score``, the result kept per
person; passing may be required before confirming). A receipt is made once per person and item
however many taps arrive at once: the unique constraint decides, never check-then-act. What is
new (a receipt, a confirmation, a result, a first pass) is added to the item's reach tally in
the same transaction (``tally.add``).
Opening is not audited (reading is private); confirming and answering are."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangqun.core import audit
from dangqun.learning.exam_models import CHOICE_KINDS, Kind
from dangqun.learning.grading import score
from dangqun.publicity import services, tally
from dangqun.publicity.models import Item, QuizResult, Receipt

NOT_FOR_YOU = "这条内容不是发给您的，或已撤回"
NOT_REQUIRED = "这条内容不是必读，无需确认"
QUIZ_FIRST = "请先通过测验再确认已阅读"
NO_QUIZ = "这条内容没有测验"
ONE = Decimal(1)


def mine(user, show: str = "") -> QuerySet:
    """我的宣传: live, not expired; pinned first, then unread, then newest. ``show``: "unread"
    (not opened), "required" (必读 not yet confirmed)."""
    person = services.person_of(user)
    now = timezone.now()
    rows = services.for_me(user).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    receipts = Receipt.objects.filter(item=OuterRef("pk"), person=person)
    rows = rows.annotate(
        opened=Exists(receipts),
        confirmed=Exists(receipts.filter(confirmed_at__isnull=False)),
    )
    if show == "unread":
        rows = rows.filter(opened=False)
    elif show == "required":
        rows = rows.filter(required=True, confirmed=False)
    return rows.select_related("org", "theme").order_by("-pinned", "opened", "-publish_at", "-id")


def receipt_of(user, item: Item) -> Receipt | None:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return Receipt.objects.filter(item=item, person_id=person_id).first()


def result_of(user, item: Item) -> QuizResult | None:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return QuizResult.objects.filter(item=item, person_id=person_id).first()


def _for(user, item: Item, known: bool = False):
    person = services.person_of(user)
    if not known and not services.is_for(user, item):
        raise ValidationError(NOT_FOR_YOU)
    return person


def _receipt(item: Item, person, now) -> tuple[Receipt, bool]:
    """The person's receipt, made once: a concurrent insert loses to the constraint."""
    found = Receipt.objects.filter(item=item, person=person).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(item=item, person=person, opened_at=now)
            tally.add(item, person, opened=1)
            return receipt, True
    except IntegrityError:
        return Receipt.objects.get(item=item, person=person), False


def open_item(user, item: Item, known: bool = False) -> Receipt:
    """Opening records the receipt once (the first time is kept). ``known``: the caller has
    just asked ``services.is_for``."""
    person = _for(user, item, known)
    return _receipt(item, person, timezone.now())[0]


def confirm(user, item: Item) -> Receipt:
    """已阅读/已学习 for a 必读 item: once; later confirms change nothing. The conditional UPDATE
    makes concurrent confirms count once."""
    person = _for(user, item)
    if not item.required:
        raise ValidationError(NOT_REQUIRED)
    if (
        item.quiz_required
        and not QuizResult.objects.filter(item=item, person=person, passed=True).exists()
    ):
        raise ValidationError(QUIZ_FIRST)
    now = timezone.now()
    with transaction.atomic():
        receipt = _receipt(item, person, now)[0]
        changed = Receipt.objects.filter(pk=receipt.pk, confirmed_at__isnull=True).update(
            confirmed_at=now
        )
        if changed:
            tally.add(item, person, confirmed=1)
            audit.record(user, "publicity.item_confirm", item, after={"confirmed": True})
        receipt.refresh_from_db()
    return receipt


def _response(question, raw) -> list:
    """A posted answer as ``grading.score`` reads it: places picked, or the text."""
    if raw is None:
        return []
    if question.kind == Kind.FILL:
        text = str(raw[0] if isinstance(raw, list) and raw else raw or "").strip()
        return [text[:200]] if text else []
    values = raw if isinstance(raw, list) else [raw]
    return [str(v) for v in values if v is not None and str(v).strip() != ""]


def answer(user, item: Item, answers: dict) -> QuizResult:
    """Grade the person's answers (``{question_id: places or text}``); the latest is kept and a
    pass, once earned, stays. Every question must be answered."""
    person = _for(user, item)
    questions = list(item.questions.all())
    if not questions:
        raise ValidationError(NO_QUIZ)
    given, correct = {}, 0
    for question in questions:
        response = _response(question, answers.get(str(question.pk), answers.get(question.pk)))
        if not response:
            raise ValidationError(f"请回答第 {question.position} 题")
        given[str(question.pk)] = response
        order = list(range(len(question.options))) if question.kind in CHOICE_KINDS else None
        if question.kind == Kind.TRUE_FALSE:
            order = [0, 1]
        if score(question.kind, question.answer, response, ONE, order) == ONE:
            correct += 1
    passed = correct * 100 >= item.pass_percent * len(questions)
    now = timezone.now()
    with transaction.atomic():
        created = False
        try:
            with transaction.atomic():
                result = QuizResult.objects.create(item=item, person=person, answered_at=now)
                created = True
        except IntegrityError:
            result = QuizResult.objects.select_for_update().get(item=item, person=person)
        first_pass = passed and not result.passed  # the row is locked (or new): counted once
        result.correct, result.total, result.answers = correct, len(questions), given
        result.passed = result.passed or passed
        result.tries += 1
        result.answered_at = now
        result.save()
        tally.add(item, person, answered=int(created), passed=int(first_pass))
        audit.record(
            user,
            "publicity.quiz_answer",
            item,
            after={"correct": correct, "total": len(questions), "passed": passed},
        )
        _receipt(item, person, now)
    return result
