"""Taking exams (issue #17 §3), every rule enforced on the server:

- ``start``: only within the window, only for someone in the exam's audience, at most
  ``attempts_allowed`` times; an open attempt is resumed rather than a second one begun. The
  attempt's deadline is min(start + time limit, the exam's close).
- ``save``: one answer at a time, idempotent (the same place saved twice keeps the last), refused
  after the deadline or once submitted — a dropped phone connection loses nothing already saved.
- ``submit``: grades what was saved, once: the attempt's row is locked (``select_for_update``) and
  a second submission, concurrent or later, gets the first result. After the deadline it still
  grades what was saved by the deadline (marked late). An attempt never submitted is graded the
  same way when its deadline has passed (``settle``; the pages and a periodic task call it).
- A passed exam with 学时 credits the ledger through ``sources_exams`` (once per person and exam).
- Results: the person sees their score and whether they passed right after submitting; which
  answers were right, and the right answers, only after the exam's window has closed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.scope import require
from dangqun.core import audit, bulk
from dangqun.learning import grading, ledger, papers, services
from dangqun.learning.exam_models import Answer, Attempt, Exam, Kind, Question
from dangqun.learning.models import Source
from dangqun.people import audience
from dangqun.people.models import Person

NOT_OPEN = "考试尚未开始"
CLOSED = "考试已截止"
NOT_FOR_YOU = "您不在本次考试的参考范围内"
NO_MORE = "您的作答次数已用完"
TIME_UP = "答题时间已到，答案未保存；请交卷"
ALREADY = "已交卷，不能再修改答案"


def create(user, org, data: dict, orgs=()) -> Exam:
    services.require_manage(user, org)
    paper = data["paper"]
    if paper.org_id != org.pk and not services.can_manage(user, paper.org):
        raise ValidationError({"paper": "只能使用本人可管理组织的试卷"})
    if data["closes_at"] <= data["opens_at"]:
        raise ValidationError({"closes_at": "截止时间须晚于开始时间"})
    if data["pass_mark"] > papers.total(paper):
        raise ValidationError({"pass_mark": f"及格分不能高于试卷总分 {papers.total(paper)}"})
    with transaction.atomic():
        exam = Exam.objects.create(org=org, created_by=user, **data)
        if orgs:
            exam.audience_orgs.set(orgs)
        audit.record(user, "learning.exam.create", exam, after=_audited(exam))
    return exam


def _audited(exam: Exam) -> dict:
    return {
        "名称": exam.title,
        "试卷": exam.paper.title,
        "开始": timezone.localtime(exam.opens_at).strftime("%Y-%m-%d %H:%M"),
        "截止": timezone.localtime(exam.closes_at).strftime("%Y-%m-%d %H:%M"),
        "时限（分钟）": exam.limit_minutes,
        "作答次数": exam.attempts_allowed,
        "及格分": str(exam.pass_mark),
        "多选部分得分": exam.partial_credit,
        "学时": str(exam.hours),
    }


# the member's side --------------------------------------------------------------------------


def mine(person) -> QuerySet:
    """The exams the person is in the audience of (the visibility verb of ``audience``)."""
    return audience.for_person(Exam.objects.all(), person)


def to_take(person, now: dt.datetime | None = None) -> list[Exam]:
    """The exams open now that the person has not passed and has an attempt left, soonest to
    close first (the 工作台's "可参加的考试"). One query, besides the audience's post check."""
    now = now or timezone.now()
    theirs = Attempt.objects.filter(exam=OuterRef("pk"), person=person)
    used = theirs.filter(submitted_at__isnull=False).values("exam").annotate(n=Count("pk"))
    return list(
        mine(person)
        .filter(opens_at__lte=now, closes_at__gt=now)
        .exclude(Exists(theirs.filter(passed=True)))
        .annotate(used=Coalesce(Subquery(used.values("n")), 0))
        .filter(used__lt=F("attempts_allowed"))
        .order_by("closes_at", "pk")
    )


def require_mine(user, pk: int) -> Exam:
    person = services.person_of(user)
    exam = mine(person).select_related("paper", "org").filter(pk=pk).first()
    if exam is None:
        raise Http404("不存在或无权查看")
    return exam


def window(exam: Exam, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if now < exam.opens_at:
        return "upcoming"
    if now >= exam.closes_at:
        return "closed"
    return "open"


def results_shown(exam: Exam, now: dt.datetime | None = None) -> bool:
    return window(exam, now) == "closed"


def start(user, exam: Exam) -> Attempt:
    person = services.person_of(user)
    now = timezone.now()
    if window(exam, now) == "upcoming":
        raise ValidationError(NOT_OPEN)
    if window(exam, now) == "closed":
        raise ValidationError(CLOSED)
    if not audience.includes(exam, person):
        raise PermissionDenied(NOT_FOR_YOU)
    with transaction.atomic():
        # one person's attempts are begun one at a time (two taps of 开始 give one attempt)
        Person.objects.select_for_update().filter(pk=person.pk).first()
        settle(Attempt.objects.filter(exam=exam, person=person), now)
        taken = list(Attempt.objects.filter(exam=exam, person=person).order_by("number"))
        current = next((a for a in taken if not a.submitted), None)
        if current is not None:
            return current
        if len(taken) >= exam.attempts_allowed:
            raise ValidationError(NO_MORE)
        items = papers.draw(exam.paper)
        attempt = Attempt.objects.create(
            exam=exam,
            person=person,
            number=len(taken) + 1,
            items=items,
            started_at=now,
            deadline=min(now + dt.timedelta(minutes=exam.limit_minutes), exam.closes_at),
            total=sum((Decimal(i["points"]) for i in items), Decimal(0)),
        )
        audit.record(
            user,
            "learning.exam.start",
            attempt,
            after={"考试": exam.title, "第几次": attempt.number},
        )
    return attempt


def require_own(user, pk: int, lock: bool = False) -> Attempt:
    """One of the user's own attempts (404 otherwise), read by the user's person id alone."""
    person_id = getattr(user, "person_id", None)
    require(person_id is not None, services.NO_PERSON)
    rows = Attempt.objects.filter(person_id=person_id, pk=pk)
    if lock:
        rows = rows.select_for_update()
    attempt = rows.select_related("exam").first()
    if attempt is None:
        raise Http404("不存在或无权查看")
    return attempt


def _response(kind: str, order, raw) -> list:
    """A saved response, cleaned: places within range for choices (one for single/true-false),
    one line of text for a fill-in."""
    if kind == Kind.FILL:
        text = raw[0] if isinstance(raw, list) and raw else raw
        text = "" if text is None else str(text).strip()[:200]
        return [text] if text else []
    if not isinstance(raw, list):
        raw = [raw]
    size = len(order) if order is not None else 2
    places = []
    for value in raw:
        try:
            place = int(value)
        except (TypeError, ValueError):
            raise ValidationError("答案无效") from None
        if not 0 <= place < size:
            raise ValidationError("答案无效")
        if place not in places:
            places.append(place)
    if kind != Kind.MULTIPLE and len(places) > 1:
        raise ValidationError("该题只能选一个答案")
    return sorted(places)


def save(user, attempt_id: int, position: int, raw) -> Answer:
    """Save one answer (the last save of a place wins); refused after the deadline. One write:
    an insert that updates the place's row when it is there."""
    now = timezone.now()
    attempt = require_own(user, attempt_id)
    if attempt.submitted:
        raise ValidationError(ALREADY)
    if now > attempt.deadline:
        raise ValidationError(TIME_UP)
    if not 0 <= position < len(attempt.items):
        raise ValidationError("没有这道题")
    item = attempt.items[position]
    kind = item.get("kind") or (  # attempts begun before the kind was kept in their items
        Question.objects.filter(pk=item["q"]).values_list("kind", flat=True).first()
    )
    answer = Answer(
        attempt=attempt,
        position=position,
        question_id=item["q"],
        response=_response(kind, item.get("order"), raw),
    )
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["attempt", "position"],
        update_fields=["question", "response", "saved_at"],
    )
    return answer


