"""学时 from 培训班 and 外出培训 (sources ``Source.CLASS`` and ``Source.EXTERNAL``; decision 0033).

- A class credits a member who completed it (``completion.reached``) with the 学时 of the sessions
  they attended, as one entry per class dated the day of the last session they attended. A
  cancelled or draft class credits nothing.
- Confirmed external training credits its confirmed 学时 on its last day.

The class and external-training services call ``sync_class`` / ``sync_external`` inside their
transaction whenever something a credit depends on changes; the nightly ``ledger.rebuild``
asks ``derive`` for a whole year and must find the same."""

from __future__ import annotations

from dangqun.learning import completion, ledger, sources
from dangqun.learning.class_models import (
    ClassStatus,
    ExternalStatus,
    ExternalTraining,
    TrainingClass,
)
from dangqun.learning.models import Source

CREDITING = (ClassStatus.PUBLISHED, ClassStatus.FINISHED)


def derive_classes(ids, year):
    rows = TrainingClass.objects.filter(status__in=CREDITING)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if year is not None:  # a credit falls on one of the class's session days
        rows = rows.filter(sessions__starts_at__year=year)
    found = dict(rows.values_list("pk", "title").distinct())
    meta = dict(TrainingClass.objects.filter(pk__in=found).values_list("pk", "org_id"))
    for klass_id, standing in completion.standings(list(found)).items():
        for person_id, got in standing.people.items():
            if not standing.completed(person_id) or got.last is None:
                continue
            on = ledger.local_day(got.last)
            if year is not None and on.year != year:
                continue
            yield sources.Credit(
                source_id=klass_id,
                person_id=person_id,
                on=on,
                hours=got.hours,
                title=f"培训班：{found[klass_id]}",
                org_id=meta[klass_id],
            )


def derive_external(ids, year):
    rows = ExternalTraining.objects.filter(status=ExternalStatus.CONFIRMED)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if year is not None:
        rows = rows.filter(ends_on__year=year)
    for row in rows.iterator(chunk_size=5000):
        yield sources.Credit(
            source_id=row.pk,
            person_id=row.person_id,
            on=row.ends_on,
            hours=row.hours,
            title=f"{row.get_kind_display()}：{row.title}",
            org_id=row.branch_id,
        )


sources.register(Source.CLASS, derive_classes)
sources.register(Source.EXTERNAL, derive_external)


def sync_class(klass) -> int:
    return ledger.sync(Source.CLASS, [klass.pk])


def sync_external(training) -> int:
    return ledger.sync(Source.EXTERNAL, [training.pk])
