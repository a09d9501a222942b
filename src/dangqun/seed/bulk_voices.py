"""Years of 群众呼声 for the large data set: two million voices over three years, for measuring the
inbox and 三率 at the size of a real group.

Voices come from the units people work in (named ones carry a real person), go to a department of
the same company by category, and follow the rules of the platform: deadlines from the working
calendar, working hours recorded when responded and answered, statuses that match their age. The
volume grows and satisfaction improves over the years, as a leader would hope to see. Each voice
keeps its submit, answer and rate events (not every intermediate step). Seeded voices have no
query code: their hash matches no code anyone holds.

Rows go in with COPY on PostgreSQL (ids taken from the sequence first) and with executemany
elsewhere, in batches, so memory stays flat; the monthly tallies of 三率 are rebuilt at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from dangqun.core.bulk import insert_dicts
from dangqun.core.workcalendar import WorkCalendar
from dangqun.orgs.models import Kind, Org, System
from dangqun.people.models import Person
from dangqun.seed.voices import ANSWERS, TOPICS
from dangqun.voices import tally
from dangqun.voices.deadlines import deadline
from dangqun.voices.models import Category, Channel, Identity, Rating, Status, Voice, VoiceEvent

BATCH = 50_000
OPEN_DAYS = 30  # voices younger than this may still be open
CHANNELS = [Channel.WEB, Channel.QR, Channel.QR, Channel.PHONE, Channel.BOX, Channel.EMAIL]
KINDS = ["suggestion", "request", "request", "complaint", "question"]


def seed_bulk_voices(
    root: Org,
    count: int,
    *,
    seed: int = 1,
    years: int = 3,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Add ``count`` voices submitted over the ``years`` before ``today`` under ``root``."""
    progress = progress or (lambda message: None)
    rng = random.Random(f"{seed}:bulk-voices")  # noqa: S311 (demo data, not secrets)
    now = timezone.now()
    today = today or timezone.localdate()
    units, handlers = _units(root)
    categories = _categories(root)
    people = list(
        Person.objects.filter(unit__in=[u for u, _ in units]).values_list("pk", "unit_id", "name")
    )
    company_of = dict(units)
    calendar = WorkCalendar()
    first = dt.datetime.combine(today - dt.timedelta(days=365 * years), dt.time(8))
    span = (dt.datetime.combine(today, dt.time(8)) - first).total_seconds()
    written, offset = 0, Voice.objects.count()  # hashes stay unique when run again
    while written < count:
        size = min(BATCH, count - written)
        voices, events = [], []
        for n in range(written, written + size):
            # Later years hold more voices: the square root skews submissions towards today.
            age = rng.random() ** 0.8
            submitted = timezone.make_aware(first + dt.timedelta(seconds=span * age))
            submitted = min(submitted, now - dt.timedelta(minutes=5))
            person = rng.choice(people) if people else None
            unit = person[1] if person else rng.choice(units)[0]
            voice, steps = _voice(rng, offset + n, seed, submitted, unit, person, age, now)
            topic = voice.pop("topic")  # the category matches what the voice says
            category, urgency = categories[topic]
            voice.update(category_id=category, urgency=urgency)
            choices = handlers.get(company_of.get(unit)) or handlers[None]
            index = list(categories).index(topic)
            _handle(rng, voice, steps, choices[index % len(choices)], age, now, calendar)
            voices.append(voice)
            events.append(steps)
        with transaction.atomic():
            ids = insert_dicts(Voice, voices)
            insert_dicts(
                VoiceEvent,
                [
                    {**e, "voice_id": pk}
                    for pk, steps in zip(ids, events, strict=True)
                    for e in steps
                ],
            )
        written += size
        progress(f"群众呼声 {written:,}/{count:,}")
    progress("群众呼声月度统计（三率）重算中")
    tally.rebuild()  # the rows went in around Voice.save
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE voices_voice")
            cursor.execute("ANALYZE voices_voiceevent")
            cursor.execute("ANALYZE voices_voicetally")
    return written


def _units(root: Org):
    """Units voices come from ({unit: company}) and each company's departments that handle."""
    orgs = list(
        Org.objects.filter(system=System.ENTERPRISE, path__startswith=root.path).values_list(
            "pk", "path", "kind", "depth"
        )
    )
    companies = {path: pk for pk, path, kind, _ in orgs if kind == Kind.COMPANY}
    units, handlers = [], {}
    for pk, path, kind, depth in orgs:
        company = next((c for p, c in companies.items() if path.startswith(p)), None)
        if kind != Kind.COMPANY and depth > root.depth:
            units.append((pk, company))
        if kind == Kind.DEPARTMENT and company and depth == root.depth + 2:
            handlers.setdefault(company, []).append(pk)
    handlers[None] = [pk for pk, _ in units[:10]] or [root.pk]
    return units or [(root.pk, None)], handlers


