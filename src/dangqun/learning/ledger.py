"""The one 学时 ledger (issue #17 §4): entries kept in step with their sources, each member's year
(done, required) in ``Standing``, and the nightly check that recounts a year from the sources.

- ``sync(source, ids)``: after records of a source changed (a meeting finalised, a class
  completed, an exam passed…), make their entries what the source says now, and refresh the
  standing of everyone touched. Called inside the source's transaction.
- ``rebuild(year)``: the same for every source and every record of the year; returns how many
  entries were wrong (the nightly check logs them).
- ``year_of(person, year)``: what a member sees: done, required, left, and every entry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from dangqun.core.bulk import insert_dicts
from dangqun.core.rules import get_rule
from dangqun.learning import requirement, sources
from dangqun.learning.models import LedgerEntry, Source, Standing
from dangqun.orgs.models import Post, System
from dangqun.people.models import PartyProfile

ZERO = Decimal(0)
FIELDS = ("on", "hours", "title", "org_id", "year")


def shown(hours: Decimal) -> str:
    """学时 as people write them: 10, 2.5 (never 10.0)."""
    text = f"{hours:.1f}"
    return text[:-2] if text.endswith(".0") else text


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _values(source: str, credit: sources.Credit) -> dict:
    return {
        "person_id": credit.person_id,
        "source": source,
        "source_id": credit.source_id,
        "year": credit.on.year,
        "on": credit.on,
        "hours": credit.hours,
        "title": credit.title[:200],
        "org_id": credit.org_id,
    }


BATCH = 5000


def _apply(source: str, stored, credits: Iterable[sources.Credit]):
    """Make the ``stored`` entries (a queryset: the entries of some records, or of a year) equal
    to ``credits``: insert, update and delete the difference, streaming in batches (a year of a
    large enterprise holds millions). Returns (entries changed, {(person, year) touched})."""
    have = {
        (source_id, person_id): (pk, values)
        for pk, source_id, person_id, *values in stored.values_list(
            "pk", "source_id", "person_id", *FIELDS
        ).iterator(chunk_size=BATCH)
    }
    touched: set[tuple[int, int]] = set()
    new, changed, count = [], [], 0
    for credit in credits:
        want = _values(source, credit)
        old = have.pop((credit.source_id, credit.person_id), None)
        if old is None:
            new.append(want)
        else:
            pk, values = old
            if tuple(values) == tuple(want[f] for f in FIELDS):
                continue
            touched.add((credit.person_id, values[FIELDS.index("year")]))
            changed.append(LedgerEntry(pk=pk, **{f: want[f] for f in FIELDS}))
        touched.add((credit.person_id, want["year"]))
        count += 1
        if len(new) >= BATCH:
            insert_dicts(LedgerEntry, new)
            new = []
        if len(changed) >= BATCH:
            LedgerEntry.objects.bulk_update(changed, FIELDS)
            changed = []
    insert_dicts(LedgerEntry, new)
    if changed:
        LedgerEntry.objects.bulk_update(changed, FIELDS)
    gone = [pk for pk, _ in have.values()]
    for (_, person_id), (_, values) in have.items():
        touched.add((person_id, values[FIELDS.index("year")]))
    for start in range(0, len(gone), BATCH):
        LedgerEntry.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    return count + len(gone), touched


@transaction.atomic
def sync(source: str, ids: Iterable[int]) -> int:
    """The entries of the records ``ids`` of ``source`` as the source says now; standings of
    the people touched refreshed. Returns how many entries changed."""
    ids = list(ids)
    stored = LedgerEntry.objects.filter(source=source, source_id__in=ids)
    count, touched = _apply(source, stored, sources.derive(source, ids))
    by_year: dict[int, set[int]] = defaultdict(set)
    for person_id, year in touched:
        by_year[year].add(person_id)
    for year, people in by_year.items():
        refresh(year, people)
    return count


def rebuild(year: int) -> int:
    """Recount ``year`` from every source and every member's standing; returns how many
    entries were wrong."""
    wrong = 0
    with transaction.atomic():
        for source in sources.registered():
            stored = LedgerEntry.objects.filter(source=source, year=year)
            count, _ = _apply(source, stored, sources.derive(source, None, year))
            wrong += count
        refresh(year)
    return wrong


def nightly_check() -> int:
    """This year's ledger (and last year's in January) recounted from the sources."""
    today = timezone.localdate()
    years = [today.year] + ([today.year - 1] if today.month == 1 else [])
    wrong = sum(rebuild(year) for year in years)
    if wrong:
        logging.getLogger(__name__).warning("学时记录与来源不符，已更正 %s 条", wrong)
    return wrong


# Standings -------------------------------------------------------------------------------------
def _members(year: int, people: set[int] | None):
    first, last = requirement.year_span(year)
    rows = PartyProfile.objects.filter(joined_on__lte=last).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=first)  # 离开日期 is the first day off
    )
    if people is not None:
        rows = rows.filter(person_id__in=people)
    return rows.values_list("person_id", "branch_id", "joined_on", "left_on")


def _leader_spans(year: int, people: set[int] | None) -> dict[int, list[requirement.Span]]:
    first, last = requirement.year_span(year)
    posts = Post.objects.filter(
        title__in=requirement.LEADER_TITLES,
        org__system=System.PARTY,
        started_on__lte=last,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    if people is not None:
        posts = posts.filter(person_id__in=people)
    spans: dict[int, list[requirement.Span]] = defaultdict(list)
    for person_id, start, end in posts.values_list("person_id", "started_on", "ended_on"):
        # a post's 离任日期 is its first day off the post
        span = requirement.clip(start, end - dt.timedelta(days=1) if end else None, (first, last))
        if span:
            spans[person_id].append(span)
    return spans


def refresh(year: int, people: Iterable[int] | None = None) -> int:
    """Recompute the standing of ``people`` (None: every member) in ``year``; a person no longer a
    member that year loses theirs. Returns how many standings were written."""
    people = set(people) if people is not None else None
    rule = get_rule("learning.requirement").params
    span = requirement.year_span(year)
    done_rows = LedgerEntry.objects.filter(year=year)
    if people is not None:
        done_rows = done_rows.filter(person_id__in=people)
    done = dict(done_rows.values_list("person_id").annotate(total=Sum("hours")).order_by())
    spans = _leader_spans(year, people)
    rows = []
    for person_id, branch_id, joined_on, left_on in _members(year, people).iterator(
        chunk_size=10000
    ):
        member = requirement.clip(
            joined_on, left_on - dt.timedelta(days=1) if left_on else None, span
        )
        owed, leader = requirement.required(year, member, spans.get(person_id, ()), rule)
        rows.append(
            Standing(
                person_id=person_id,
                year=year,
                branch_id=branch_id,
                done=done.get(person_id) or ZERO,
                required=owed,
                leader=leader,
                left_on=left_on,
            )
        )
    stale = Standing.objects.filter(year=year)
    if people is not None:
        stale = stale.filter(person_id__in=people).exclude(
            person_id__in=[r.person_id for r in rows]
        )
    else:  # no longer a member in the year: a subquery, not one parameter per member
        stale = stale.exclude(person_id__in=_members(year, None).values("person_id"))
    stale.delete()
    Standing.objects.bulk_create(
        rows,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["person", "year"],
        update_fields=["branch", "done", "required", "leader", "left_on"],
    )
    return len(rows)


# What a member sees ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Year:
    year: int
    done: Decimal
    required: Decimal
    leader: bool
    member: bool
    entries: list[LedgerEntry]
    by_source: list[tuple[str, Decimal]]

    @property
    def left(self) -> Decimal:
        return max(self.required - self.done, ZERO)

    @property
    def percent(self) -> int:
        if not self.required:
            return 100 if self.member else 0
        return min(int(self.done * 100 / self.required), 100)


def year_of(person_id: int, year: int, entries: bool = True) -> Year:
    """A member's year; without ``entries`` only the totals (one query, for the card)."""
    standing = Standing.objects.filter(person_id=person_id, year=year).first()
    if not entries:
        done = (
            standing.done
            if standing
            else (
                LedgerEntry.objects.filter(person_id=person_id, year=year).aggregate(
                    t=Sum("hours")
                )["t"]
                or ZERO
            )
        )
        return Year(
            year,
            done,
            standing.required if standing else ZERO,
            bool(standing and standing.leader),
            standing is not None,
            [],
            [],
        )
    rows = list(
        LedgerEntry.objects.filter(person_id=person_id, year=year)
        .select_related("org")
        .order_by("-on", "-id")
    )
    for entry in rows:
        entry.link = sources.link(entry.source, entry.source_id)
    done = sum((e.hours for e in rows), ZERO)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in rows:
        totals[entry.source] += entry.hours
    by_source = [(Source(s).label, totals[s]) for s in Source.values if s in totals]
    return Year(
        year=year,
        done=done,
        required=standing.required if standing else ZERO,
        leader=bool(standing and standing.leader),
        member=standing is not None,
        entries=rows,
        by_source=by_source,
    )
