"""The menu shows "API" only to those who use it; every page's footer links the help page, which
renders the user guide from docs/user-guide.md."""

import os

import pytest
from django.utils import timezone

from dangqun.accounts.models import ApiToken
from dangqun.accounts.scope import Scope
from dangqun.accounts.services import create_token
from dangqun.web import userguide

API_LINK = 'href="/api/docs/">API</a>'


@pytest.mark.parametrize(
    "who, shown",
    [("member", False), ("owner", False), ("reader", False), ("sysadmin", True)],
)
def test_api_in_the_menu_only_for_account_admins(client, world, who, shown):
    client.force_login(getattr(world, who))
    assert (API_LINK in client.get("/").content.decode()) is shown


def test_a_token_holder_sees_api_until_the_token_is_revoked(client, world, make_user):
    handler = make_user("handler", role="handler", org=world.dept_a)
    client.force_login(handler)
    assert API_LINK not in client.get("/").content.decode()
    create_token(None, handler, "对接")
    assert API_LINK in client.get("/").content.decode()
    ApiToken.objects.filter(user=handler).update(revoked_at=timezone.now())
    assert API_LINK not in client.get("/").content.decode()


def test_the_token_is_read_with_the_grants_in_one_query(world, django_assert_num_queries):
    create_token(None, world.owner)
    with django_assert_num_queries(1):
        scope = Scope(world.owner)
    assert scope.holds_api_token and scope.roles() == {"party_admin"}
    with django_assert_num_queries(1):
        scope = Scope(world.member)  # no grant at all: still one row, of NULLs
    assert not scope.holds_api_token and scope.nodes == []


@pytest.mark.parametrize("path", ["/", "/voices/mine/", "/accounts/login/"])
def test_every_page_links_the_help_page_in_its_footer(client, world, path):
    if path != "/accounts/login/":
        client.force_login(world.member)
    page = client.get(path).content.decode()
    assert '<a href="/help/" id="help-link">使用说明</a>' in page


def test_the_help_page_is_the_user_guide_for_everyone(client, db):
    response = client.get("/help/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h2 class="page-title" id="help-title">党群工作平台 使用说明</h2>' in page
    assert (
        '<h2 id="section-1">登录与账号</h2>' in page and 'href="#section-1">登录与账号</a>' in page
    )
    assert "<strong>反映</strong>" in page  # Markdown, rendered
    assert '<code translate="no">dangqun createtoken 用户名</code>' in page


def test_the_guide_is_rendered_once_until_the_file_changes(settings, tmp_path, monkeypatch):
    guide = tmp_path / "guide.md"
    guide.write_text("# 说明\n\n## 第一节\n\n<script>alert(1)</script> 正文\n", encoding="utf-8")
    settings.USER_GUIDE = guide
    rendered = []
    real = userguide.render
    monkeypatch.setattr(userguide, "render", lambda text: rendered.append(text) or real(text))
    first = userguide.guide()
    assert userguide.guide() is first and len(rendered) == 1  # cached
    assert first.title == "说明" and first.sections == [("section-1", "第一节")]
    assert "<script>" not in first.html and "&lt;script&gt;" in first.html  # no raw HTML
    guide.write_text("# 说明\n\n## 第二节\n", encoding="utf-8")
    os.utime(guide, ns=(0, guide.stat().st_mtime_ns + 1_000_000_000))  # a later change
    assert userguide.guide().sections == [("section-1", "第二节")] and len(rendered) == 2
