"""The requirement follows the people: when a member joins, leaves or moves, or takes or leaves
a 书记/委员 post, their standing is refreshed at once (the nightly check would find it a day
later). Registered on ``people.membership`` and ``orgs.services`` hooks, which know nothing of
学习培训."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangqun.learning import ledger
from dangqun.orgs import services as orgs
from dangqun.people import membership

YEARS_BACK = 4  # a post dated further back is put right by ``rebuild_learning_ledger``


def members_changed(person_ids: list[int]) -> None:
    year = timezone.localdate().year
    for each in (year - 1, year):
        ledger.refresh(each, person_ids)


def posts_changed(person_ids: list[int], since: dt.date) -> None:
    year = timezone.localdate().year
    for each in range(max(since.year, year - YEARS_BACK), year + 1):
        ledger.refresh(each, person_ids)


for hooks, hook in (
    (membership.after_members_changed, members_changed),
    (orgs.after_posts_changed, posts_changed),
):
    if hook not in hooks:
        hooks.append(hook)
