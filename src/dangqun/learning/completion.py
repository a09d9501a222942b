"""When a member completes a class (结业): the class's threshold over the 学时 of the sessions
they attended while enrolled (``reached``), and every enrolled member's progress, read for many
classes at once with a fixed number of queries (``standings``) — for the class pages, the
certificate and the ledger's source alike."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from dangqun.learning.class_models import Attendance, ClassSession, Enrolment, TrainingClass

ZERO = Decimal(0)


# Progress towards 结业 --------------------------------------------------------------------------
def reached(attended_hours, total_hours, attended: int, total: int, threshold: int) -> bool:
    """Whether attendance reaches the class's threshold: the share of its 学时 attended, or, for
    a class whose sessions carry no 学时, the share of sessions."""
    if total_hours > 0:
        return attended_hours * 100 >= threshold * total_hours
    return total > 0 and attended * 100 >= threshold * total


@dataclass
class Progress:
    hours: Decimal = ZERO  # 学时 of the sessions attended
    sessions: int = 0
    last: dt.datetime | None = None  # when the last attended session began
    session_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Standing:
    """A class's totals and each enrolled member's progress."""

    total_hours: Decimal
    total_sessions: int
    threshold: int
    people: dict[int, Progress]

    def completed(self, person_id: int) -> bool:
        got = self.people.get(person_id) or Progress()
        return reached(
            got.hours, self.total_hours, got.sessions, self.total_sessions, self.threshold
        )

    def needed_hours(self) -> Decimal:
        return (self.total_hours * self.threshold / 100).quantize(Decimal("0.1"))


def standings(class_ids: list[int], person_id: int | None = None) -> dict[int, Standing]:
    """Per class: totals and the progress of its active enrolments — of everyone, or of one
    person (their own pages) — in four queries however many classes."""
    sessions = list(
        ClassSession.objects.filter(klass_id__in=class_ids).values_list(
            "pk", "klass_id", "starts_at", "hours"
        )
    )
    by_session = {pk: (klass_id, starts_at, hours) for pk, klass_id, starts_at, hours in sessions}
    totals: dict[int, list] = defaultdict(lambda: [ZERO, 0])
    for _, klass_id, _, hours in sessions:
        totals[klass_id][0] += hours
        totals[klass_id][1] += 1
    enrolments = Enrolment.objects.filter(klass_id__in=class_ids, left_at__isnull=True)
    rows = Attendance.objects.filter(session__klass_id__in=class_ids)
    if person_id is not None:
        enrolments = enrolments.filter(person_id=person_id)
        rows = rows.filter(person_id=person_id)
    enrolled = set(enrolments.values_list("klass_id", "person_id"))
    people: dict[int, dict[int, Progress]] = defaultdict(dict)
    for klass_id, pid in enrolled:
        people[klass_id][pid] = Progress()
    for session_id, pid in rows.values_list("session_id", "person_id").iterator(chunk_size=10000):
        klass_id, starts_at, hours = by_session[session_id]
        if (klass_id, pid) not in enrolled:
            continue
        got = people[klass_id][pid]
        got.hours += hours
        got.sessions += 1
        got.session_ids.add(session_id)
        got.last = starts_at if got.last is None else max(got.last, starts_at)
    thresholds = dict(TrainingClass.objects.filter(pk__in=class_ids).values_list("pk", "threshold"))
    return {
        pk: Standing(totals[pk][0], totals[pk][1], threshold, people.get(pk, {}))
        for pk, threshold in thresholds.items()
    }


def standing(klass: TrainingClass, person_id: int | None = None) -> Standing:
    return standings([klass.pk], person_id)[klass.pk]