def grade(attempt: Attempt) -> None:
    """Grade every saved answer of the attempt (in memory: the caller saves)."""
    exam = attempt.exam
    ids = [i["q"] for i in attempt.items]
    bank = {q.pk: q for q in Question.objects.filter(pk__in=ids).only("kind", "answer")}
    saved = {a.position: a for a in attempt.answers.all()}
    score = Decimal(0)
    for position, item in enumerate(attempt.items):
        answer = saved.get(position)
        if answer is None:
            continue
        question = bank[item["q"]]
        points = Decimal(item["points"])
        got = grading.score(
            question.kind,
            question.answer,
            answer.response,
            points,
            item.get("order"),
            exam.partial_credit,
        )
        answer.points, answer.correct = got, got == points
        score += got
    bulk.bulk_update(Answer, list(saved.values()), ["points", "correct"])
    attempt.score = score
    attempt.passed = score >= exam.pass_mark


def submit(user, attempt_id: int) -> Attempt:
    """Grade and close the attempt, exactly once."""
    with transaction.atomic():
        attempt = require_own(user, attempt_id, lock=True)
        if attempt.submitted:
            return attempt
        _close(attempt, timezone.now())
        audit.record(
            user,
            "learning.exam.submit",
            attempt,
            after={"考试": attempt.exam.title, "得分": str(attempt.score), "通过": attempt.passed},
        )
    return attempt