def _categories(root: Org) -> dict[str, tuple[int, str]]:
    result = {}
    for name in dict.fromkeys(t[0] for t in TOPICS):
        urgency = next(t[1] for t in TOPICS if t[0] == name)
        category, _ = Category.objects.get_or_create(
            parent=None, name=name, defaults={"urgency": urgency}
        )
        result[name] = (category.pk, category.urgency)
    return result


def _voice(rng, n: int, seed: int, submitted, unit: int, person, age: float, now) -> tuple:
    topic, _, title, content = rng.choice(TOPICS)
    identity = rng.choices([Identity.NAMED, Identity.CONFIDENTIAL, Identity.ANONYMOUS], [5, 2, 3])[
        0
    ]
    named = person is not None and identity != Identity.ANONYMOUS
    voice = {
        "kind": rng.choice(KINDS),
        "channel": rng.choice(CHANNELS),
        "identity": identity,
        "title": title,
        "content": content,
        "unit_id": unit,
        "person_id": person[0] if named else None,
        "contact_name": person[2] if named else "",
        "query_code_hash": hashlib.sha256(f"seed:{seed}:{n}".encode()).hexdigest(),
        "submitted_at": submitted,
        "status": Status.SUBMITTED,
        "topic": topic,
    }
    steps = [_event("submit", submitted, actor_label="反映人", note="经网页反映")]
    return voice, steps


def _handle(rng, voice: dict, steps: list, handling: int, age: float, now, calendar) -> None:
    """Take the voice as far as its age allows: 交办, 响应, 答复, 评价, or 不予受理/合并."""
    submitted = voice["submitted_at"]
    young = (now - submitted).days < OPEN_DAYS
    if rng.random() < 0.03:  # 不予受理: outside the valid voices of 三率
        closed = submitted + dt.timedelta(hours=4)
        voice.update(status=Status.RETURNED, closed_at=closed)
        steps.append(_event("return", closed, actor_label="系统", note="不属于受理范围，已说明"))
        return
    stage = rng.choices(["assigned", "in_progress", "answered", "closed"], [1, 2, 1, 6])[0]
    if not young:
        stage = "closed"
    elif (now - submitted).days < 1:
        stage = rng.choice(["submitted", "assigned"])
    if stage == "submitted":
        return
    # On the hour, after submission: a deadline per hour of the day is all the calendar computes.
    assigned = (submitted + dt.timedelta(hours=rng.uniform(1, 6))).replace(
        minute=0, second=0, microsecond=0
    )
    assigned = min(assigned, now)
    urgency = voice["urgency"]
    voice.update(
        status=Status.ASSIGNED,
        handling_org_id=handling,
        assigned_at=assigned,
        response_due=deadline(assigned, urgency, "response", calendar=calendar),
        resolution_due=deadline(assigned, urgency, "resolution", calendar=calendar),
    )
    if stage == "assigned":
        return
    limit = calendar.working_hours_between(assigned, voice["response_due"]) or 1
    late = rng.random() < 0.12 * (1.2 - age)  # fewer late responses as the years go by
    hours = round(limit * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.1, 0.9)), 1)
    responded = min(calendar.add_working_hours(assigned, hours), now)
    voice.update(status=Status.IN_PROGRESS, responded_at=responded, response_hours=hours)
    if stage == "in_progress":
        return
    span = calendar.working_hours_between(assigned, voice["resolution_due"]) or 8
    hours = round(max(span * rng.uniform(0.15, 1.15), voice["response_hours"] + 0.5), 1)
    answered = min(calendar.add_working_hours(assigned, hours), now)
    solved = rng.random() < 0.7 + 0.2 * age
    answer = ANSWERS[0 if solved else 2]
    voice.update(
        status=Status.ANSWERED,
        answered_at=answered,
        resolution_hours=hours,
        answer=answer,
        solved=solved,
    )
    steps.append(_event("answer", answered, org_id=handling, note=answer))
    if stage == "answered":
        return
    pleased = 0.45 + 0.35 * age if solved else 0.1
    rating = rng.choices(
        [Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED, ""],
        [pleased, 0.3, 0.75 - pleased if solved else 0.5, 0.1],
    )[0]
    closed = min(answered + dt.timedelta(hours=rng.uniform(2, 72)), now)
    voice.update(status=Status.CLOSED, closed_at=closed, rating=rating)
    if rating:
        voice["rated_at"] = closed
        steps.append(_event("rate", closed, actor_label="反映人", note=Rating(rating).label))
    else:
        steps.append(
            _event("close", closed, actor_label="系统", note="答复后 7 天未评价，自动办结")
        )


def _event(action: str, at, **fields) -> dict:
    return {"action": action, "at": at, **fields}


# Writing -----------------------------------------------------------------------------------
