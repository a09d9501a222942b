"""How far an item reached (issue #18 §1): delivered (the audience), opened, confirmed and
quiz pass rate, as counts and rates per child organisation of a chosen organisation and by day —
never a list of persons ranked (domain rules §8). Within the reader's scope only. A branch's
keeper also sees who in their scope has not confirmed a 必读 item yet, to remind them.

The figures are sums over the item's ``ReachTally`` rows (``tally.py``, decision 0039) whose
placement the reader's scope covers — the same filter as on people (``Scope.person_q``), on the
tally's unit, branch, union and league columns — grouped by the prefix of the unit's (or, under
a party organisation, the branch's) path one level below the chosen organisation. An item whose
tallies are not written yet (just published, or its audience just changed) is counted live, as
every item was before: ``live_total`` / ``live_per_unit``, kept as the reference."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr, TruncDate

from dangqun.accounts.roles import MANAGE_PUBLICITY, VIEW_PUBLICITY
from dangqun.accounts.scope import Scope
from dangqun.core import audit
from dangqun.orgs.models import Org, System
from dangqun.people import audience
from dangqun.people.audience import Who
from dangqun.people.models import Person
from dangqun.publicity import notify, tally
from dangqun.publicity.models import Item, ItemStatus, QuizResult, ReachTally, Receipt


@dataclass(frozen=True)
class Row:
    org: Org | None
    delivered: int
    opened: int
    confirmed: int
    passed: int
    answered: int

    @staticmethod
    def rate(part: int, whole: int) -> int | None:
        """A percentage; at most 100 (between two recounts someone who moved into a unit after
        publishing may have opened there while still delivered where they were)."""
        return min(100, round(part * 100 / whole)) if whole else None

    @property
    def opened_rate(self) -> int | None:
        return self.rate(self.opened, self.delivered)

    @property
    def confirmed_rate(self) -> int | None:
        return self.rate(self.confirmed, self.delivered)

    @property
    def pass_rate(self) -> int | None:
        return self.rate(self.passed, self.answered)


def _capability(user) -> str:
    scope = Scope.of(user)
    return MANAGE_PUBLICITY if scope.has(MANAGE_PUBLICITY) else VIEW_PUBLICITY


def audience_in_scope(user, item: Item):
    """The item's audience within the user's sub-trees (people placed where they are now)."""
    if item.status == ItemStatus.DRAFT:
        return Person.objects.none()
    scoped = Scope.of(user).person_q(_capability(user), include_self=False)
    return Person.objects.filter(pk__in=audience.people(item).values("pk")).filter(scoped)


def _flags(item: Item) -> dict:
    receipts = Receipt.objects.filter(item=item, person=OuterRef("pk"))
    results = QuizResult.objects.filter(item=item, person=OuterRef("pk"))
    return {
        "delivered": Count("pk"),
        "opened": Count("pk", filter=Q(Exists(receipts))),
        "confirmed": Count("pk", filter=Q(Exists(receipts.filter(confirmed_at__isnull=False)))),
        "answered": Count("pk", filter=Q(Exists(results))),
        "passed": Count("pk", filter=Q(Exists(results.filter(passed=True)))),
    }


def _counted(item: Item) -> bool:
    return item.status != ItemStatus.DRAFT and item.reach_counted_at is not None


def _tallies(user, items):
    scoped = Scope.of(user).person_q(_capability(user), include_self=False)
    return ReachTally.objects.filter(item__in=items).filter(scoped)


def total(user, item: Item) -> Row:
    if not _counted(item):
        return live_total(user, item)
    return Row(None, **_tallies(user, [item]).aggregate(**tally.sums()))


def totals(user, items: list[Item]) -> dict[int, Row]:
    """``total`` of each item, for a list: one query for all those counted."""
    counted = [item for item in items if _counted(item)]
    found = {item.pk: live_total(user, item) for item in items if not _counted(item)}
    if counted:
        rows = _tallies(user, counted).order_by().values("item_id").annotate(**tally.sums())
        for row in rows:
            pk = row.pop("item_id")
            found[pk] = Row(None, **row)
    for item in counted:
        found.setdefault(item.pk, Row(None, 0, 0, 0, 0, 0))
    return found


def live_total(user, item: Item) -> Row:
    """Counted over the audience and its receipts: the truth the tallies copy."""
    counts = audience_in_scope(user, item).order_by().aggregate(**_flags(item))
    return Row(None, **counts)


def default_root(user, item: Item) -> Org:
    """The item's organisation if the user covers it, else the user's own highest sub-tree."""
    scope = Scope.of(user)
    capability = _capability(user)
    if scope.can(capability, item.org):
        return item.org
    paths = sorted(scope.covered_paths(capability), key=len)
    return Org.objects.filter(path=paths[0]).first() if paths else item.org


def root_for(user, item: Item, wanted: str = "") -> Org:
    """The organisation whose children the figures compare: ``wanted`` (an id from the page)
    if it lies under the default, else the default — for an item to 全体职工 of a party (union,
    league) organisation, the enterprise unit it sits in, since most employees hold no branch."""
    root = default_root(user, item)
    if root.system != System.ENTERPRISE and item.audience_who == Who.EVERYONE and root.unit_id:
        root = root.unit
    if wanted.isascii() and wanted.isdigit() and len(wanted) < 12:
        root = Org.objects.filter(pk=int(wanted), path__startswith=root.path).first() or root
    return root


def per_unit(user, item: Item, root: Org) -> list[Row]:
    """Rates per child organisation of ``root`` (people directly under ``root`` are its row)."""
    if not _counted(item):
        return live_per_unit(user, item, root)
    return _by_child(_tallies(user, [item]), root, tally.sums())


def live_per_unit(user, item: Item, root: Org) -> list[Row]:
    """``per_unit`` counted over the audience and its receipts (the reference)."""
    return _by_child(audience_in_scope(user, item), root, _flags(item))


def _by_child(rows, root: Org, counts: dict) -> list[Row]:
    """``rows`` (people, or tally rows: both have a unit and a party branch) summed per child of
    ``root``: grouped by the first ``len(root.path) + steplen`` characters of the path."""
    field = "party_branch__path" if root.system == System.PARTY else "unit__path"
    length = len(root.path) + Org.steplen
    grouped = (
        rows.filter(**{f"{field}__startswith": root.path})
        .order_by()
        .annotate(key=Substr(field, 1, length))
        .values("key")
        .annotate(**counts)
    )
    found = {row.pop("key"): row for row in grouped}
    orgs = {o.path: o for o in Org.objects.filter(path__in=list(found))}
    rows = [Row(orgs.get(key, root), **values) for key, values in found.items()]
    return sorted(rows, key=lambda r: r.org.path if r.org else "")


def by_day(user, item: Item, delivered: int | None = None) -> dict:
    """Opened and confirmed per day since publishing, cumulative, as rates of the delivered
    (``total``'s, counted again unless given). One pass over the item's receipts of people in the
    user's scope — not joined to the audience: whoever opened it was in it then (decision 0039)."""
    receipts = Receipt.objects.filter(item=item)
    scoped = Scope.of(user).person_q(_capability(user), include_self=False)
    if scoped:  # an empty Q: the scope covers every unit, nothing to filter
        receipts = receipts.filter(person__in=Person.objects.filter(scoped).values("pk"))
    rows = (
        receipts.order_by()
        .annotate(opened_day=TruncDate("opened_at"), confirmed_day=TruncDate("confirmed_at"))
        .values_list("opened_day", "confirmed_day")
        .annotate(n=Count("pk"))
    )
    opened: Counter = Counter()
    confirmed: Counter = Counter()
    for opened_day, confirmed_day, n in rows:
        opened[opened_day] += n
        if confirmed_day is not None:
            confirmed[confirmed_day] += n
    days = sorted(set(opened) | set(confirmed))[-60:]
    if delivered is None:
        delivered = total(user, item).delivered
    chart = {"labels": [], "opened": [], "confirmed": []}
    seen = done = 0
    for day in days:
        seen += opened.get(day, 0)
        done += confirmed.get(day, 0)
        chart["labels"].append(f"{day:%m-%d}")
        chart["opened"].append(Row.rate(seen, delivered) or 0)
        chart["confirmed"].append(Row.rate(done, delivered) or 0)
    return chart


def may_remind(user, item: Item) -> bool:
    return (
        item.required
        and item.status == ItemStatus.PUBLISHED
        and Scope.of(user).has(MANAGE_PUBLICITY)
    )


def _waiting(user, item: Item):
    scoped = Scope.of(user).person_q(MANAGE_PUBLICITY, include_self=False)
    people = Person.objects.filter(pk__in=audience.people(item).values("pk")).filter(scoped)
    return notify.not_confirmed(item, people)


def waiting(user, item: Item, limit: int = 500) -> list:
    """Who in the user's scope has not confirmed the 必读 item, in 拼音 order (not a ranking)."""
    rows = _waiting(user, item).select_related("unit", "party_branch")
    return list(rows.order_by("name_pinyin", "pk")[:limit])


def remind(user, item: Item, person_ids: list[int] | None = None) -> int:
    """Remind the given people (or everyone waiting) in the user's scope, once a day each."""
    if not may_remind(user, item):
        raise PermissionDenied("只能提醒本范围内尚未确认的必读内容")
    rows = _waiting(user, item)
    if person_ids is not None:
        rows = rows.filter(pk__in=person_ids)
    ids = sorted(rows.values_list("pk", flat=True))
    if not ids:
        raise ValidationError("没有需要提醒的人员")
    with transaction.atomic():
        told = notify.remind(item, ids)
        audit.record(user, "publicity.remind", item, after={"people": len(ids), "told": told})
    return told
