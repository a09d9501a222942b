"""Valid files: create, re-import (nothing changes), update, party profiles, valid-rows-only."""

import datetime

import openpyxl
import pytest

from dangqun.core.models import AuditLog
from dangqun.orgs import services as org_services
from dangqun.people.models import ImportJob, MemberEvent, Person
from dangqun.people.tests.import_helpers import (
    make_id,
    member_row,
    person_row,
    upload,
    write_csv,
    write_xlsx,
)


@pytest.fixture
def run(client_, tmp_path, django_capture_on_commit_callbacks):
    """Import rows as world.owner; returns the finished job."""

    def do(rows, *, valid_only=False, name="people.xlsx", **kwargs):
        path = tmp_path / name
        if name.endswith(".csv"):
            write_csv(path, rows, **kwargs)
        else:
            write_xlsx(path, rows, **kwargs)
        response = upload(client_, path, django_capture_on_commit_callbacks, valid_only=valid_only)
        assert response.status_code == 302, response.content.decode()[:500]
        return ImportJob.objects.order_by("-pk").first()

    return do


def person_audits():
    return (
        AuditLog.objects.filter(action__startswith="person").count()
        + AuditLog.objects.filter(action__startswith="party_profile").count()
    )


def test_valid_file_imports_people_and_members(world, client_, run):
    rows = [
        person_row(工号="T0001", 姓名="钱一"),
        member_row(工号="T0002", 姓名="孙二", 公民身份号码=make_id("19850315", male=False)),
    ]
    job = run(rows)
    assert job.status == "done", job.message
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    assert (job.total_rows, job.processed_rows) == (2, 2)
    qian = Person.objects.get(employee_no="T0001")
    assert qian.name == "钱一" and qian.unit == world.dept_a and qian.name_pinyin.startswith(" qy")
    assert qian.id_number_masked.startswith("110") and qian.birth_date.isoformat() == "1990-01-01"
    assert qian.gender == "M" and qian.education == "bachelor" and qian.political_status == "masses"
    sun = Person.objects.get(employee_no="T0002")
    assert sun.gender == "F" and sun.political_status == "cpc"
    assert sun.party_profile.branch == world.branch_a
    assert sun.party_branch == world.branch_a  # the copy on Person (decisions/0005)
    assert qian.party_branch is None
    assert sun.is_current_member and not qian.is_current_member
    assert sun.party_profile.category == "technical"
    assert sun.party_profile.joined_on == datetime.date(2015, 7, 1)
    assert set(MemberEvent.objects.filter(person=sun).values_list("type", flat=True)) == {
        "joined",
        "confirmed",
    }
    actions = list(AuditLog.objects.filter(actor=world.owner).values_list("action", flat=True))
    assert sorted(actions) == sorted(
        ["people.import", "person.create", "person.create", "party_profile.create"]
    )
    page = client_.get(f"/people/import/{job.pk}/").content.decode()
    assert 'id="import-report"' in page and 'id="count-created">2<' in page
    assert 'id="error-file-link"' not in page


def test_same_file_twice_changes_nothing(world, run):
    rows = [
        person_row(工号="T0001", 姓名="钱一"),
        member_row(工号="T0002", 姓名="孙二", 公民身份号码=make_id("19850315", male=False)),
        member_row(
            工号="T0003",
            姓名="周三",
            公民身份号码=make_id("19920202"),
            政治面貌="中共预备党员",
            转为正式党员日期="",
            加入党组织日期=world.today - datetime.timedelta(days=30),
        ),
    ]
    first = run(rows)
    assert first.status == "done", first.message
    people = list(Person.objects.order_by("pk").values())
    audits = AuditLog.objects.count()
    events = MemberEvent.objects.count()
    second = run(rows)
    assert second.status == "done", second.message
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 3)
    assert list(Person.objects.order_by("pk").values()) == people
    assert MemberEvent.objects.count() == events
    # Only the row for the import itself: none for the unchanged people.
    assert list(AuditLog.objects.order_by("pk").values_list("action", flat=True)[audits:]) == [
        "people.import"
    ]