def _close(attempt: Attempt, now: dt.datetime) -> None:
    late = now > attempt.deadline  # ``save`` refused anything after it: what was saved counts
    grade(attempt)
    attempt.submitted_at = min(now, attempt.deadline) if late else now
    attempt.late = late
    attempt.save(update_fields=["score", "passed", "submitted_at", "late"])
    if attempt.passed and attempt.exam.hours:
        ledger.sync(Source.EXAM, [attempt.exam_id])


def settle(rows: QuerySet, now: dt.datetime | None = None) -> int:
    """Grade the attempts of ``rows`` left open past their deadline; returns how many."""
    now = now or timezone.now()
    done = 0
    for pk in rows.filter(submitted_at__isnull=True, deadline__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().select_related("exam").get(pk=pk)
            if attempt.submitted:
                continue
            _close(attempt, now)
            done += 1
    return done


@dataclass
class Place:
    """One question of an attempt as the person sees it."""

    position: int
    question: Question
    points: Decimal
    options: list[tuple[int, str]]  # (place, text) in the person's order
    response: list
    right: list | None = None  # shown after the window closes
    got: Decimal | None = None
    correct: bool | None = None

    @property
    def fill_text(self) -> str:
        return self.response[0] if self.response else ""


def places(attempt: Attempt, with_answers: bool = False) -> list[Place]:
    """The attempt's questions in order, with the options in the person's order and what they
    saved; with the right answers when ``with_answers``. Two queries."""
    ids = [i["q"] for i in attempt.items]
    bank = Question.objects.in_bulk(ids)
    saved = {a.position: a for a in attempt.answers.all()}
    out = []
    for position, item in enumerate(attempt.items):
        question = bank[item["q"]]
        order = item.get("order")
        if order is not None:
            options = [(place, question.options[i]) for place, i in enumerate(order)]
        elif question.kind == Kind.TRUE_FALSE:
            options = list(enumerate(question.options))
        else:
            options = []
        answer = saved.get(position)
        place = Place(
            position, question, Decimal(item["points"]), options, answer.response if answer else []
        )
        if with_answers:
            place.right = grading.shown_answer(question.kind, question.answer, order)
            place.got = answer.points if answer else Decimal(0)
            place.correct = bool(answer and answer.correct)
        out.append(place)
    return out


def overview(person, now: dt.datetime | None = None) -> dict[str, list]:
    """我的考试: open, upcoming and done, each exam with the person's attempts. Three queries."""
    now = now or timezone.now()
    exams = list(mine(person).order_by("closes_at"))
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for a in Attempt.objects.filter(person=person, exam__in=[e.pk for e in exams]).order_by(
        "number"
    ):
        attempts[a.exam_id].append(a)
    groups: dict[str, list] = {"open": [], "upcoming": [], "done": []}
    for exam in exams:
        taken = attempts.get(exam.pk, [])
        exam.taken = taken
        exam.best = max((a for a in taken if a.submitted), key=lambda a: a.score, default=None)
        exam.can_start = len(taken) < exam.attempts_allowed or any(not a.submitted for a in taken)
        state = window(exam, now)
        if state == "open" and exam.can_start:
            groups["open"].append(exam)
        elif state == "upcoming":
            groups["upcoming"].append(exam)
        else:
            groups["done"].append(exam)
    groups["done"].sort(key=lambda e: e.closes_at, reverse=True)
    return groups


# the organiser's side -----------------------------------------------------------------------


def managed(user) -> QuerySet:
    return Exam.objects.filter(org__in=services.organiser_orgs(user))


def require_managed(user, pk: int) -> Exam:
    exam = managed(user).select_related("paper", "org").filter(pk=pk).first()
    if exam is None:
        raise Http404("不存在或无权查看")
    return exam


@dataclass
class QuestionFigures:
    question: Question
    answered: int
    wrong: int
    common_wrong: str  # the wrong option chosen most often ("" when none)
    common_wrong_count: int

    @property
    def wrong_percent(self) -> int:
        return round(100 * self.wrong / self.answered) if self.answered else 0


def statistics(exam: Exam) -> dict:
    """Per question of the exam (over submitted attempts): how many answered, how many got it
    wrong, the wrong option chosen most (mapped back to the option as written). No names and no
    ranking of people. Three queries."""
    submitted = list(
        Attempt.objects.filter(exam=exam, submitted_at__isnull=False).only(
            "items", "passed", "score"
        )
    )
    orders = {a.pk: a.items for a in submitted}
    rows = Answer.objects.filter(attempt_id__in=list(orders)).values_list(
        "attempt_id", "position", "question_id", "response", "correct"
    )
    answered: Counter = Counter()  # given the question in a submitted attempt
    right: Counter = Counter()
    wrong_picks: dict[int, Counter] = defaultdict(Counter)
    for attempt in submitted:
        answered.update(item["q"] for item in attempt.items)
    for attempt_id, position, question_id, response, correct in rows.iterator(chunk_size=5000):
        if correct:
            right[question_id] += 1
            continue
        if response and isinstance(response[0], int):  # choices: back to the options as written
            order = orders[attempt_id][position].get("order") or [0, 1]
            for original in grading.picked(response, order):
                wrong_picks[question_id][original] += 1
        elif response:
            wrong_picks[question_id][grading.normalise(response[0])] += 1
    wrong = {q: n - right[q] for q, n in answered.items()}
    bank = Question.objects.in_bulk(list(answered))
    figures = []
    for question_id, count in answered.items():
        question = bank[question_id]
        common, times = "", 0
        correct = set(question.answer) if question.kind != Kind.FILL else set()
        for pick, n in wrong_picks[question_id].most_common():
            if isinstance(pick, int):
                if pick in correct:
                    continue
                letter = "" if question.kind == Kind.TRUE_FALSE else f"{'ABCDEFGH'[pick]}. "
                common = f"{letter}{question.options[pick]}"
            else:
                common = pick
            times = n
            break
        figures.append(QuestionFigures(question, count, wrong[question_id], common, times))
    figures.sort(key=lambda f: (-f.wrong_percent, f.question.pk))
    return {
        "submitted": len(submitted),
        "passed": sum(1 for a in submitted if a.passed),
        "questions": figures,
    }
