"""Reach kept as things happen (issue #18 §5, decision 0039): ``ReachTally`` rows per item and
placement (unit, party branch, union and league organisation of the people counted), so an
item's reach in any scope, per unit or per branch, is a sum over a few thousand rows instead of
a count over its whole audience and its receipts.

- ``add`` — inside the reader's transaction, when a receipt is made (opened), confirmed, a
  quiz result made (answered) or first passed: an upsert that adds, safe under concurrent
  readers. It takes ``FOR KEY SHARE`` on the item row (on PostgreSQL), which ``rebuild``'s
  ``FOR UPDATE`` waits for: a write is either in a recount or added after it, never lost or
  counted twice.
- ``rebuild`` — recount items in SQL from the records (the audience placed where they are now, their
  receipts and quiz results): after publishing (a Huey task, ``tasks.count_reach``), after the
  audience of a published item changes, after a bulk write (the seeds), and every night.
- ``live`` — the reference count (the truth) the tallies are checked against, written apart from
  ``rebuild``'s SQL on purpose (the ORM, per placement in Python).

Between two recounts a person who moves unit keeps being counted as delivered where they were,
and what they do from then on is added where they are; the next recount places everybody where
they are then. Items never published have no rows."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangqun.people import audience
from dangqun.people.models import Person
from dangqun.publicity.models import Item, ItemStatus, QuizResult, ReachTally, Receipt

log = logging.getLogger(__name__)

FLAGS = ("delivered", "opened", "confirmed", "answered", "passed")
PLACE = ("unit_id", "party_branch_id", "union_org_id", "league_org_id")
ITEMS_PER_CHUNK = 10  # items of one audience recounted per statement
PASSES = 5  # attempts at items that readers held

Place = tuple[int, int | None, int | None, int | None]


def sums() -> dict:
    """The aggregate of every counter over some tally rows (0 when there are none)."""
    return {flag: Coalesce(Sum(flag), 0) for flag in FLAGS}


def placed(place: Place) -> str:
    return ".".join(str(pk or 0) for pk in place)


def place_of(person: Person) -> Place:
    return (person.unit_id, person.party_branch_id, person.union_org_id, person.league_org_id)


_COLUMNS = "item_id, placed, unit_id, party_branch_id, union_org_id, league_org_id, " + ", ".join(
    FLAGS
)
_ADDED = ", ".join(f"{flag} = publicity_reachtally.{flag} + excluded.{flag}" for flag in FLAGS)


def add(item: Item, person: Person, **counts: int) -> None:
    """Add ``counts`` (``opened=1``…) to the item's row of the person's placement, in the
    caller's transaction. One statement; on PostgreSQL it also holds the item row ``FOR KEY
    SHARE`` until the caller commits, so a recount in progress waits for it (and it for one)."""
    unknown = set(counts) - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown counters {unknown}")
    if not any(counts.values()):
        return
    place = place_of(person)
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    values = [counts.get(flag, 0) for flag in FLAGS]
    marks = ", ".join(["%s"] * (5 + len(FLAGS)))
    sql = (
        f"INSERT INTO publicity_reachtally ({_COLUMNS}) "  # noqa: S608 - fixed identifiers
        f"SELECT id, {marks} FROM publicity_item WHERE id = %s{lock} "
        f"ON CONFLICT (item_id, placed) DO UPDATE SET {_ADDED}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [placed(place), *place, *values, item.pk])


# The live count, the truth ---------------------------------------------------------------------
def live(item: Item) -> dict[Place, dict[str, int]]:
    """Per placement, the item's audience and how many of them opened, confirmed, answered and
    passed — counted from the records through the ORM, apart from ``rebuild``'s SQL: what the
    tallies should hold."""
    members = Person.objects.filter(pk__in=audience.people(item).values("pk"))
    zero = dict.fromkeys(FLAGS, 0)
    found = {
        tuple(place): {**zero, "delivered": n}
        for *place, n in members.order_by().values_list(*PLACE).annotate(n=Count("pk"))
    }
    person = [f"person__{field}" for field in PLACE]
    receipts = (
        Receipt.objects.filter(item=item, person__in=members.values("pk"))
        .order_by()
        .values_list(*person)
        .annotate(opened=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)))
    )
    for *place, opened, confirmed in receipts:
        found[tuple(place)].update(opened=opened, confirmed=confirmed)
    results = (
        QuizResult.objects.filter(item=item, person__in=members.values("pk"))
        .order_by()
        .values_list(*person)
        .annotate(answered=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    )
    for *place, answered, passed in results:
        found[tuple(place)].update(answered=answered, passed=passed)
    return found


# Recounting ------------------------------------------------------------------------------------
def _signature(item: Item) -> tuple:
    """Items with the same signature have the same audience."""
    chosen = tuple(sorted(org.pk for org in item.audience_orgs.all()))
    return (item.audience_who, chosen or (item.org_id,))


def _totals(ids: list[int]) -> dict[int, tuple]:
    rows = ReachTally.objects.filter(item_id__in=ids).values("item_id").annotate(**sums())
    return {row.pop("item_id"): tuple(row[f] for f in FLAGS) for row in rows.order_by()}


class Busy(Exception):
    """Some items were being read at every attempt: their recount is left for the next one."""


def rebuild(items: Iterable[Item] | QuerySet | None = None) -> list[int]:
    """Recount the given items (every published or withdrawn item if None) from the records and
    rewrite their rows; returns the ids whose totals had drifted. Items of one audience are
    counted together, ``ITEMS_PER_CHUNK`` per transaction, each locked while it is recounted. An
    item whose lock is held by readers at that moment is skipped, not waited for (waiting would
    hold back other readers and could wait for ever behind a stream of them), and tried again in
    a later pass; ``Busy`` if some are still held after ``PASSES``."""
    if items is None:
        items = Item.objects.exclude(status=ItemStatus.DRAFT)
    if isinstance(items, QuerySet):
        items = items.select_related("org").prefetch_related("audience_orgs").order_by("pk")
    groups: dict[tuple, list[int]] = defaultdict(list)
    for item in items:
        if item.status != ItemStatus.DRAFT:
            groups[_signature(item)].append(item.pk)
    ids = [pk for group in groups.values() for pk in group]  # one audience after another
    drifted: list[int] = []
    for attempt in range(PASSES):
        if attempt:
            time.sleep(0.2 * attempt)
        skipped: list[int] = []
        for start in range(0, len(ids), ITEMS_PER_CHUNK):
            done, held = _rebuild_some(ids[start : start + ITEMS_PER_CHUNK])
            drifted += done
            skipped += held
        ids = skipped
        if not ids:
            return drifted
    raise Busy(f"{len(ids)} 条内容正在被阅读，阅读统计留待下次重算：{ids[:20]}")


def _rebuild_some(ids: list[int]) -> tuple[list[int], list[int]]:
    """One transaction: lock what can be locked now of a few items, read them again under the
    lock (an audience changed since the caller read them is counted as it is now) and recount
    them, one statement per audience. Returns (drifted ids, ids left for a later pass)."""
    drifted: list[int] = []
    with transaction.atomic():
        locked = _lock(ids)
        fresh = (
            Item.objects.filter(pk__in=locked)
            .exclude(status=ItemStatus.DRAFT)
            .select_related("org")
            .prefetch_related("audience_orgs")
            .order_by("pk")
        )
        groups: dict[tuple, list[Item]] = defaultdict(list)
        for item in fresh:
            groups[_signature(item)].append(item)
        for group in groups.values():
            drifted += _rebuild_chunk(group)
    return drifted, [pk for pk in ids if pk not in locked]


def _lock(ids: list[int]) -> set[int]:
    """Lock the items no reader holds now (readers add under ``FOR KEY SHARE``); on a database
    without ``SKIP LOCKED`` (SQLite: one writer at a time anyway) every one."""
    rows = Item.objects.filter(pk__in=ids).order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return set(rows.values_list("pk", flat=True))


_PLACED = " || '.' || ".join(
    f"CAST(COALESCE(p.{field}, 0) AS TEXT)" for field in PLACE
)  # as ``placed`` spells it
_PLACE_COLUMNS = ", ".join(PLACE)
# The audience per placement (once), the items' receipts and quiz results of the audience per
# item and placement, then every placement of every item with what was read there.
_REBUILD = f"""
WITH aud AS (
    SELECT p.id, {_PLACED} AS placed, p.{", p.".join(PLACE)}
    FROM people_person p WHERE p.id IN ({{audience}})
), census AS (
    SELECT placed, {_PLACE_COLUMNS}, COUNT(*) AS n FROM aud GROUP BY placed, {_PLACE_COLUMNS}
), readings AS (
    SELECT r.item_id, a.placed, COUNT(*) AS opened, COUNT(r.confirmed_at) AS confirmed
    FROM publicity_receipt r JOIN aud a ON a.id = r.person_id
    WHERE r.item_id IN ({{items}}) GROUP BY r.item_id, a.placed
), results AS (
    SELECT q.item_id, a.placed, COUNT(*) AS answered,
        SUM(CASE WHEN q.passed THEN 1 ELSE 0 END) AS passed
    FROM publicity_quizresult q JOIN aud a ON a.id = q.person_id
    WHERE q.item_id IN ({{items}}) GROUP BY q.item_id, a.placed
)
INSERT INTO publicity_reachtally ({_COLUMNS})
SELECT i.id, c.placed, c.{", c.".join(PLACE)}, c.n, COALESCE(rd.opened, 0),
    COALESCE(rd.confirmed, 0), COALESCE(rs.answered, 0), COALESCE(rs.passed, 0)
