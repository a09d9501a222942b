"""学习资料 over the API: my materials by theme, the organiser's list with reach, the detail with
my study, opened and confirmed with a note (the pages' actions table), refusals in Chinese."""

from __future__ import annotations

import pytest

from dangqun.learning import materials
from dangqun.learning.material_models import Study


def create(user, org, title="党章", tags=("党章党规",)):
    data = {
        "org": org,
        "title": title,
        "kind": "link",
        "url": "https://www.12371.cn/",
        "audience_who": "members",
        "tags": list(tags),
    }
    return materials.publish(user, materials.create(user, data))


@pytest.fixture
def material(world):
    return create(world.owner, world.branch_a)


def test_my_materials_and_tags(world, api, material):
    other = create(world.owner, world.branch_a, "业务", ("业务知识",))
    client = api(world.member)
    rows = client.get("/api/learning/materials/").json()["results"]
    assert {r["id"] for r in rows} == {material.pk, other.pk}
    rows = client.get("/api/learning/materials/?tag=业务知识").json()["results"]
    assert [(r["id"], r["tags"], r["confirmed"]) for r in rows] == [(other.pk, ["业务知识"], False)]


def test_open_and_confirm(world, api, material):
    client = api(world.member)
    opened = client.post(f"/api/learning/materials/{material.pk}/opened/", {})
    assert opened.status_code == 200 and opened.json()["opened_at"]
    assert opened.json()["confirmed_at"] is None
    done = client.post(f"/api/learning/materials/{material.pk}/confirm/", {"note": "认真学习"})
    assert done.status_code == 200
    assert done.json()["note"] == "认真学习"
    detail = client.get(f"/api/learning/materials/{material.pk}/").json()
    assert detail["my_study"]["confirmed_at"] and detail["url"] == "https://www.12371.cn/"
    assert detail["file_url"] is None


def test_a_long_note_is_a_chinese_400_and_writes_nothing(world, api, material):
    client = api(world.member)
    refused = client.post(f"/api/learning/materials/{material.pk}/confirm/", {"note": "学" * 1001})
    assert refused.status_code == 400
    assert "1000" in str(refused.json())
    assert not Study.objects.exists()


def test_outside_the_audience(world, api, material, make_user):
    zhao = make_user("zhao", person=world.zhao)
    client = api(zhao)
    assert client.get("/api/learning/materials/").json()["results"] == []
    assert client.get(f"/api/learning/materials/{material.pk}/").status_code == 404
    assert client.post(f"/api/learning/materials/{material.pk}/confirm/", {}).status_code == 404


def test_kept_with_reach_no_names(world, api, material):
    api(world.member).post(f"/api/learning/materials/{material.pk}/confirm/", {})
    rows = api(world.owner).get("/api/learning/materials/?kept=1").json()["results"]
    assert rows[0]["reach"] == {
        "assigned": 2,
        "opened": 1,
        "confirmed": 1,
        "opened_rate": 50,
        "confirmed_rate": 50,
    }
    assert api(world.member).get("/api/learning/materials/?kept=1").status_code == 403


@pytest.mark.parametrize("count", [1, 5])
def test_my_list_costs_the_same_with_one_row_or_many(world, api, django_assert_num_queries, count):
    for n in range(count):
        create(world.owner, world.branch_a, f"资料{n}", (f"主题{n}",))
    client = api(world.member)
    client.get("/api/learning/materials/")
    with django_assert_num_queries(8):
        assert len(client.get("/api/learning/materials/").json()["results"]) == count
