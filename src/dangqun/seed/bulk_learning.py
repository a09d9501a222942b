"""Three years of training for the large data set (issue #17 §6): ~2,000 培训班 with their
sessions, enrolments and attendance; 5,000 questions in the banks of the biggest 党委; 2,000
exams over those banks, each sat by part of its audience (~1,500,000 attempts, ten answers each,
graded). Deterministic per seed; rows go in with COPY on PostgreSQL. The 学时 they earn are not
written here: the seed's ledger rebuild derives them, as it does every night.

Who sits an exam: its audience's members, the same share for every exam, chosen so that the
attempts come to the number asked for (a failed sitter of a two-attempt exam tries once more,
which adds a few per cent).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangqun.core import rotating_codes
from dangqun.core.bulk import insert_dicts
from dangqun.learning.class_models import (
    Attendance,
    ClassSession,
    ClassStatus,
    Enrol,
    Enrolment,
    TrainingClass,
)
from dangqun.learning.exam_models import (
    CHOICE_KINDS,
    Answer,
    Attempt,
    Exam,
    Kind,
    Paper,
    PaperItem,
    PaperMode,
    Question,
)
from dangqun.learning.questions import stem_key
from dangqun.orgs.models import BRANCH_KINDS, LEADER_TITLES, Org, Post, System
from dangqun.orgs.models import Kind as OrgKind
from dangqun.people.audience import Who
from dangqun.people.models import Person
from dangqun.seed.bulk_development import bulk_actor
from dangqun.seed.exams import QUESTIONS

PER_PAPER = 10  # questions on a paper, ten points each
EXAMS_PER_BATCH = 40
BANK_SIZE = 200  # questions in each bank
TWO_ATTEMPTS = 0.3  # share of exams that allow a second attempt
RETRY = 0.5  # share of failed sitters who use it
WITH_HOURS = 0.5  # share of exams whose pass counts for 学时
BRANCH_CLASSES = 0.7  # share of classes a branch runs for its members (the rest: a 党委's)
ATTEND = 0.85
CLASS_TITLES = [
    "学习贯彻党的二十大精神专题培训班",
    "党支部书记能力提升培训班",
    "新党员入党教育培训班",
    "党章党规专题学习班",
    "发展对象培训班",
    "党务工作者业务培训班",
]
CLASS_TOPICS = ["专题辅导报告", "党章党规解读", "党务实务", "交流研讨", "现场教学", "结业测试"]
EXAM_TITLES = ["党章知识测试", "党规党纪应知应会测试", "党的二十大精神知识竞答", "党务知识测试"]
PLACES = ["党校报告厅", "党员活动室", "会议室", "职工之家", "红色教育基地"]
VARIANTS = ["", "（复习题）", "（巩固题）", "（拓展题）"]


def seed_bulk_learning(
    party_root: Org,
    *,
    classes: int,
    questions: int,
    exams: int,
    attempts: int,
    seed: int = 1,
    years: int = 3,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write the classes, banks, exams and attempts under ``party_root``; returns the counts."""
    progress = progress or (lambda message: None)
    rng = random.Random(f"{seed}:bulk-learning")  # noqa: S311 (demo data, not secrets)
    today = today or timezone.localdate()
    world = _World.read(party_root, today)
    if not world.committees:
        return {}
    actor = bulk_actor()
    first_day = today - dt.timedelta(days=365 * years)
    span = (today - first_day).days + 30
    with transaction.atomic():
        counts = _classes(rng, world, classes, actor, first_day, span, today)
    progress(f"培训班 {counts['classes']:,} 个，出勤 {counts['attendance']:,} 人次")
    with transaction.atomic():
        banks = _banks(rng, world, questions, actor)
    counts["questions"] = sum(len(bank) for bank in banks.values())
    counts.update(_exams(rng, world, banks, exams, attempts, actor, first_day, span, progress))
    return counts


