"""Monthly tallies of 群众呼声, so that 三率 for a whole enterprise read a few thousand rows instead of
every voice of a year (decisions/0011).

A valid voice (see ``metrics``) adds to six rows of ``VoiceTally``: one per dimension the 三率
page groups by (承办单位, 反映单位, 类别, 渠道, 类型) and one for its company (``Voice.company``, which
the satisfaction index reads), under the month it was submitted in (local time) and the enterprise
(top-level organisation) its unit belongs to; twelve when its handling unit is in another
enterprise. Each row
holds the counts 三率 need and a histogram of the working hours taken to respond and to answer,
from which medians are estimated.

The rows are kept current by ``Voice.save``: it reads the stored voice (locked) before writing,
then adds the difference between the voice's old and new contribution in one upsert. The rows
stay locked until the transaction ends, so services do slow work (files) before it, and save at
most one voice per transaction (two could lock each other's rows in opposite orders). ``rebuild``
recomputes months from the voices, for data written around ``save`` (bulk seeding, a direct SQL
update) and nightly as a check; ``dangqun rebuild_voice_tallies`` runs it by hand.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from dangqun.orgs.models import Org, System, company_map
from dangqun.voices.models import Rating, Status, Voice, VoiceTally, hour_field

# company: the company the voice was raised in (``Voice.company``), for figures by company.
DIMENSIONS = ("handling_org", "unit", "category", "channel", "kind", "company")
# Upper edges (working hours) of the histogram's buckets; the last bucket holds everything longer.
EDGES = VoiceTally.HOUR_EDGES
COUNTS = ("valid", "responded", "solved", "satisfied", "basically", "unsatisfied", "late_response")
HOUR_FIELDS = {
    kind: tuple(hour_field(kind, i) for i in range(len(EDGES) + 1))
    for kind in ("response", "resolution")
}
FIELDS = COUNTS + HOUR_FIELDS["response"] + HOUR_FIELDS["resolution"]
# Not in 三率: proposals still seconding, voices not accepted or merged, and imported history
# that was never handled here (decision 0020).
EXCLUDED = (Status.SECONDING, Status.RETURNED, Status.MERGED, Status.HISTORY)
RESPONDED = (Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED)
RATINGS = {
    Rating.SATISFIED: "satisfied",
    Rating.BASICALLY: "basically",
    Rating.UNSATISFIED: "unsatisfied",
}
# What a voice's contribution depends on, as stored.
STATE = (
    "submitted_at",
    "unit_id",
    "company_id",
    "handling_org_id",
    "category_id",
    "channel",
    "kind",
    "status",
    "responded_at",
    "response_due",
    "solved",
    "rating",
    "response_hours",
    "resolution_hours",
)
PATHS = ("unit__path", "handling_org__path")

Key = tuple[dt.date, str, str, str]  # month, enterprise path, dimension, key
Counts = dict[str, int]


# What one voice adds ---------------------------------------------------------------------
def contribution(state: dict) -> dict[Key, Counts]:
    """The rows a voice adds to (and by how much), from its stored ``STATE`` and ``PATHS``."""
    if state["status"] in EXCLUDED:
        return {}
    counts: Counts = {"valid": 1}
    if state["responded_at"] is not None or state["status"] in RESPONDED:
        counts["responded"] = 1
    if state["solved"] is True:
        counts["solved"] = 1
    if state["rating"] in RATINGS:
        counts[RATINGS[state["rating"]]] = 1
    responded, due = state["responded_at"], state["response_due"]
    if responded is not None and due is not None and responded > due:
        counts["late_response"] = 1
    for kind in ("response", "resolution"):
        hours = state[f"{kind}_hours"]
        if hours is not None:
            counts[HOUR_FIELDS[kind][bucket(hours)]] = 1
    month = month_of(state["submitted_at"])
    keys = {
        "handling_org": _text(state["handling_org_id"]),
        "unit": _text(state["unit_id"]),
        "category": _text(state["category_id"]),
        "channel": state["channel"],
        "kind": state["kind"],
        "company": _text(state["company_id"]),
    }
    return {
        (month, root, dimension, key): counts
        for root in enterprises(state["unit__path"], state["handling_org__path"])
        for dimension, key in keys.items()
    }


def bucket(hours: float) -> int:
    """The histogram bucket of ``hours``: i holds [EDGES[i-1], EDGES[i])."""
    return bisect_right(EDGES, hours)


def month_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def enterprises(*paths: str | None) -> set[str]:
    """The top-level organisations (paths) the given organisations sit in."""
    return {path[: Org.steplen] for path in paths if path}


def _text(value) -> str:
    return "" if value is None else str(value)


# Keeping rows current ----------------------------------------------------------------------
def stored_state(pk: int) -> dict | None:
    """The voice as stored, locked until the transaction ends (the caller's write follows)."""
    query = Voice.objects.filter(pk=pk)
    if connection.features.has_select_for_update:
        query = query.select_for_update(of=("self",))
    return query.values(*STATE, *PATHS).first()


def counts_on(voice: Voice, update_fields: Iterable[str]) -> bool:
    """Whether saving ``update_fields`` may change what the voice adds to the tallies."""
    return any(voice._meta.get_field(name).attname in STATE for name in update_fields)


def state_of(voice: Voice, before: dict | None, update_fields: Iterable[str] | None) -> dict:
    """The state ``voice.save(update_fields=…)`` leaves stored: unsaved and deferred fields keep
    their stored values."""
    deferred = voice.get_deferred_fields()
    fields = {voice._meta.get_field(name).attname for name in update_fields or ()}
    state = {}
    for name in STATE:
        saved = update_fields is None or name in fields
        if before is not None and (not saved or name in deferred):
            state[name] = before[name]
        else:
            state[name] = getattr(voice, name)
    for path, field in zip(PATHS, ("unit_id", "handling_org_id"), strict=True):
        same = before is not None and before[field] == state[field]
        state[path] = before[path] if same else _path_of(voice, field, state[field])
    return state


def _path_of(voice: Voice, field: str, org_id: int | None) -> str | None:
    if org_id is None:
        return None
    relation = Voice._meta.get_field(field.removesuffix("_id"))
    if relation.is_cached(voice) and getattr(voice, relation.name).pk == org_id:
        return getattr(voice, relation.name).path
    return Org.objects.filter(pk=org_id).values_list("path", flat=True).first()


def record(before: dict | None, after: dict | None) -> None:
    """Add the difference between two states of a voice (None: not stored) to the tallies."""
    change: dict[Key, Counts] = {}
    for sign, state in ((-1, before), (1, after)):
        for key, counts in contribution(state).items() if state else ():
            row = change.setdefault(key, {})
            for field, value in counts.items():
                row[field] = row.get(field, 0) + sign * value
    change = {
        key: counts for key, counts in change.items() if any(counts.values())
    }  # an unchanged voice writes nothing
    if change:
        _add(change)


def add_inserted(states: Iterable[dict]) -> None:
    """Add voices inserted without ``Voice.save`` (a bulk import's chunk, from their ``STATE`` and
    ``PATHS``) to the tallies inside the caller's transaction: their contributions summed, then
    as few upserts as a statement's parameters allow, each in key order."""
    total: dict[Key, Counts] = {}
    for state in states:
        for key, counts in contribution(state).items():
            row = total.setdefault(key, {})
            for field, value in counts.items():
                row[field] = row.get(field, 0) + value
    if not total:
        return
    width = 4 + sum(any(row.get(name) for row in total.values()) for name in FIELDS)
    keys = sorted(total)
    per_statement = MAX_PARAMETERS // width
    for start in range(0, len(keys), per_statement):
        _add({key: total[key] for key in keys[start : start + per_statement]})


def _add(rows: dict[Key, Counts]) -> None:
    """One upsert adding ``rows`` to the stored counts, in key order (two writers lock rows in
    the same order). Only the fields that change are written: a new voice touches one or two of
    the 57, and a short statement is parsed and planned faster."""
    fields = [name for name in FIELDS if any(row.get(name) for row in rows.values())]
    table = connection.ops.quote_name(VoiceTally._meta.db_table)
    columns = ("month", "root", "dimension", "key", *fields)
    values, params = [], []
    for key in sorted(rows):
        values.append(f"({', '.join(['%s'] * len(columns))})")
        params.extend([*key, *(rows[key].get(field, 0) for field in fields)])
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in fields)
    # Names are this module's constants; values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(values)} "  # noqa: S608
        f"ON CONFLICT (month, root, dimension, key) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


