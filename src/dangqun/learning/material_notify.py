"""Who hears about a study material: its audience once when it is published with a due date,
and the day before the due date those who have not confirmed it yet, once (the notice's key).
An audience can be a whole group: the users are picked in one query and written in bulk
(``notices.services.notify``, ``CHUNK`` users a call)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.learning.material_models import Material, MaterialStatus, Study
from dangqun.notices.services import notify
from dangqun.people import audience


def _url(material: Material) -> str:
    return reverse("learning:material", args=[material.pk])


CHUNK = 5000  # users told per call: a whole group's audience is never one IN list


def _tell(people, *, kind: str, title: str, url: str, key: str) -> int:
    """Tell the active users of ``people`` (a query of person ids), a chunk at a time."""
    ids = list(
        User.objects.filter(person__in=people, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(
        notify(ids[i : i + CHUNK], kind=kind, title=title, url=url, key=key)
        for i in range(0, len(ids), CHUNK)
    )


def published(material: Material) -> int:
    """A newly published material with a due date tells its audience once."""
    if material.due_on is None:
        return 0
    return _tell(
        audience.people(material).values("pk"),
        kind="learning.material",
        title=f"新的学习资料：{material.title}（请于 {material.due_on:%m月%d日} 前学习）",
        url=_url(material),
        key=f"learning.material.{material.pk}.published",
    )


def remind_due(today: dt.date | None = None) -> int:
    """The day before the due date: those who have not confirmed are told once."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    told = 0
    for material in Material.objects.filter(
        status=MaterialStatus.PUBLISHED, due_on=tomorrow
    ).select_related("org"):
        done = Study.objects.filter(
            material=material, person=OuterRef("pk"), confirmed_at__isnull=False
        )
        people = audience.people(material).filter(~Exists(done)).values("pk")
        told += _tell(
            people,
            kind="learning.material_due",
            title=f"学习资料「{material.title}」明天到期，请抽空学习",
            url=_url(material),
            key=f"learning.material.{material.pk}.due",
        )
    return told
