"""呼声办理统计 over HTTP: who may see it, the period and grouping chosen, the trend as JSON and the
table as an audited xlsx, all counted over the viewer's own scope.

Expects in ``voices/urls.py`` (namespace ``voices``, mounted at /voices/):
``metrics/`` → ``metrics``, ``metrics/trend.json`` → ``metrics_trend``,
``metrics/export.xlsx`` → ``metrics_export``.
"""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.cache import cache as figures_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangqun.core.models import AuditLog
from dangqun.voices import followup, handling
from dangqun.voices.models import Rating, Voice

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE, TREND, EXPORT = (
    "/voices/metrics/",
    "/voices/metrics/trend.json",
    "/voices/metrics/export.xlsx",
)
HOT = "/voices/metrics/hot-topics/"
MARCH = {"start": "2025-03", "end": "2025-03"}


def handled(voice, mass, handler, world, rating=None):
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="已办理", solved=True)
    followup.rate(None, voice, rating=rating, by_code=True)


@pytest.fixture
def march(world, mass, handler, raise_voice):
    """Four valid voices in March 2025: 满意, 基本满意, one 待响应 and one 待受理.

    响应率 2/4, 解决率 2/4, 满意率 (1 + 0.9) ÷ 4 = 47.5%, composite 0.05 + 0.25 + 0.19 = 49%.
    """
    voices = [raise_voice(title=f"呼声{i}")[0] for i in range(4)]
    handled(voices[0], mass, handler, world, Rating.SATISFIED)
    handled(voices[1], mass, handler, world, Rating.BASICALLY)
    handling.assign(mass, voices[2], handling_org=world.dept_a)
    Voice.objects.update(submitted_at=dt.datetime(2025, 3, 10, 10, tzinfo=SHANGHAI))
    return voices


@pytest.fixture
def users(world, mass, handler, make_user):
    return {
        "owner": mass,
        "reader": world.reader,  # the leader reads company A's voices
        "other_company": make_user("mass_b", role="mass_admin", org=world.company_b),
        "handler": handler,  # handles voices, but has no 查看 over them
        "party_admin": world.outsider,
        "member": world.member,
    }


def test_the_urls_are_named():
    assert reverse("voices:metrics") == PAGE
    assert reverse("voices:metrics_trend") == TREND
    assert reverse("voices:metrics_export") == EXPORT


@pytest.mark.parametrize("url", [PAGE, TREND, EXPORT])
@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("owner", 200),
        ("reader", 200),
        ("other_company", 200),
        ("handler", 403),
        ("party_admin", 403),
        ("member", 403),
    ],
)
def test_who_may_see_the_statistics(client, users, url, who, status):
    if who != "anonymous":
        client.force_login(users[who])
    assert client.get(url).status_code == status


def test_the_table_shows_the_rates_as_percentages(client, mass, march):
    client.force_login(mass)
    html = client.get(PAGE, {**MARCH, "by": "handling_org"}).content.decode()
    table = html[html.index('id="metrics-table"') : html.index('id="metrics-formula"')]
    assert "甲公司综合部" in table and "未交办" in table
    assert "50.00%" in table and "47.50%" in table and "49.00%" in table
    assert "综合得分 = 0.1×响应率 + 0.5×解决率 + 0.4×满意率" in html
    assert "《北京市接诉即办工作条例》(2021)" in html
    assert 'value="2025-03"' in html and "2025年3月，按承办单位" in html
    assert f"{reverse('voices:metrics_export')}?start=2025-03&amp;end=2025-03" in html
    assert 'id="metrics-error"' not in html


def test_the_whole_group_reads_its_tallies_and_sees_the_same_numbers(
    client, world, mass, make_user, march
):
    from dangqun.voices import tally

    tally.rebuild()  # the fixture moved the voices to March around Voice.save
    group_admin = make_user("mass_group", role="mass_admin", org=world.group)
    tables = []
    for viewer in (mass, group_admin):  # company A's voices, counted; the group's, tallied
        client.force_login(viewer)
        response = client.get(PAGE, {**MARCH, "by": "handling_org"})
        tables.append((response.context["rows"], response.context["total"]))
    assert tables[0] == tables[1] and tables[0][1]["cells"][0] == ("4", "text-end")


def test_a_full_date_stands_for_its_month(client, mass, march):
    client.force_login(mass)
    response = client.get(PAGE, {"start": "2025-03-15", "end": "2025-04-02"})
    period = response.context["period"]
    assert (period.start, period.end) == (dt.date(2025, 3, 1), dt.date(2025, 4, 1))
    assert period.label == "2025年3月 至 2025年4月"


