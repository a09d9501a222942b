"""How far an item reached (issue #18 §1): delivered (the audience now), opened, confirmed and
quiz pass rate, as counts and rates per child organisation of a chosen organisation and by day —
never a list of persons ranked (domain rules §8). Within the reader's scope only. A branch's
keeper also sees who in their scope has not confirmed a 必读 item yet, to remind them.

Each figure is one aggregate query over the audience: the audience's people joined to their
receipts and quiz results through ``EXISTS``, grouped by the prefix of their unit's (or, under a
party organisation, their branch's) path one level below the chosen organisation."""

from __future__ import annotations

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
from dangqun.publicity import notify
from dangqun.publicity.models import Item, ItemStatus, QuizResult, Receipt


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
        return round(part * 100 / whole) if whole else None

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


def total(user, item: Item) -> Row:
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
    if wanted.isdigit() and len(wanted) < 12:
        root = Org.objects.filter(pk=int(wanted), path__startswith=root.path).first() or root
    return root


def per_unit(user, item: Item, root: Org) -> list[Row]:
    """Rates per child organisation of ``root`` (people directly under ``root`` are its row)."""
    field = "party_branch__path" if root.system == System.PARTY else "unit__path"
    length = len(root.path) + Org.steplen
    grouped = (
        audience_in_scope(user, item)
        .filter(**{f"{field}__startswith": root.path})
        .order_by()
        .annotate(key=Substr(field, 1, length))
        .values("key")
        .annotate(**_flags(item))
    )
    counts = {row.pop("key"): row for row in grouped}
    orgs = {o.path: o for o in Org.objects.filter(path__in=list(counts))}
    rows = [Row(orgs.get(key, root), **values) for key, values in counts.items()]
    return sorted(rows, key=lambda r: r.org.path if r.org else "")


def by_day(user, item: Item) -> dict:
    """Opened and confirmed per day since publishing, cumulative, as rates of the delivered."""
    people = audience_in_scope(user, item).values("pk")
    receipts = Receipt.objects.filter(item=item, person__in=people)
    opened = dict(
        receipts.annotate(day=TruncDate("opened_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    confirmed = dict(
        receipts.filter(confirmed_at__isnull=False)
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days = sorted(set(opened) | set(confirmed))[-60:]
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
