"""The bell for a published survey: everyone in its audience with an account, once."""

from __future__ import annotations

from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.notices.services import notify
from dangqun.people import audience


def published(survey) -> int:
    people = audience.people(survey).values("pk")
    users = User.objects.filter(person_id__in=people, is_active=True).values_list("pk", flat=True)
    return notify(
        list(users),
        kind="survey",
        title=f"请填写问卷：{survey.title}",
        url=reverse("surveys:answer", args=[survey.pk]),
        key=f"survey:{survey.pk}",
    )
