"""A 党委's annual plan for developing members against those admitted and in the pipeline."""

import pytest

from dangqun.core.models import AuditLog
from dangqun.development.models import Quota

pytestmark = pytest.mark.django_db


def test_the_committee_sets_its_plan_and_sees_who_was_admitted(client, world, case, walk):
    walk(case, 17)  # admitted on 15 June 2024
    client.force_login(world.owner)
    url = f"/development/plan/?org={world.committee_a.pk}&year=2024"
    saved = client.post(url, {"quota": 4, "note": "按上级下达"}, follow=True).content.decode()
    assert "已保存 2024 年发展计划" in saved
    assert 'id="plan-quota">4<' in saved and 'id="plan-admitted">1<' in saved
    assert "已完成计划的 25%" in saved and "甲公司综合部党支部" in saved
    assert Quota.objects.get().set_by == world.owner
    assert AuditLog.objects.filter(action="development.quota").count() == 1
    assert 'id="plan-admitted">0<' in client.get(url.replace("2024", "2023")).content.decode()
    bad = client.post(url, {"quota": -1, "note": "留言"})
    assert bad.status_code == 422 and "不能小于 0" in bad.content.decode()
    assert "留言" in bad.content.decode()


def test_who_may_set_and_see_a_plan(client, world, case, secretary):
    url = f"/development/plan/?org={world.committee_a.pk}&year=2024"
    client.force_login(secretary)  # a branch secretary sees only the branch
    assert client.get(url).status_code == 404
    assert client.get(f"/development/plan/?org={world.branch_a.pk}").status_code == 200
    assert (
        client.post(f"/development/plan/?org={world.branch_a.pk}", {"quota": 1}).status_code == 403
    )
    client.force_login(world.reader)
    assert (
        client.get(url).status_code == 200 and "quota-form" not in client.get(url).content.decode()
    )
    assert client.post(url, {"quota": 9}).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    assert not Quota.objects.exists()