def test_csv_in_utf8_with_and_without_bom_and_in_gb18030(run):
    for index, encoding in enumerate(["utf-8-sig", "utf-8", "gb18030"]):
        job = run(
            [
                person_row(
                    工号=f"C{index}", 姓名="吴四", 公民身份号码=make_id("19800101", seq=index)
                )
            ],
            name=f"people-{index}.csv",
            encoding=encoding,
        )
        assert job.status == "done", (encoding, job.message)
        assert Person.objects.get(employee_no=f"C{index}").name == "吴四"


@pytest.mark.parametrize(
    "cell",
    [
        datetime.date(1990, 1, 1),
        "1990-01-01",
        "1990/1/1",
        "1990.1.1",
        "19900101",
        19900101,
        "1990年1月1日",
    ],
)
def test_date_formats(run, cell):
    job = run([person_row(出生日期=cell, 公民身份号码=make_id("19900101"))])
    assert job.status == "done", job.message


def test_changed_row_updates_the_person_matched_by_id_number(world, run):
    id_number = make_id("19880808")
    run([person_row(工号="T0001", 公民身份号码=id_number, 联系电话="13900000001")])
    person = Person.objects.get(employee_no="T0001")
    audits = AuditLog.objects.count()
    job = run(
        [
            person_row(
                工号="T0009", 公民身份号码=id_number, 联系电话="13900000002", 所在单位="甲公司"
            )
        ]
    )
    assert job.status == "done", job.message
    assert (job.created_count, job.updated_count) == (0, 1)
    person.refresh_from_db()
    assert (person.employee_no, person.phone, person.unit) == (
        "T0009",
        "13900000002",
        world.company_a,
    )
    update = AuditLog.objects.get(action="person.update", object_id=str(person.pk))
    assert update.actor == world.owner
    assert update.before == {
        "employee_no": "T0001",
        "unit_id": world.dept_a.pk,
        "phone": "139****0001",
    }
    assert update.after == {
        "employee_no": "T0009",
        "unit_id": world.company_a.pk,
        "phone": "139****0002",
    }
    logged = str(list(AuditLog.objects.values_list("before", "after")))
    assert "13900000001" not in logged and "13900000002" not in logged  # created one too
    assert AuditLog.objects.count() == audits + 2  # the update and the import


def test_row_without_id_number_matches_by_employee_number_and_blank_cells_keep_values(world, run):
    job = run(
        [
            person_row(
                工号="A0003",
                姓名="王五",
                公民身份号码="",
                工作岗位="主任",
                学历="",
                联系电话="",
                政治面貌="",
            )
        ]
    )
    assert job.status == "done", job.message
    assert (job.created_count, job.updated_count) == (0, 1)
    world.wang.refresh_from_db()
    assert world.wang.job_post == "主任"
    assert world.wang.phone == "13800000003"  # blank: kept
    assert world.wang.id_number_masked  # blank ID: kept


def test_new_id_number_for_a_known_employee_number_replaces_it(world, run):
    new_id = make_id("19700505", male=False)
    job = run([person_row(工号="A0003", 姓名="王五", 公民身份号码=new_id, 政治面貌="")])
    assert job.status == "done", job.message
    world.wang.refresh_from_db()
    assert world.wang.reveal_id_number() == new_id
    assert world.wang.gender == "F" and world.wang.birth_date == datetime.date(1970, 5, 5)
    update = AuditLog.objects.get(action="person.update", object_id=str(world.wang.pk))
    assert update.after["id_number_hash"] == "（已变更）"
    assert new_id not in str(update.after)


def test_party_columns_create_update_and_move_a_member(world, run):
    org_services.create_org(
        None, parent=world.committee_a, name="甲公司第二党支部", kind="branch", unit=world.dept_a
    )
    # 王五 (no profile yet) joins; 张三 moves to another branch.
    job = run(
        [
            member_row(工号="A0003", 姓名="王五", 公民身份号码="", 人员类别=""),
            member_row(
                工号="A0001",
                姓名="张三",
                公民身份号码="",
                所在党支部="甲公司第二党支部",
                加入党组织日期="",
                转为正式党员日期="",
                人员类别="",
            ),
        ]
    )
    assert job.status == "done", job.message
    assert job.updated_count == 2
    world.wang.refresh_from_db()
    assert world.wang.political_status == "cpc"
    assert world.wang.party_profile.branch == world.branch_a
    assert world.wang.party_profile.category == "employed"
    world.zhang.refresh_from_db()
    assert world.zhang.party_profile.branch.name == "甲公司第二党支部"
    assert world.zhang.party_branch == world.zhang.party_profile.branch
    assert world.wang.party_branch == world.branch_a
    assert world.wang.is_current_member and world.zhang.is_current_member
    move = MemberEvent.objects.get(person=world.zhang, type="internal_move")
    assert move.from_branch == world.branch_a and move.actor_name == "owner"
    assert AuditLog.objects.filter(
        action="party_profile.update", object_id=str(world.zhang.party_profile.pk)
    ).exists()
    assert AuditLog.objects.filter(action="party_profile.create", actor=world.owner).count() == 1


