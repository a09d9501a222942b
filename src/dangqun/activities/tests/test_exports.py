"""The hours export in the national registration system's columns: scoped to what the exporter
organises, net of corrections, ID numbers masked unless revealed (and then audited as such)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from dangqun.activities import exports
from dangqun.activities.tests.served import serve
from dangqun.core.models import AuditLog

TODAY = dt.date.today()
MONTH_AGO = TODAY - dt.timedelta(days=30)


@pytest.fixture
def served(world, organiser, make_activity, employee):
    return serve(world, organiser, make_activity, employee)


def read(body: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_columns_and_masked_numbers(world, served, organiser):
    body, count = exports.export(organiser, MONTH_AGO, TODAY)
    header, *rows = read(body)
    assert header == ("姓名", "证件类型", "证件号码", "项目名称", "服务日期", "服务时长", "组织者")
    assert count == 1
    ((name, id_type, number, title, served_on, hours, organiser_name),) = rows
    assert (name, id_type, title, organiser_name) == (
        "张三",
        "居民身份证",
        "社区义诊",
        served.org.name,
    )
    assert number == world.zhang.id_number_masked and "*" in number
    assert served_on.date() == served.hours.first().served_on
    assert Decimal(str(hours)) == Decimal("3.0")  # confirmed 2.5, corrected to 3.0
    log = AuditLog.objects.get(action="activity.export_hours")
    assert log.after["rows"] == 1 and log.after["rows_with_full_id"] == 0


def test_full_numbers_need_the_reveal_permission_and_are_audited(
    world, served, organiser, make_user
):
    body, _ = exports.export(organiser, MONTH_AGO, TODAY, full_ids=True)  # 党务管理员: may reveal
    (_, row) = read(body)
    assert row[2] == world.zhang.reveal_id_number()
    log = AuditLog.objects.get(action="activity.export_hours_full_id")
    assert log.after["rows_with_full_id"] == 1
    mass = make_user("qungong", role="mass_admin", org=world.committee_a)  # organises, no reveal
    body, _ = exports.export(mass, MONTH_AGO, TODAY, full_ids=True)
    (_, row) = read(body)
    assert row[2] == world.zhang.id_number_masked
    assert AuditLog.objects.filter(action="activity.export_hours").count() == 1


def test_scoped_to_what_the_exporter_organises(world, served):
    body, count = exports.export(world.outsider, MONTH_AGO, TODAY)  # company B: none of it
    assert count == 0 and read(body) == [tuple(exports.COLUMNS)]
    with pytest.raises(PermissionDenied):
        exports.export(world.outsider, MONTH_AGO, TODAY, org=world.committee_a)
    for user in (world.member, world.reader, world.auditor):
        with pytest.raises(PermissionDenied):
            exports.export(user, MONTH_AGO, TODAY)
    _, count = exports.export(world.owner, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(2))
    assert count == 0  # outside the period


def test_a_co_organiser_exports_the_joint_activity(world, make_activity, employee, make_user):
    organiser_b = world.outsider
    served = serve(world, world.owner, make_activity, employee)
    served.co_organisers.add(world.branch_b)
    _, count = exports.export(organiser_b, MONTH_AGO, TODAY)
    assert count == 1


def test_the_export_page(world, served, organiser, login, client, make_user):
    login(world.member)
    assert client.get(reverse("activities:hours_export")).status_code == 403
    login(organiser)
    page = client.get(reverse("activities:hours_export"))
    assert page.status_code == 200 and "导出完整证件号码" in page.content.decode()
    bad = client.post(
        reverse("activities:hours_export"), {"starts_on": TODAY, "ends_on": MONTH_AGO}
    )
    assert bad.status_code == 422 and "截止日期不能早于起始日期" in bad.content.decode()
    done = client.post(
        reverse("activities:hours_export"),
        {"starts_on": MONTH_AGO, "ends_on": TODAY, "org": world.branch_a.pk},
    )
    assert done.status_code == 200 and done["Content-Type"].startswith("application/vnd.openxml")
    assert read(done.content)[1][0] == "张三"
    login(make_user("qungong", role="mass_admin", org=world.committee_a))
    assert "导出完整证件号码" not in client.get(reverse("activities:hours_export")).content.decode()
    login(world.outsider)
    refused = client.post(
        reverse("activities:hours_export"),
        {"starts_on": MONTH_AGO, "ends_on": TODAY, "org": world.branch_a.pk},
    )
    assert refused.status_code == 422  # not one of their organisations