FROM census c CROSS JOIN publicity_item i
LEFT JOIN readings rd ON rd.item_id = i.id AND rd.placed = c.placed
LEFT JOIN results rs ON rs.item_id = i.id AND rs.placed = c.placed
WHERE i.id IN ({{items}})
"""  # noqa: S608 - fixed identifiers; the values go as parameters


def _rebuild_chunk(items: list[Item]) -> list[int]:
    """Items of one audience recounted in one statement (``_REBUILD``), inside the caller's
    transaction, which holds their row locks."""
    ids = [item.pk for item in items]
    audience_sql, audience_params = (
        audience.people(items[0]).order_by().values("pk").query.sql_with_params()
    )
    sql = _REBUILD.format(items=", ".join(["%s"] * len(ids)), audience=audience_sql)
    before = _totals(ids)
    ReachTally.objects.filter(item_id__in=ids).delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the grouping in memory, not spilled to disk
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, [*audience_params, *ids, *ids, *ids])
    Item.objects.filter(pk__in=ids).update(reach_counted_at=timezone.now())
    after = _totals(ids)
    return [pk for pk in ids if pk in before and before[pk] != after.get(pk, (0,) * len(FLAGS))]


def nightly_check() -> list[int]:
    """Every published or withdrawn item recounted; items whose totals had moved are logged (people
    who joined or left an audience since the last recount move them too, so this is a count,
    not an alarm). Returns their ids."""
    try:
        drifted = rebuild()
    except Busy as exc:  # what was counted stays counted; the rest waits for tomorrow
        log.warning("政策宣传阅读统计未能全部重算：%s", exc)
        return []
    if drifted:
        log.warning("政策宣传阅读统计已重新计算，%s 条内容的合计有变化", len(drifted))
    return drifted