MAX_PARAMETERS = 30_000  # under SQLite's 32,766 and PostgreSQL's 65,535 per statement


# Rebuilding from the voices ------------------------------------------------------------------
BATCH = 5_000


def rebuild(months: Iterable[dt.date] | None = None) -> list[dt.date]:
    """Recompute the tallies of ``months`` (first days; every month when None) from the voices and
    replace those that differ. Returns the months whose stored tallies were wrong.

    Each month is its own (inner) transaction that locks the tallies against writers, so a voice
    saved meanwhile is counted exactly once; inside a caller's transaction the lock lasts until
    that one ends."""
    fill_companies()
    if months is None:
        months = _months_with_voices() | set(
            VoiceTally.objects.values_list("month", flat=True).distinct()
        )
    return [month for month in sorted(set(months)) if _rebuild_month(month)]


def fill_companies() -> int:
    """Give voices written around ``Voice.save`` (bulk seeds, imports) their company before they
    are counted: one read of the tree, one update per company. Returns how many."""
    missing = Voice.objects.filter(company__isnull=True)
    units = set(missing.values_list("unit_id", flat=True).distinct())
    if not units:
        return 0
    tree = Org.objects.filter(system=System.ENTERPRISE).values_list("pk", "path", "kind")
    by_company: dict[int, list[int]] = {}
    for unit, company in company_map(tree).items():
        if unit in units:
            by_company.setdefault(company, []).append(unit)
    return sum(
        missing.filter(unit_id__in=ids).update(company_id=company)
        for company, ids in by_company.items()
    )