def test_the_default_period_is_this_month(client, mass, raise_voice):
    raise_voice()
    client.force_login(mass)
    response = client.get(PAGE)
    month = timezone.localdate().replace(day=1)
    period = response.context["period"]
    assert (period.start, period.end, period.by) == (month, month, "handling_org")
    assert response.context["total"]["cells"][0] == ("1", "text-end")  # 有效件数
    assert len(response.context["trend"]) == 12


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2025-13", "end": "2025-03"}, "月份格式不正确"),
        ({"start": "2025-04", "end": "2025-03"}, "开始月份不能晚于结束月份"),
        ({"start": "0001-01", "end": "9999-12"}, "月份超出可统计的范围"),
        ({"start": "2020-01", "end": "2025-12"}, "统计区间不能超过 36 个月"),
    ],
)
def test_bad_dates_are_explained_and_the_defaults_used(client, mass, march, query, message):
    client.force_login(mass)
    response = client.get(PAGE, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["period"].start == timezone.localdate().replace(day=1)
    assert client.get(EXPORT, query).status_code == 400
    assert not AuditLog.objects.filter(action="voices.export").exists()


def test_an_unknown_grouping_falls_back_to_the_handling_unit(client, mass, march):
    client.force_login(mass)
    response = client.get(PAGE, {**MARCH, "by": "nonsense"})
    assert response.context["period"].by == "handling_org"
    month = client.get(PAGE, {**MARCH, "by": "month"}).content.decode()
    assert "2025年3月" in month


def test_another_companys_admin_sees_nothing_of_ours(client, users, march):
    client.force_login(users["other_company"])
    response = client.get(PAGE, MARCH)
    assert "该期间没有有效的呼声" in response.content.decode()
    assert response.context["total"]["cells"][0] == ("0", "text-end")
    months = client.get(TREND, {"months": 36}).json()["months"]
    assert all(month["valid"] == 0 for month in months)


def test_the_trend_as_json(client, mass, raise_voice):
    raise_voice()  # this month
    client.force_login(mass)
    data = client.get(TREND).json()
    months = data["months"]
    assert len(months) == 12
    assert months[-1]["key"] == f"{timezone.localdate():%Y-%m}" and months[-1]["valid"] == 1
    assert months[-1]["response_rate"] == 0.0 and months[0]["composite"] is None
    assert data["weights"]["response"] == 0.1 and "综合得分" in data["rule"]
    assert len(client.get(TREND, {"months": "3"}).json()["months"]) == 3
    assert len(client.get(TREND, {"months": "999"}).json()["months"]) == 36
    assert len(client.get(TREND, {"months": "many"}).json()["months"]) == 12


def test_the_export_is_the_same_table_and_is_audited(client, mass, march):
    client.force_login(mass)
    response = client.get(EXPORT, {**MARCH, "by": "handling_org"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "voice-metrics-202503-202503.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("承办单位", "有效件数")
    by_label = {row[0]: row for row in rows[1:4]}
    assert set(by_label) == {"甲公司综合部", "未交办", "合计"}
    total = by_label["合计"]
    assert total[1] == 4 and total[9:13] == (0.5, 0.5, 0.475, 0.49)
    assert any("0.1×响应率" in str(row[0]) for row in rows[4:])
    log = AuditLog.objects.get(action="voices.export")
    assert log.actor == mass and log.after["by"] == "handling_org" and log.after["rows"] == 2


def test_the_page_does_not_query_per_voice(client, world, mass, handler, raise_voice):
    client.force_login(mass)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    queries()  # the first request also saves the new session
    voice, _ = raise_voice()
    handled(voice, mass, handler, world, Rating.SATISFIED)
    few = queries()
    for _ in range(4):
        voice, _ = raise_voice()
        handled(voice, mass, handler, world, Rating.BASICALLY)
    assert queries() == few


def test_hot_topics_of_the_month_in_scope(world, mass, raise_voice, login, make_user):
    for _ in range(3):
        raise_voice(title="食堂排队", content="尊敬的领导：食堂排队时间太长")
    raise_voice(title="班车拥挤", content="早上班车拥挤")
    raise_voice(title="班车拥挤", content="班车太拥挤")
    raise_voice(title="宿舍漏水", content="宿舍漏水")  # once: not (yet) a hot topic
    page = login(mass).get(PAGE).content.decode()
    assert 'id="hot-topics"' in page and "热点话题" in page
    fragment = login(mass).get(HOT).content.decode()
    assert "食堂排队" in fragment and "班车" in fragment and "尊敬" not in fragment
    assert "新出现" in fragment and "代表性呼声" in fragment and "宿舍" not in fragment
    other = make_user("leader_b", role="leader", org=world.company_b)
    assert "排队" not in login(other).get(HOT).content.decode()


def test_hot_topics_follow_the_pages_period_and_link_to_their_voices(
    world, mass, login, django_assert_num_queries
):
    def add(title, content, month, day):
        return Voice.objects.create(
            title=title,
            content=content,
            unit=world.dept_a,
            query_code_hash=f"{title}-{month}-{day}",
            submitted_at=dt.datetime(2025, month, day, 10, tzinfo=SHANGHAI),
        )

    for day in range(1, 4):
        add("食堂饭菜太咸", "食堂的饭菜太咸了", 3, day)
        add("早班车太挤", "早班车天天太挤", 4, day)
    add("食堂饭菜太咸", "食堂的饭菜太咸了", 2, 1)
    client = login(mass)
    page = client.get(PAGE, {"start": "2025-03", "end": "2025-03"}).content.decode()
    assert f"{HOT}?start=2025-03&amp;end=2025-03" in page
    client.get(HOT, {"start": "2025-03", "end": "2025-03"})  # the words are stored
    figures_cache.clear()
    # session, user, grants, scope, ids, words, titles, the organisations to choose from
    with django_assert_num_queries(8):
        fragment = client.get(HOT, {"start": "2025-03", "end": "2025-03"}).content.decode()
    assert "2025年3月共 3 条呼声" in fragment and "班车" not in fragment
    assert "上升" in fragment and "（上期 1）" in fragment
    link = re.search(r'href="(/voices/\?show=all[^"]*)"', fragment).group(1).replace("&amp;", "&")
    assert "since=2025-03-01" in link and "until=2025-03-31" in link
    listed = client.get(link).content.decode()
    assert listed.count("食堂饭菜太咸") == 3 and "早班车" not in listed
    april = client.get(HOT, {"since": "2025-04-01", "until": "2025-04-20"}).content.decode()
    assert "早班车" in april and "2025-04-01 至 2025-04-20" in april
    refused = client.get(HOT, {"since": "2025-04-31"}).content.decode()
    assert "日期格式不正确" in refused


def test_hot_topics_of_a_chosen_organisation(world, login, make_user):
    for day in range(1, 4):
        for unit, title in [(world.dept_a, "食堂饭菜太咸"), (world.dept_b, "宿舍热水不足")]:
            Voice.objects.create(
                title=title,
                content=title,
                unit=unit,
                query_code_hash=f"{unit.pk}-{day}",
                submitted_at=dt.datetime(2025, 3, day, 10, tzinfo=SHANGHAI),
            )
    group = login(make_user("group_mass", role="mass_admin", org=world.group))
    march = {"start": "2025-03", "end": "2025-03"}
    everything = group.get(HOT, march).content.decode()
    assert "食堂" in everything and "宿舍" in everything
    assert f'<option value="{world.company_b.pk}">' in everything  # the companies are offered
    only_b = group.get(HOT, {**march, "org": world.company_b.pk}).content.decode()
    assert "宿舍" in only_b and "食堂" not in only_b
    assert f'<option value="{world.company_b.pk}" selected>' in only_b
    company_a = login(make_user("mass_a", role="mass_admin", org=world.company_a))
    for bad in ("x", "²", "99999999999999999999"):
        assert group.get(HOT, {"org": bad}).content.decode().count("组织编号应为正整数") == 1
    assert company_a.get(HOT, {**march, "org": world.company_b.pk}).status_code == 404


def test_this_month_is_marked_as_so_far_not_as_a_fall(client, mass, raise_voice):
    raise_voice()  # this month: not yet answered, so its rates are 0 so far
    client.force_login(mass)
    months = client.get(TREND).json()
    key = f"{timezone.localdate():%Y-%m}"
    assert [m["partial"] for m in months["months"]] == [False] * 11 + [True]
    assert months["so_far"]["key"] == key and months["so_far"]["label"] == "本月截至今日"
    page = client.get(PAGE).content.decode()
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月（本月截至今日）" in page  # the table's newest row
    assert "以虚线表示" in page and "不代表下降" in page
