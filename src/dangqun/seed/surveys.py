"""问卷调查 for the demo: two closed waves of 员工满意度调查 across the companies (run by the 群工
管理员 ``qungong``), the second with a clear rise in one company; a finished 党员群众对党组织满意度
测评 of the demo branch (run by ``dangwei``, for the branch's members and the masses of its
unit); and an open 职工之家建设测评 that ``yuangong`` has still to answer. Answers are drawn from a
seeded random generator and written as the service would (participations apart from responses,
the day only)."""

from __future__ import annotations

import datetime as dt
import random

from dangqun.accounts.models import User
from dangqun.orgs.models import Kind as OrgKind
from dangqun.orgs.models import Org
from dangqun.people.models import Person
from dangqun.surveys import building, tallies
from dangqun.surveys.models import Kind, Participation, Response, Status, Survey

SUGGESTIONS = [
    "希望食堂饭菜多一些花样",
    "食堂饭菜价格可以再低一点",
    "下班班车太少，等车时间长",
    "建议增加夜班班车",
    "希望多组织技能培训",
    "技能培训机会太少",
    "希望绩效考核更透明",
    "宿舍热水经常不热",
]
PER_UNIT = (6, 14)  # responses per company and wave


def _answers(rng: random.Random, survey: Survey, base: float) -> dict:
    """One respondent's answers around ``base`` (1–5)."""
    found = {}
    for q in survey.questions.all():
        key = str(q.pk)
        if q.kind == Kind.RATING:
            found[key] = max(1, min(5, round(rng.gauss(base, 0.8))))
        elif q.kind == Kind.SCORE:
            found[key] = max(0, min(10, round(rng.gauss(base * 2, 1.5))))
        elif q.kind == Kind.MATRIX:
            found[key] = {
                str(i): max(1, min(5, round(rng.gauss(base, 0.7)))) for i in range(len(q.items))
            }
        elif q.kind == Kind.SINGLE:
            found[key] = 0 if base >= 4 else rng.choice([0, 1, 1, 2])
        elif q.kind == Kind.MULTIPLE and rng.random() < 0.6:
            found[key] = sorted(rng.sample(range(len(q.options)), 2))
        elif q.kind in (Kind.LONG, Kind.SHORT) and rng.random() < 0.5:
            found[key] = rng.choice(SUGGESTIONS)
    if found and any(q.kind == Kind.SINGLE and q.skip for q in survey.questions.all()):
        first = survey.questions.get(position=1)
        if found.get(str(first.pk)) == 0:  # 满意 jumps over question 2
            found.pop(str(survey.questions.get(position=2).pk), None)
    return found


def _respond(rng, survey: Survey, groups: list[tuple[Org | None, list[int], float]], day) -> int:
    """Participations of the given people and, apart, their responses (in another order)."""
    responses, participations = [], []
    for unit, person_ids, base in groups:
        for person_id in person_ids:
            participations.append(Participation(survey=survey, person_id=person_id))
            responses.append(
                Response(survey=survey, unit=unit, day=day, answers=_answers(rng, survey, base))
            )
    rng.shuffle(responses)
    Participation.objects.bulk_create(participations)
    Response.objects.bulk_create(responses)
    tallies.rebuild(survey)
    return len(responses)


def _finish(survey: Survey, opens: dt.date, closes: dt.date, user) -> None:
    Survey.objects.filter(pk=survey.pk).update(opens_on=opens, closes_on=closes)
    survey.refresh_from_db()
    building.close(user, survey)


def _people(unit: Org, rng, n: int, exclude: set[int]) -> list[int]:
    ids = list(
        Person.objects.filter(unit__path__startswith=unit.path, employment_status="active")
        .exclude(pk__in=exclude)
        .values_list("pk", flat=True)[:200]
    )
    rng.shuffle(ids)
    return ids[:n]


def seed_demo_surveys(root: Org, branch: Org, today: dt.date, seed: int = 0) -> int:
    """Writes the demo's surveys; returns how many responses were written."""
    rng = random.Random(f"{seed}:surveys")  # noqa: S311
    qungong = User.objects.get(username="qungong")
    dangwei = User.objects.get(username="dangwei")
    member = User.objects.get(username="yuangong")
    keep_free = {member.person_id} if member.person_id else set()
    companies = list(
        Org.objects.filter(kind=OrgKind.COMPANY, path__startswith=root.path).order_by("path")[:6]
    )
    written = 0
    for wave, (opens, closes) in enumerate(((150, 130), (40, 20)), start=1):
        survey = building.publish(qungong, building.create_from_template(qungong, root, "pulse"))
        groups = []
        for index, company in enumerate(companies):
            base = 3.6 if index else (2.6 if wave == 1 else 4.3)  # the first company rises
            n = rng.randint(*PER_UNIT)
            groups.append((company, _people(company, rng, n, keep_free), base))
        written += _respond(rng, survey, groups, today - dt.timedelta(days=closes + 3))
        _finish(
            survey, today - dt.timedelta(days=opens), today - dt.timedelta(days=closes), qungong
        )

    rating = building.create_from_template(dangwei, branch, "masses_rating")
    if branch.unit_id:
        rating.audience_orgs.set([branch, branch.unit])
    rating = building.publish(dangwei, rating)
    members = list(
        Person.objects.filter(party_branch=branch)
        .exclude(pk__in=keep_free)
        .values_list("pk", flat=True)[:12]
    )
    masses = _people(branch.unit, rng, 10, keep_free | set(members)) if branch.unit_id else []
    company = _company_of(branch.unit) if branch.unit_id else None
    written += _respond(
        rng, rating, [(company, members + masses, 4.2)], today - dt.timedelta(days=10)
    )
    _finish(rating, today - dt.timedelta(days=14), today - dt.timedelta(days=7), dangwei)

    home = building.create_from_template(qungong, root, "union_home")
    due = max(today, dt.date.today()) + dt.timedelta(
        days=21
    )  # open for real, whatever the seed's day
    Survey.objects.filter(pk=home.pk).update(closes_on=due)
    home.refresh_from_db()
    home = building.publish(qungong, home)
    groups = [(c, _people(c, rng, 3, keep_free), 4.0) for c in companies[:2]]
    written += _respond(rng, home, groups, today)
    assert home.status == Status.OPEN
    return written


def _company_of(unit: Org) -> Org | None:
    step = Org.steplen
    prefixes = [unit.path[:i] for i in range(step, len(unit.path) + 1, step)]
    above = Org.objects.filter(path__in=prefixes, kind=OrgKind.COMPANY).order_by("-path").first()
    return above or unit
