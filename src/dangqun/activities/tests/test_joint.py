"""联办 (联建, issue #16 §1): a keeper of the main organisation names any active organisation as
co-organiser, found by name (decision 0030); the partner's organisers then keep the activity;
a co-organiser's keeper edits the other fields while who runs it stays read-only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangqun.activities import services
from dangqun.activities.models import Activity
from dangqun.core.models import AuditLog
from dangqun.notices.models import Notice

pytestmark = pytest.mark.django_db

REFUSED = "只有主办组织的组织者可以更改主办或联办组织"


def url(name, *args):
    return reverse(f"activities:{name}", args=args)


@pytest.fixture
def union(world, make_user):
    """The group's 工会, another tree than the party's, with its own organiser."""
    from dangqun.orgs import services as org_services

    org = org_services.create_org(
        None, parent=None, name="集团工会", kind="union_committee", unit=world.group
    )
    return org, make_user("union_keeper", role="union_admin", org=org)


def form_data(activity, **changes):
    """What the edit page posts back unchanged (its hidden org and co-organisers included)."""
    local = timezone.localtime
    data = {
        "kind": activity.kind_id,
        "title": activity.title,
        "org": activity.org_id,
        "co_organisers": [org.pk for org in activity.co_organisers.all()],
        "starts_at": f"{local(activity.starts_at):%Y-%m-%dT%H:%M}",
        "ends_at": f"{local(activity.ends_at):%Y-%m-%dT%H:%M}",
        "signup_closes_at": f"{local(activity.signup_closes_at):%Y-%m-%dT%H:%M}",
        "place": activity.place,
        "open_to": activity.open_to,
    }
    data.update(changes)
    return data


def test_a_partner_outside_the_scope_is_found_by_name_chosen_and_then_keeps_it(
    world, login, volunteer_kind, union
):
    union_org, union_keeper = union
    client = login(world.owner)  # 甲公司党委: neither 乙公司 nor the 工会 is in its scope
    page = client.get(url("new")).content.decode()
    assert 'id="co-org-q"' in page and "乙公司生产部党支部" not in page  # found, not listed
    found = client.get(url("partners"), {"q": "乙公司", "org": world.branch_a.pk}).content
    found = found.decode()
    assert f'value="{world.branch_b.pk}"' in found and "（乙公司党委）" in found
    assert f'value="{world.branch_a.pk}"' not in found  # never the main organisation
    kept = client.get(url("partners"), {"q": "工会", "co_organisers": [world.branch_b.pk]})
    kept = kept.content.decode()  # a second search keeps what was ticked, ticked
    assert f'value="{world.branch_b.pk}" checked' in kept and f'value="{union_org.pk}">' in kept
    assert "没有找到" in client.get(url("partners"), {"q": "不存在的组织"}).content.decode()

    starts = timezone.localtime() + dt.timedelta(days=5)
    data = {
        "kind": volunteer_kind.pk,
        "title": "党工共建义诊",
        "org": world.branch_a.pk,
        "co_organisers": [world.branch_b.pk, union_org.pk],
        "starts_at": f"{starts:%Y-%m-%dT%H:%M}",
        "ends_at": f"{starts + dt.timedelta(hours=3):%Y-%m-%dT%H:%M}",
        "place": "幸福社区",
        "open_to": "everyone",
    }
    assert client.post(url("new"), data).status_code == 302
    activity = Activity.objects.get(title="党工共建义诊")
    assert set(activity.co_organisers.all()) == {world.branch_b, union_org}
    row = AuditLog.objects.get(action="activity.create", object_id=str(activity.pk))
    assert row.after["co_organisers"] == "乙公司生产部党支部、集团工会"
    told = set(
        Notice.objects.filter(kind="activity.partner").values_list("user__username", flat=True)
    )
    assert told == {"outsider", "union_keeper"}  # each partner's organisers hear of it

    for keeper in (world.outsider, union_keeper):
        assert services.can_manage(keeper, activity)
        other = login(keeper)
        assert other.get(url("edit", activity.pk)).status_code == 200
        assert other.get(url("signups", activity.pk)).status_code == 200

    # the main keeper drops one partner: audited with the names before and after
    client = login(world.owner)
    edited = client.post(
        url("edit", activity.pk), form_data(activity, co_organisers=[union_org.pk])
    )
    assert edited.status_code == 302, edited.context["form"].errors
    row = AuditLog.objects.filter(action="activity.update", object_id=str(activity.pk)).last()
    assert row.before["co_organisers"] == "乙公司生产部党支部、集团工会"
    assert row.after["co_organisers"] == "集团工会"
    assert not services.can_manage(world.outsider, activity)


def test_a_co_organiser_edits_the_place_but_cannot_change_who_runs_it(
    world, login, make_activity, union
):
    union_org, _ = union
    activity = make_activity(co_organisers=[world.branch_b])
    client = login(world.outsider)  # 乙公司党委's organiser: keeps it only as 联办
    page = client.get(url("edit", activity.pk)).content.decode()
    assert 'id="locked-orgs"' in page and "甲公司综合部党支部" in page
    assert 'id="co-org-q"' not in page and 'id="co-org-search"' not in page
    assert f'type="hidden" name="org" value="{world.branch_a.pk}"' in page

    saved = client.post(url("edit", activity.pk), form_data(activity, place="阳光社区"))
    assert saved.status_code == 302
    activity.refresh_from_db()
    assert activity.place == "阳光社区"

    audits = AuditLog.objects.count()
    forged = [
        {"org": world.branch_b.pk},  # take it over
        {"co_organisers": [world.branch_b.pk, union_org.pk]},  # bring in another partner
        {"co_organisers": []},  # drop the partners (the main keeper's choice)
    ]
    for change in forged:
        response = client.post(
            url("edit", activity.pk), form_data(activity, place="别处", **change)
        )
        assert response.status_code == 422 and REFUSED in response.content.decode()
    activity.refresh_from_db()
    assert (activity.org, activity.place) == (world.branch_a, "阳光社区")
    assert list(activity.co_organisers.all()) == [world.branch_b]
    assert AuditLog.objects.count() == audits


def test_the_form_page_and_the_search_take_a_fixed_number_of_queries(
    world, login, make_activity, union, django_assert_num_queries
):
    union_org, _ = union
    one = make_activity(co_organisers=[world.branch_b])
    three = make_activity(co_organisers=[world.branch_b, world.committee_b, union_org])
    client = login(world.owner)
    client.get(url("edit", one.pk))  # the session's first save is not the page's
    with django_assert_num_queries(QUERIES_FORM):
        client.get(url("edit", one.pk))
    with django_assert_num_queries(QUERIES_FORM):
        client.get(url("edit", three.pk))
    ticked = [world.branch_b.pk, union_org.pk]
    with django_assert_num_queries(QUERIES_SEARCH):
        client.get(url("partners"), {"q": "党", "co_organisers": ticked})


QUERIES_FORM = 17
QUERIES_SEARCH = 7


def test_a_partner_named_without_asking_leaves_and_the_main_organiser_is_told(
    world, login, make_activity, union
):
    from dangqun.activities import organising

    union_org, union_keeper = union
    activity = make_activity(title="党工共建义诊")
    organising.update(world.owner, activity, {"co_organisers": [union_org]})
    assert services.can_manage(union_keeper, activity)
    client = login(world.owner)  # the main organiser's keeper has nothing to leave
    assert client.post(url("act", activity.pk, "leave_partnership")).status_code == 403
    client = login(union_keeper)
    page = client.get(url("detail", activity.pk)).content.decode()
    assert 'id="leave-partnership"' in page and "集团工会被列为联办组织" in page
    done = client.post(url("act", activity.pk, "leave_partnership"), {"reason": "未商定"})
    assert done.status_code == 302
    activity.refresh_from_db()
    assert list(activity.co_organisers.all()) == [] and not services.can_manage(
        union_keeper, activity
    )
    row = AuditLog.objects.get(action="activity.partner_leave")
    assert row.before == {"co_organisers": "集团工会"} and row.after == {"reason": "未商定"}
    assert Notice.objects.filter(kind="activity.partner_left", user=world.owner).exists()
    assert client.post(url("act", activity.pk, "leave_partnership")).status_code in (403, 404)