def test_valid_rows_only_writes_valid_rows_and_returns_an_error_file(
    world, client_, run, tmp_path, django_capture_on_commit_callbacks
):
    rows = [
        person_row(工号="V0001", 姓名="甲", 公民身份号码=make_id("19910101")),
        person_row(工号="V0002", 姓名="乙", 公民身份号码="110105199101010000"),
        person_row(工号="V0003", 姓名="丙", 公民身份号码=make_id("19910101"), 联系电话="电话"),
        person_row(工号="V0004", 姓名="丁", 公民身份号码=make_id("19910101")),
    ]
    job = run(rows, valid_only=True)
    assert job.status == "done", job.message
    assert (job.created_count, job.updated_count) == (2, 0)
    assert set(
        Person.objects.filter(employee_no__startswith="V").values_list("employee_no", flat=True)
    ) == {"V0001", "V0004"}
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "公民身份号码"), (4, "联系电话")}
    page = client_.get(f"/people/import/{job.pk}/").content.decode()
    assert 'id="error-file-link"' in page and 'id="import-errors"' in page
    assert "第 3 行" in page and "校验码错误" in page
    response = client_.get(f"/people/import/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    error_path = tmp_path / "errors.xlsx"
    error_path.write_bytes(b"".join(response.streaming_content))
    sheet = openpyxl.load_workbook(error_path).active
    values = list(sheet.values)
    assert values[0][-1] == "错误原因"
    assert [row[0] for row in values[1:]] == ["V0002", "V0003"]
    assert "原第 3 行" in values[1][-1] and "校验码" in values[1][-1]
    assert "联系电话" in values[2][-1]
    assert AuditLog.objects.filter(action="people.import_error_file").count() == 1

    # Fix the two rows in the error file and import it as it is (its 错误原因 column is ignored).
    book = openpyxl.load_workbook(error_path)
    sheet = book.active
    sheet["E2"] = make_id("19910101")
    sheet["J3"] = "13900000003"
    book.save(error_path)
    upload(client_, error_path, django_capture_on_commit_callbacks)
    fixed = ImportJob.objects.order_by("-pk").first()
    assert fixed.status == "done", fixed.message
    assert fixed.created_count == 2
    assert Person.objects.filter(employee_no__startswith="V").count() == 4


def test_invalid_file_without_valid_rows_only_writes_nothing_but_offers_the_error_file(
    client_, run
):
    people, audits = Person.objects.count(), AuditLog.objects.count()
    job = run(
        [
            person_row(工号="V0001"),
            person_row(工号="V0002", 联系电话="电话", 公民身份号码=make_id("19910101")),
        ]
    )
    assert job.status == "invalid"
    assert "未导入任何数据" in job.message
    assert (Person.objects.count(), AuditLog.objects.count()) == (people, audits)
    page = client_.get(f"/people/import/{job.pk}/").content.decode()
    assert 'id="error-file-link"' in page and "联系电话格式不正确" in page


def test_two_organisations_of_one_name_are_told_apart_by_their_ancestors(world, run):
    org_services.create_org(None, parent=world.company_a, name="综合部", kind="department")
    inner = org_services.create_org(None, parent=world.dept_a, name="综合部", kind="department")
    job = run([person_row(工号="O1", 所在单位="示例集团/甲公司 / 甲公司综合部 /综合部")])
    assert job.status == "done", job.errors
    assert Person.objects.get(employee_no="O1").unit == inner
