import datetime as dt

import pytest
from django.utils import timezone

from dangqun.activities import organising
from dangqun.activities.models import Activity, ActivityKind, Status
from dangqun.activities.tests.order_fixtures import (  # noqa: F401  (群众点单's fixtures)
    author,
    handler,
    mass,
    request_voice,
    team_leader,
)


@pytest.fixture
def organiser(world, make_user):
    """The 党务管理员 of company A's 党委: organises activities of its sub-tree."""
    return world.owner


@pytest.fixture
def kinds(db):
    """The migration's kinds, put back when a test that committed flushed them."""
    from dangqun.seed.activities import ensure_kinds

    ensure_kinds()
    return {kind.code: kind for kind in ActivityKind.objects.all()}


@pytest.fixture
def volunteer_kind(kinds):
    return kinds["volunteer"]


@pytest.fixture
def culture_kind(kinds):
    return kinds["culture"]


@pytest.fixture
def make_activity(world, organiser, volunteer_kind):
    """A published activity of branch A, starting in ``starts_in`` (default: 3 days)."""

    def make(publish=True, starts_in=dt.timedelta(days=3), hours=3, **data):
        starts = timezone.now().replace(microsecond=0) + starts_in
        fields = {
            "kind": volunteer_kind,
            "title": "社区义诊",
            "org": world.branch_a,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=hours),
            "place": "幸福社区服务中心",
            "signup_closes_at": starts - dt.timedelta(hours=2) if starts_in.days > 0 else None,
            **data,
        }
        if fields["signup_closes_at"] is None:
            fields.pop("signup_closes_at")
        activity = organising.create(organiser, fields)
        if starts_in < dt.timedelta(0) and publish:
            # began already: published earlier, sign-up still open for the test's people
            Activity.objects.filter(pk=activity.pk).update(
                status=Status.PUBLISHED,
                published_at=starts - dt.timedelta(days=7),
                signup_closes_at=timezone.now() + dt.timedelta(minutes=5),
            )
            activity.refresh_from_db()
        elif publish:
            activity = organising.publish(organiser, activity)
        return activity

    return make


@pytest.fixture
def employee(world, make_user):
    """Employees with accounts: 张三 (member, branch A), 李四, 王五 (masses), 赵六 (company B)."""

    from dangqun.accounts.models import User

    def account(person):
        return User.objects.filter(person=person).first() or make_user(
            f"u{person.pk}", person=person
        )

    return account