def rebuild_for_orgs(orgs) -> list[dt.date]:
    """Recount the months of the voices raised in or handled by ``orgs`` (after they moved into
    another enterprise: their voices' rows belong under the new one)."""
    dates = (
        Voice.objects.filter(Q(unit__in=orgs) | Q(handling_org__in=orgs))
        .values_list("submitted_at", flat=True)
        .iterator(BATCH)
    )
    return rebuild({month_of(moment) for moment in dates})


def _months_with_voices() -> set[dt.date]:
    dates = Voice.objects.order_by("submitted_at").values_list("submitted_at", flat=True)
    first, last = dates.first(), dates.last()
    if first is None:
        return set()
    month, months = month_of(first), set()
    while month <= month_of(last):
        months.add(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _rebuild_month(month: dt.date) -> bool:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(
        (month + dt.timedelta(days=32)).replace(day=1), dt.time.min, tzinfo=tz
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(VoiceTally._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        expected: dict[Key, Counts] = {}
        voices = Voice.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        for state in voices.exclude(status__in=EXCLUDED).values(*STATE, *PATHS).iterator(BATCH):
            for key, counts in contribution(state).items():
                row = expected.setdefault(key, dict.fromkeys(FIELDS, 0))
                for field, value in counts.items():
                    row[field] += value
        stored = {}
        for row in VoiceTally.objects.filter(month=month).values(
            "root", "dimension", "key", *FIELDS
        ):
            key = (month, row.pop("root"), row.pop("dimension"), row.pop("key"))
            if any(row.values()):  # a row emptied by later changes counts nothing
                stored[key] = row
        if stored == expected:
            return False
        VoiceTally.objects.filter(month=month).delete()
        VoiceTally.objects.bulk_create(
            (
                VoiceTally(month=m, root=root, dimension=dimension, key=key, **counts)
                for (m, root, dimension, key), counts in expected.items()
            ),
            batch_size=500,
        )
    return True
