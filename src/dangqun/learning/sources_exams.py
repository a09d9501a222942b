"""学时 from exams (issue #17 §3–4): an exam with 学时 credits each person who passed it once,
on the day of their best passed attempt (highest score, then earliest). ``exams`` calls
``ledger.sync(Source.EXAM, [exam])`` when an attempt passes; the nightly check recounts."""

from __future__ import annotations

from django.urls import reverse

from dangqun.learning import ledger, sources
from dangqun.learning.exam_models import Attempt
from dangqun.learning.models import Source


def derive(ids, year):
    rows = Attempt.objects.filter(passed=True, submitted_at__isnull=False, exam__hours__gt=0)
    if ids is not None:
        rows = rows.filter(exam_id__in=list(ids))
    rows = rows.order_by("exam_id", "person_id", "-score", "submitted_at", "id").values_list(
        "exam_id", "person_id", "submitted_at", "exam__hours", "exam__title", "exam__org_id"
    )
    seen = set()
    for exam_id, person_id, submitted_at, hours, title, org_id in rows.iterator(chunk_size=5000):
        if (exam_id, person_id) in seen:
            continue
        seen.add((exam_id, person_id))
        on = ledger.local_day(submitted_at)
        if year is not None and on.year != year:
            continue
        yield sources.Credit(
            source_id=exam_id,
            person_id=person_id,
            on=on,
            hours=hours,
            title=f"考试：{title}",
            org_id=org_id,
        )


def _exam_page(exam_id: int) -> str:
    return reverse("learning:exam", args=[exam_id])


sources.register(Source.EXAM, derive, link=_exam_page)
