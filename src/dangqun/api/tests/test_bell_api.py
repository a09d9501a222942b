"""The bell and the audit log over the API: the same notices and the same audit search as the pages."""

import pytest
from django.utils import timezone

from dangqun.core import audit
from dangqun.notices import services as notices
from dangqun.notices.models import Notice

ROLES = ["anonymous", "outsider", "reader", "owner", "auditor"]


def caller(api, world, role):
    return api(None) if role == "anonymous" else api(getattr(world, role))


@pytest.mark.parametrize("role", ROLES)
def test_everyone_signed_in_reads_their_own_notices_only(api, world, role):
    notices.notify([world.owner], kind="test", title="请审阅", url="/people/")
    response = caller(api, world, role).get("/api/notices/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    titles = [n["title"] for n in response.json()["results"]]
    assert titles == (["请审阅"] if role == "owner" else [])


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("outsider", 403), ("reader", 403), ("owner", 403), ("auditor", 200)],
)
def test_only_the_auditor_searches_the_audit_log(api, world, role, expected):
    assert caller(api, world, role).get("/api/audit/").status_code == expected


def test_opening_a_notice_marks_it_read_and_another_persons_is_not_found(api, world):
    notices.notify([world.owner, world.reader], kind="test", title="开会", url="/life/")
    mine = Notice.objects.get(user=world.owner)
    theirs = Notice.objects.get(user=world.reader)
    owner = api(world.owner)
    opened = owner.post(f"/api/notices/{mine.pk}/open/")
    assert opened.status_code == 200 and opened.json()["read"] is True
    assert owner.post(f"/api/notices/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert owner.get("/api/notices/").json()["unread"] == 0


def test_read_all_marks_only_ones_own(api, world):
    notices.notify([world.owner, world.reader], kind="test", title="学习", url="")
    notices.notify([world.owner], kind="test2", title="缴费", url="")
    assert api(world.owner).post("/api/notices/read-all/").json() == {"marked": 2}
    assert Notice.objects.filter(user=world.reader, read_at__isnull=True).count() == 1


def test_the_audit_search_filters_as_the_page_does_and_refuses_a_bad_day(api, world):
    audit.record(
        world.owner, "person.export", object_type="people.person", object_repr="导出人员 3 条"
    )
    auditor = api(world.auditor)
    today = f"{timezone.localdate():%Y-%m-%d}"

    def found(query):
        return [row["object_repr"] for row in auditor.get("/api/audit/", query).json()["results"]]

    assert "导出人员 3 条" in found({"actor": "own"})
    assert "导出人员 3 条" not in found({"actor": "reader"})
    assert "导出人员 3 条" in found({"action": "person.", "start": today, "end": today})
    assert "导出人员 3 条" not in found({"action": "org."})
    assert "导出人员 3 条" in found({"action": "导出人员"})
    [row] = auditor.get("/api/audit/", {"action": "person.export"}).json()["results"]
    assert (row["action"], row["action_name"]) == ("person.export", "导出人员")
    bad = auditor.get("/api/audit/", {"start": "昨天"})
    assert bad.status_code == 400 and "日期格式" in bad.json()["start"][0]


def test_a_bad_day_on_the_audit_page_is_said_not_an_error(login, world):
    response = login(world.auditor).get("/audit/?start=昨天")
    assert response.status_code == 200
    assert "日期格式应为" in response.content.decode()


def test_the_audit_list_costs_the_same_for_more_rows(api, world, django_assert_num_queries):
    auditor = api(world.auditor)
    auditor.get("/api/audit/")
    for n in range(30):
        audit.record(world.owner, "person.export", object_type="people.person", object_repr=f"{n}")
    with django_assert_num_queries(4):  # as many for 31 rows as for 1
        assert auditor.get("/api/audit/").status_code == 200
