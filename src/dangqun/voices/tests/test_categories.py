"""The category tree admins keep: each category names the unit that handles it by default."""

import pytest

from dangqun.core.models import AuditLog
from dangqun.voices.models import Category


@pytest.mark.parametrize(
    "who, status", [("mass", 200), ("handler", 403), ("reader", 403), ("member", 403)]
)
def test_who_keeps_categories(client, world, mass, handler, who, status):
    user = {"mass": mass, "handler": handler, "reader": world.reader, "member": world.member}[who]
    client.force_login(user)
    assert client.get("/voices/categories/").status_code == status
    response = client.post(
        "/voices/categories/",
        {"name": "班车", "urgency": "normal", "handling_org": world.dept_a.pk},
    )
    assert response.status_code == (302 if status == 200 else 403)


def test_anonymous_is_sent_to_log_in(client, world):
    assert client.get("/voices/categories/").status_code == 302


def test_add_change_and_refuse_categories(client, world, mass):
    client.force_login(mass)
    response = client.post(
        "/voices/categories/",
        {"name": "后勤", "urgency": "normal", "handling_org": world.dept_a.pk, "active": "on"},
    )
    assert response.status_code == 302
    logistics = Category.objects.get(name="后勤")
    assert logistics.handling_org == world.dept_a and logistics.active
    client.post(
        "/voices/categories/",
        {
            "name": "食堂",
            "parent": logistics.pk,
            "urgency": "urgent",
            "handling_org": world.dept_a.pk,
        },
    )
    canteen = Category.objects.get(name="食堂")
    assert str(canteen) == "后勤 / 食堂"
    # the same name under the same parent, a third level, a unit outside the scope: refused
    again = client.post(
        "/voices/categories/",
        {
            "name": "食堂",
            "parent": logistics.pk,
            "urgency": "normal",
            "handling_org": world.dept_a.pk,
        },
    )
    assert again.status_code == 422 and "同一上级下已有同名类别" in again.content.decode()
    deep = client.post(
        "/voices/categories/",
        {
            "name": "早餐",
            "parent": canteen.pk,
            "urgency": "normal",
            "handling_org": world.dept_a.pk,
        },
    )
    assert deep.status_code == 422
    outside = client.post(
        "/voices/categories/",
        {"name": "乙公司", "urgency": "normal", "handling_org": world.dept_b.pk},
    )
    assert outside.status_code == 422  # not offered: 乙公司 is outside the admin's scope
    assert Category.objects.count() == 2
    edit_page = client.get(f"/voices/categories/{canteen.pk}/").content.decode()
    assert 'value="食堂"' in edit_page  # the form starts from the stored values
    assert f'<option value="{logistics.pk}" selected>' in edit_page
    # change: more urgent, switched off
    changed = client.post(
        f"/voices/categories/{canteen.pk}/",
        {
            "name": "食堂",
            "parent": logistics.pk,
            "urgency": "complex",
            "handling_org": world.dept_a.pk,
        },
    )
    assert changed.status_code == 302
    canteen.refresh_from_db()
    assert (canteen.urgency, canteen.active) == ("complex", False)
    assert AuditLog.objects.filter(action="voice.category").count() == 3


def test_another_units_admin_cannot_change_a_category(client, world, mass, make_user):
    client.force_login(mass)
    client.post(
        "/voices/categories/",
        {"name": "食堂", "urgency": "normal", "handling_org": world.dept_a.pk, "active": "on"},
    )
    canteen = Category.objects.get()
    other = make_user("mass_b", role="mass_admin", org=world.company_b)
    client.force_login(other)
    response = client.post(
        f"/voices/categories/{canteen.pk}/",
        {"name": "改名", "urgency": "normal", "handling_org": world.dept_b.pk},
    )
    assert response.status_code == 403
    canteen.refresh_from_db()
    assert (canteen.name, canteen.handling_org, canteen.active) == ("食堂", world.dept_a, True)


def test_a_category_without_a_unit_is_for_the_group_wide_admin_and_is_deactivated(
    client, world, mass, make_user
):
    client.force_login(mass)
    refused = client.post("/voices/categories/", {"name": "城乡建设", "urgency": "normal"})
    assert refused.status_code == 422 and "只有全企业的群工管理员" in refused.content.decode()
    group = make_user("group_mass", role="mass_admin", org=world.group)
    client.force_login(group)
    new = {"name": "城乡建设", "urgency": "normal", "active": "on"}
    assert client.post("/voices/categories/", new).status_code == 302
    history = Category.objects.get(name="城乡建设")
    assert history.handling_org is None and history.active
    listed = client.get("/voices/categories/").content.decode()
    assert "受理时手选" in listed
    edit = client.get(f"/voices/categories/{history.pk}/").content.decode()
    assert 'id="category-deactivate"' in edit and ">停用</button>" in edit

    client.force_login(mass)  # not theirs: it belongs to no unit
    assert client.post(f"/voices/categories/{history.pk}/deactivate/").status_code == 403
    client.force_login(group)
    done = client.post(f"/voices/categories/{history.pk}/deactivate/", follow=True)
    assert "已停用类别“城乡建设”" in done.content.decode()
    history.refresh_from_db()
    assert not history.active
    assert AuditLog.objects.filter(action="voice.category", object_id=str(history.pk)).count() == 2
    assert (
        'id="category-deactivate"'
        not in client.get(f"/voices/categories/{history.pk}/").content.decode()
    )
    assert client.get(f"/voices/categories/{history.pk}/deactivate/").status_code == 405
