"""Who may see and run 政策宣传. Publishers (``publicity.manage``: 党务管理员 and 党委 over their
sub-tree, a 支部书记 over the branch, 工会管理员 over the union's) write and publish items in the
name of an organisation in their scope; readers (``publicity.view``: leaders) see the items of
their sub-tree and their reach. Everyone reads the live items whose audience holds them.

- ``kept_by(user)``: items of organisations in the user's view or manage scope, and the
  published or withdrawn items of the organisations above them (a 党委's item reaching a branch:
  its secretary sees how far it reached and reminds those who have not confirmed).
- ``for_me(user)``: published, publish time passed, audience holds the user's person.
- ``visible_to(user)``: those two and anything the user's person has opened.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_PUBLICITY, VIEW_PUBLICITY
from dangqun.accounts.scope import Scope, require
from dangqun.orgs.models import Org
from dangqun.people import audience
from dangqun.publicity.models import Item, ItemStatus

NOT_FOUND = "宣传内容不存在或无权查看"
NOT_PUBLISHER = "您无权以该组织的名义发布宣传内容"
NO_PERSON = "您的账号未关联人员档案"


def person_of(user):
    person = getattr(user, "person", None)
    require(person is not None, NO_PERSON)
    return person


def publishes(user) -> bool:
    return Scope.of(user).has(MANAGE_PUBLICITY)


def reads(user) -> bool:
    scope = Scope.of(user)
    return scope.has(VIEW_PUBLICITY) or scope.has(MANAGE_PUBLICITY)


def can_manage(user, item: Item) -> bool:
    return Scope.of(user).can(MANAGE_PUBLICITY, item.org)


def require_manage_org(user, org: Org) -> None:
    require(Scope.of(user).can(MANAGE_PUBLICITY, org), NOT_PUBLISHER)


def publisher_orgs(user) -> QuerySet:
    return Scope.of(user).orgs(MANAGE_PUBLICITY).order_by("path")


def _capability(scope: Scope) -> str | None:
    if scope.has(MANAGE_PUBLICITY):
        return MANAGE_PUBLICITY
    if scope.has(VIEW_PUBLICITY):
        return VIEW_PUBLICITY
    return None


def _reaching(paths, above) -> Q:
    """An item of an organisation above the user's whose audience reaches their sub-trees: none
    chosen (the whole of its organiser's), or a chosen one above, at or under one of them (an
    item for 乙公司's 书记 is not 甲公司's to read)."""
    chosen = Item.audience_orgs.through.objects.filter(item_id=OuterRef("pk"))
    overlap = Q(org__path__in=set(above) | set(paths))
    for path in paths:
        overlap |= Q(org__path__startswith=path)
    return ~Exists(chosen) | Exists(chosen.filter(overlap))


def kept_by(user) -> QuerySet:
    scope = Scope.of(user)
    found = Q(pk__in=[])
    for capability in (MANAGE_PUBLICITY, VIEW_PUBLICITY):
        if not scope.has(capability):
            continue
        paths = scope.covered_paths(capability)
        step = Org.steplen
        above = {p[:i] for p in paths for i in range(step, len(p), step)}
        found |= scope.within(capability, "org") | (
            Q(org__path__in=above) & ~Q(status=ItemStatus.DRAFT) & _reaching(paths, above)
        )
    if _capability(scope) is None:
        return Item.objects.none()
    return Item.objects.filter(found)


def live() -> QuerySet:
    now = timezone.now()
    return Item.objects.filter(status=ItemStatus.PUBLISHED, publish_at__lte=now)


def for_me(user) -> QuerySet:
    """Published items, publish time passed, whose audience holds the user's person now."""
    return audience.for_person(live(), getattr(user, "person", None))


def opened_by(user) -> QuerySet:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return Item.objects.none()
    return Item.objects.filter(receipts__person_id=person_id).exclude(status=ItemStatus.DRAFT)


def visible_to(user) -> QuerySet:
    return Item.objects.filter(
        Q(pk__in=kept_by(user).values("pk"))
        | Q(pk__in=for_me(user).values("pk"))
        | Q(pk__in=opened_by(user).values("pk"))
    )


def require_visible(user, pk) -> Item:
    """The item if ``visible_to`` holds it, else 404 — asked one branch at a time (the reader's
    first, which is the common case): the item, then is it for them, did they open it, do they
    keep it. The answers are kept on the item for the rest of the request."""
    item = Item.objects.select_related("org", "theme").filter(pk=pk).first()
    if item is None:
        raise Http404(NOT_FOUND)
    item._publicity_answers = {}  # this request's answers (the item lives for the request)
    if is_for(user, item):
        return item
    person_id = getattr(user, "person_id", None)
    if (
        item.status != ItemStatus.DRAFT
        and person_id is not None
        and item.receipts.filter(person_id=person_id).exists()
    ):
        return item
    if keeps(user, item):
        return item
    raise Http404(NOT_FOUND)


def _remembered(item: Item, name: str, user, answer) -> bool:
    """An answer about an item fetched by ``require_visible`` is asked once per request."""
    cache = getattr(item, "_publicity_answers", None)
    if cache is None:
        return bool(answer())
    key = (name, getattr(user, "pk", None))
    if key not in cache:
        cache[key] = bool(answer())
    return cache[key]


def keeps(user, item: Item) -> bool:
    """Whether the item is among those the user keeps (publishes or reads the reach of)."""
    return _remembered(item, "keeps", user, lambda: kept_by(user).filter(pk=item.pk).exists())


def is_for(user, item: Item) -> bool:
    """Whether the item is live for the user's person now (the audience holds them)."""
    if getattr(user, "person_id", None) is None or item.status != ItemStatus.PUBLISHED:
        return False
    return _remembered(item, "for", user, lambda: for_me(user).filter(pk=item.pk).exists())