@dataclass
class _World:
    """The party organisations and their members, read once."""

    committees: list[Org]  # 党委 and 党总支, by path
    branches: list[Org]
    paths: list[str]  # the branch paths that hold members, sorted
    members: dict[str, list[int]]  # branch path -> member ids
    leaders: dict[str, list[int]]  # organisation path -> 书记 / 委员 ids
    now: dt.datetime

    @classmethod
    def read(cls, root: Org, today: dt.date) -> _World:
        orgs = Org.objects.filter(
            path__startswith=root.path, system=System.PARTY, dissolved_on__isnull=True
        ).order_by("path")
        committees = [
            o for o in orgs if o.kind in (OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH)
        ]
        branches = [o for o in orgs if o.kind in BRANCH_KINDS]
        members = defaultdict(list)
        rows = Person.objects.filter(is_current_member=True, party_branch__isnull=False)
        for path, pk in rows.values_list("party_branch__path", "pk").iterator(chunk_size=20000):
            members[path].append(pk)
        leaders = defaultdict(list)
        posts = Post.objects.filter(
            title__in=LEADER_TITLES,
            org__system=System.PARTY,
            org__path__startswith=root.path,
            started_on__lte=today,
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        for path, pk in posts.values_list("org__path", "person_id").distinct():
            leaders[path].append(pk)
        now = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
        return cls(committees, branches, sorted(members), members, leaders, now)

    def members_under(self, path: str) -> list[int]:
        found = []
        for index in range(bisect.bisect_left(self.paths, path), len(self.paths)):
            if not self.paths[index].startswith(path):
                break
            found.extend(self.members[self.paths[index]])
        return found

    def leaders_under(self, path: str) -> list[int]:
        return sorted({pk for p, ids in self.leaders.items() if p.startswith(path) for pk in ids})


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _classes(rng, world: _World, count: int, actor, first_day, span: int, today) -> dict:
    rows, audiences = [], []
    for _ in range(count):
        if rng.random() < BRANCH_CLASSES:
            org = rng.choice(world.branches)
            people, who = world.members_under(org.path), Who.MEMBERS
            title = rng.choice(CLASS_TITLES[2:])
        else:
            org = rng.choice(world.committees)
            people, who = world.leaders_under(org.path), Who.LEADERS
            title = CLASS_TITLES[1]
        day = first_day + dt.timedelta(days=rng.randrange(span))
        sessions = [
            (day + dt.timedelta(days=7 * n), rng.choice([9, 14]), rng.choice([2, 3, 4]))
            for n in range(rng.randint(2, 4))
        ]
        last = _at(sessions[-1][0], sessions[-1][1] + sessions[-1][2])
        published = _at(day, 9) - dt.timedelta(days=10)
        rows.append(
            {
                "org_id": org.pk,
                "title": title,
                "description": "按照年度党员教育培训计划举办。",
                "enrolment": Enrol.ASSIGNED,
                "threshold": 80,
                "status": ClassStatus.FINISHED if last < world.now else ClassStatus.PUBLISHED,
                "created_by_id": actor.pk,
                "created_at": published - dt.timedelta(days=1),
                "published_at": published,
                "audience_who": who,
            }
        )
        audiences.append((people, sessions, published))
    ids = insert_dicts(TrainingClass, rows)
    session_rows, enrol_rows, present = [], [], []
    for pk, (people, sessions, published) in zip(ids, audiences, strict=True):
        for person in people:
            enrol_rows.append(
                {
                    "klass_id": pk,
                    "person_id": person,
                    "how": Enrol.ASSIGNED,
                    "enrolled_at": published,
                }
            )
        for n, (day, hour, length) in enumerate(sessions):
            starts = _at(day, hour)
            session_rows.append(
                {
                    "klass_id": pk,
                    "topic": CLASS_TOPICS[n % len(CLASS_TOPICS)],
                    "starts_at": starts,
                    "ends_at": starts + dt.timedelta(hours=length),
                    "place": rng.choice(PLACES),
                    "hours": Decimal(length),
                    "checkin_secret": rotating_codes.new_secret(),
                }
            )
            held = starts < world.now
            present.append([p for p in people if held and rng.random() < ATTEND])
    session_ids = insert_dicts(ClassSession, session_rows)
    insert_dicts(Enrolment, enrol_rows)
    attendance = [
        {
            "session_id": session,
            "person_id": person,
            "at": row["starts_at"] + dt.timedelta(minutes=rng.randint(-10, 10)),
            "by_code": True,
        }
        for session, row, people in zip(session_ids, session_rows, present, strict=True)
        for person in people
    ]
    insert_dicts(Attendance, attendance)
    return {"classes": len(ids), "enrolments": len(enrol_rows), "attendance": len(attendance)}


def _banks(rng, world: _World, count: int, actor) -> dict[int, list[Question]]:
    """``BANK_SIZE`` questions for each of the biggest 党委 (by members), varied from the demo's
    party-constitution questions; returns org id -> its questions."""
    owners = sorted(
        (c for c in world.committees if c.kind == OrgKind.PARTY_COMMITTEE),
        key=lambda c: (-len(world.members_under(c.path)), c.path),
    )[: max(1, count // BANK_SIZE)]
    rows = []
    for org in owners:
        for n in range(min(BANK_SIZE, count)):
            kind, stem, options, answer, explanation, tags, level = QUESTIONS[n % len(QUESTIONS)]
            variant = VARIANTS[(n // len(QUESTIONS)) % len(VARIANTS)]
            text = f"{stem}{variant}" if n < len(QUESTIONS) * len(VARIANTS) else f"{stem}（{n}）"
            rows.append(
                {
                    "org_id": org.pk,
                    "kind": kind,
                    "stem": text,
                    "stem_key": stem_key(text),
                    "options": options,
                    "answer": answer,
                    "explanation": explanation,
                    "tags": tags,
                    "difficulty": level,
                    "active": True,
                    "created_by_id": actor.pk,
                    "created_at": world.now - dt.timedelta(days=rng.randrange(1000, 1200)),
                }
            )
    ids = insert_dicts(Question, rows)
    banks = defaultdict(list)
    for pk, row in zip(ids, rows, strict=True):
        banks[row["org_id"]].append(
            Question(pk=pk, kind=row["kind"], options=row["options"], answer=row["answer"])
        )
    return banks


def _exams(rng, world, banks, count: int, wanted: int, actor, first_day, span, progress) -> dict:
    """Each exam: a bank's 党委 tests one of its 党总支 or branches (or all its members)."""
    owners = [o for o in world.committees if o.pk in banks]
    planned = []
    for _ in range(count):
        owner = rng.choice(owners)
        below = [o for o in world.committees + world.branches if o.path.startswith(owner.path)]
        target = owner if rng.random() < 0.2 else rng.choice(below)
        planned.append((owner, target, world.members_under(target.path)))
    pooled = sum(len(people) for _, _, people in planned)
    share = min(0.95, wanted / pooled) if pooled else 0
    counts = {"exams": 0, "attempts": 0, "answers": 0}
    for start in range(0, len(planned), EXAMS_PER_BATCH):
        with transaction.atomic():
            made = _exam_batch(
                rng,
                planned[start : start + EXAMS_PER_BATCH],
                banks,
                share,
                actor,
                first_day,
                span,
                world.now,
            )
        for key, value in made.items():
            counts[key] += value
        progress(f"考试 {counts['exams']:,} / {count:,}，答卷 {counts['attempts']:,}")
    return counts


def _exam_batch(rng, planned, banks, share: float, actor, first_day, span: int, now) -> dict:
    papers, exams, chosen = [], [], []
    for owner, _target, _people in planned:
        bank = banks[owner.pk]
        picked = rng.sample(bank, PER_PAPER)
        chosen.append(picked)
        papers.append(
            {
                "org_id": owner.pk,
                "title": f"{rng.choice(EXAM_TITLES)}试卷",
                "mode": PaperMode.FIXED,
                "rules": [],
                "created_at": now,
            }
        )
        opens = _at(first_day + dt.timedelta(days=rng.randrange(span)), 8)
        exams.append(
            {
                "org_id": owner.pk,
                "title": rng.choice(EXAM_TITLES),
                "opens_at": opens,
                "closes_at": opens + dt.timedelta(days=14),
                "limit_minutes": 30,
                "attempts_allowed": 2 if rng.random() < TWO_ATTEMPTS else 1,
                "pass_mark": Decimal(60),
                "partial_credit": False,
                "hours": Decimal(2) if rng.random() < WITH_HOURS else Decimal(0),
                "created_by_id": actor.pk,
                "created_at": opens - dt.timedelta(days=3),
                "audience_who": Who.MEMBERS,
            }
        )
    paper_ids = insert_dicts(Paper, papers)
    insert_dicts(
        PaperItem,
        [
            {"paper_id": paper, "question_id": q.pk, "points": Decimal(10), "position": n}
            for paper, picked in zip(paper_ids, chosen, strict=True)
            for n, q in enumerate(picked)
        ],
    )
    for exam, paper in zip(exams, paper_ids, strict=True):
        exam["paper_id"] = paper
    exam_ids = insert_dicts(Exam, exams)
    insert_dicts(
        Exam.audience_orgs.through,
        [
            {"exam_id": exam, "org_id": target.pk}
            for exam, (owner, target, _) in zip(exam_ids, planned, strict=True)
            if target.pk != owner.pk
        ],
    )
    attempts, answers = [], []
    for exam_id, exam, picked, (_, _, people) in zip(exam_ids, exams, chosen, planned, strict=True):
        if exam["opens_at"] > now:
            continue
        for person in rng.sample(people, round(len(people) * share)):
            number = 1
            while True:
                attempt, rows = _sit(rng, exam_id, exam, picked, person, number)
                attempts.append(attempt)
                answers.append(rows)
                if attempt["passed"] or number == exam["attempts_allowed"] or rng.random() > RETRY:
                    break
                number += 1
    attempt_ids = insert_dicts(Attempt, attempts)
    answer_rows = [
        {"attempt_id": pk, **row}
        for pk, rows in zip(attempt_ids, answers, strict=True)
        for row in rows
    ]
    insert_dicts(Answer, answer_rows)
    return {"exams": len(exam_ids), "attempts": len(attempt_ids), "answers": len(answer_rows)}


def _sit(rng, exam_id: int, exam: dict, picked: list[Question], person: int, number: int):
    """One graded attempt: each question right with the sitter's own chance that day."""
    skill = rng.uniform(0.4, 1.0)
    started = exam["opens_at"] + dt.timedelta(minutes=rng.randrange(14 * 24 * 60 - 60))
    items, rows, score = [], [], 0
    for position, question in enumerate(picked):
        order = None
        if question.kind in CHOICE_KINDS:
            order = list(range(len(question.options)))
            rng.shuffle(order)
        right = rng.random() < skill
        rows.append(
            {
                "position": position,
                "question_id": question.pk,
                "response": _response(question, order, right),
                "saved_at": started + dt.timedelta(minutes=position + 1),
                "points": Decimal(10) if right else Decimal(0),
                "correct": right,
            }
        )
        items.append({"q": question.pk, "points": "10.0", "order": order})
        score += 10 if right else 0
    attempt = {
        "exam_id": exam_id,
        "person_id": person,
        "number": number,
        "items": items,
        "started_at": started,
        "deadline": started + dt.timedelta(minutes=exam["limit_minutes"]),
        "submitted_at": started + dt.timedelta(minutes=rng.randint(PER_PAPER, 29)),
        "late": False,
        "score": Decimal(score),
        "total": Decimal(10 * PER_PAPER),
        "passed": score >= exam["pass_mark"],
    }
    return attempt, rows


def _response(question: Question, order: list[int] | None, right: bool) -> list:
    """What the sitter picked, as places in the order they were shown (grading maps it back)."""
    if question.kind == Kind.FILL:
        return [question.answer[0] if right else "不清楚"]
    options = len(question.options) if question.kind in CHOICE_KINDS else 2
    wanted = (
        question.answer if right else [next(i for i in range(options) if i not in question.answer)]
    )
    order = order or list(range(options))
    return sorted(order.index(a) for a in wanted)
