"""Binding by hand: the system administrator's page and the operator's command, audited."""

import pytest
from django.core.management import CommandError, call_command

from dangqun.connect.client import Identity
from dangqun.connect.models import Binding
from dangqun.connect.services import sign_in_user
from dangqun.core.models import AuditLog

QUERIES_BINDINGS_PAGE = 6  # session, user, grants, the account, its bindings, the bell
QUERIES_PREFERENCES_PAGE = 6  # session, user, bindings, the digest choice, grants (menu), the bell


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("owner", 403), ("outsider", 403), ("sysadmin", 200)],
)
def test_who_sees_an_accounts_bindings(client, world, who, status):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    assert client.get(f"/connect/accounts/{world.member.pk}/").status_code == status


def test_the_system_admin_binds_and_unbinds_by_hand(client, world):
    client.force_login(world.sysadmin)
    url = f"/connect/accounts/{world.member.pk}/"
    done = client.post(
        url, {"action": "bind", "provider": "wecom", "external_id": "zhang.san"}, follow=True
    )
    assert "已绑定。" in done.content.decode() and "企业微信：zhang.san" in done.content.decode()
    # the person now signs in by that id, whatever 工号 or mobile say
    assert sign_in_user(Identity("wecom", "zhang.san")) == world.member
    taken = client.post(
        url.replace(str(world.member.pk), str(world.owner.pk)),
        {"action": "bind", "provider": "wecom", "external_id": "zhang.san"},
    )
    assert taken.status_code == 422 and "该企业微信身份已绑定账号" in taken.content.decode()
    binding = Binding.objects.get()
    gone = client.post(url, {"action": "unbind", "binding": binding.pk}, follow=True)
    assert "已解除绑定。" in gone.content.decode() and not Binding.objects.exists()
    actions = list(
        AuditLog.objects.filter(action__startswith="connect.")
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [("connect.bind", world.sysadmin.pk), ("connect.unbind", world.sysadmin.pk)]


def test_a_security_admin_sees_but_cannot_bind(client, world, make_user):
    security = make_user("security", role="security_admin", org=world.group)
    client.force_login(security)
    page = client.get(f"/connect/accounts/{world.member.pk}/").content.decode()
    assert 'id="bind-form"' not in page
    refused = client.post(
        f"/connect/accounts/{world.member.pk}/",
        {"action": "bind", "provider": "wecom", "external_id": "x"},
    )
    assert refused.status_code == 403 and not Binding.objects.exists()


def test_the_account_page_links_to_its_bindings(client, world):
    client.force_login(world.sysadmin)
    page = client.get(f"/accounts/{world.member.pk}/").content.decode()
    assert f'href="/connect/accounts/{world.member.pk}/"' in page


def test_the_operator_command(world):
    call_command("bind_identity", "member", "dingtalk", "ding-zs")
    assert Binding.objects.get().matched_by == "admin"
    with pytest.raises(CommandError, match="已绑定账号"):
        call_command("bind_identity", "owner", "dingtalk", "ding-zs")
    call_command("bind_identity", "member", "dingtalk", "--remove")
    assert not Binding.objects.exists()
    assert AuditLog.objects.filter(action="connect.unbind", actor=None).count() == 1


@pytest.mark.parametrize("count", [1, 3])
def test_the_bindings_page_reads_a_fixed_number_of_queries(
    client, world, count, django_assert_num_queries
):
    for n, provider in enumerate(["wecom", "dingtalk", "oidc"][:count]):
        Binding.objects.create(
            user=world.member, provider=provider, external_id=f"id{n}", matched_by="t"
        )
    client.force_login(world.sysadmin)
    client.get(f"/connect/accounts/{world.member.pk}/")  # warm the session and the scope
    with django_assert_num_queries(QUERIES_BINDINGS_PAGE):
        assert client.get(f"/connect/accounts/{world.member.pk}/").status_code == 200


@pytest.mark.parametrize("count", [0, 2])
def test_the_preferences_page_reads_a_fixed_number_of_queries(
    client, world, count, django_assert_num_queries
):
    for n, provider in enumerate(["wecom", "dingtalk"][:count]):
        Binding.objects.create(
            user=world.member, provider=provider, external_id=f"id{n}", matched_by="t"
        )
    client.force_login(world.member)
    client.get("/connect/")
    with django_assert_num_queries(QUERIES_PREFERENCES_PAGE):
        assert client.get("/connect/").status_code == 200
