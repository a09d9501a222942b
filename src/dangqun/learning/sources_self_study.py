"""学时 from self-study (rule ``learning.self_study``, off by default): when the rule is on, each
study material a member confirms (一键"已学") earns ``hours_per_item`` 学时, and no more than
``cap`` a person-year: confirmations are credited in the order they were made (time, then id),
the one that reaches the cap gets what is left, later ones nothing. Off: nothing is credited.
A confirmation is synced when it is made (``studies.confirm``); switching the rule or changing
its numbers is put right by ``ledger.rebuild`` (the nightly check)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.urls import reverse

from dangqun.core.rules import get_rule
from dangqun.learning import ledger, sources
from dangqun.learning.material_models import Study
from dangqun.learning.models import Source

ZERO = Decimal(0)


def allot(per_item: Decimal, cap: Decimal, count: int) -> list[Decimal]:
    """The hours of ``count`` confirmations in order: ``per_item`` each until ``cap`` is used."""
    left, out = max(cap, ZERO), []
    for _ in range(count):
        given = min(per_item, left)
        out.append(given)
        left -= given
    return out


def _rows(person_years: list[tuple[int, int]] | None, year: int | None):
    rows = Study.objects.filter(confirmed_at__isnull=False)
    if year is not None:
        rows = rows.filter(confirmed_at__year=year)
    if person_years is not None:
        wanted = {p for p, _ in person_years}
        years = {y for _, y in person_years}
        rows = rows.filter(person_id__in=wanted, confirmed_at__year__in=years)
    return rows.order_by("person_id", "confirmed_at", "id").values_list(
        "pk", "person_id", "confirmed_at", "material__title", "material__org_id"
    )


def derive(ids, year):
    rule = get_rule("learning.self_study")
    if not rule.enabled:
        return []
    per_item = Decimal(str(rule["hours_per_item"]))
    cap = Decimal(str(rule["cap"]))
    person_years = None
    if ids is not None:
        ids = set(ids)
        person_years = [
            (person_id, ledger.local_day(at).year)
            for person_id, at in Study.objects.filter(
                pk__in=ids, confirmed_at__isnull=False
            ).values_list("person_id", "confirmed_at")
        ]
        if not person_years:
            return []
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for pk, person_id, at, title, org_id in _rows(person_years, year).iterator(chunk_size=5000):
        day = ledger.local_day(at)
        groups[(person_id, day.year)].append((pk, day, title, org_id))
    credits = []
    for (person_id, _), rows in groups.items():
        for (pk, day, title, org_id), hours in zip(
            rows, allot(per_item, cap, len(rows)), strict=True
        ):
            if hours > 0 and (ids is None or pk in ids):
                credits.append(sources.Credit(pk, person_id, day, hours, f"自学：{title}", org_id))
    return credits


def _study_page(study_id: int) -> str:
    return reverse("learning:material_studied", args=[study_id])


sources.register(Source.SELF_STUDY, derive, link=_study_page)
