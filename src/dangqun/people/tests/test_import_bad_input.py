"""Bad input: each gives a clear Chinese error and writes nothing (no person, no audit row)."""

import datetime
import zipfile

import pytest

from conftest import VALID_IDS
from dangqun.core.imports.files import ImportFileError
from dangqun.core.models import AuditLog
from dangqun.orgs import services as org_services
from dangqun.people.imports.read import read_table
from dangqun.people.imports.rows import LABELS
from dangqun.people.models import ImportJob, Person
from dangqun.people.tests.import_helpers import (
    make_id,
    member_row,
    person_row,
    upload,
    write_csv,
    write_xlsx,
)


@pytest.fixture
def refused(client_, tmp_path, django_capture_on_commit_callbacks):
    """Upload a file that must be refused; check that nothing was written; return the job."""

    def do(path, *, valid_only=False):
        people, audits = Person.objects.count(), AuditLog.objects.count()
        response = upload(client_, path, django_capture_on_commit_callbacks, valid_only=valid_only)
        assert (Person.objects.count(), AuditLog.objects.count()) == (people, audits)
        assert response.status_code == 302
        job = ImportJob.objects.order_by("-pk").first()
        assert job.status == "invalid", job.message
        page = client_.get(response["Location"]).content.decode()
        assert 'id="import-report"' in page
        return job

    return do


def messages_of(job) -> str:
    return " ".join(f"{e['row']}|{e['column']}|{e['message']}" for e in job.errors)


def test_wrong_id_checksum(refused, tmp_path):
    job = refused(write_xlsx(tmp_path / "f.xlsx", [person_row(公民身份号码="110105199001011231")]))
    assert job.errors == [
        {
            "row": 2,
            "column": "公民身份号码",
            "message": "公民身份号码校验码错误（GB 11643-1999，ISO 7064 MOD 11-2）",
        }
    ]


def test_id_number_typed_as_a_number_is_refused(refused, tmp_path):
    job = refused(write_xlsx(tmp_path / "f.xlsx", [person_row(公民身份号码=110105199001011232)]))
    assert "文本格式" in messages_of(job) and "2|公民身份号码|" in messages_of(job)


def test_duplicate_id_numbers_and_employee_numbers_in_one_file(refused, tmp_path):
    same_id = make_id("19930303")
    rows = [
        person_row(工号="D0001", 公民身份号码=same_id),
        person_row(工号="D0002", 公民身份号码=same_id),
        person_row(工号="D0003", 公民身份号码=make_id("19930303")),
        person_row(工号="D0003", 公民身份号码=make_id("19930303")),
    ]
    job = refused(write_xlsx(tmp_path / "f.xlsx", rows))
    text = messages_of(job)
    assert "2|公民身份号码|与第 3 行的公民身份号码重复" in text
    assert "3|公民身份号码|与第 2 行的公民身份号码重复" in text
    assert "4|工号|与第 5 行的工号重复" in text and "5|工号|与第 4 行的工号重复" in text


def test_id_number_of_another_employee_in_the_database(world, refused, tmp_path):
    job = refused(
        write_xlsx(tmp_path / "f.xlsx", [person_row(工号="A0003", 公民身份号码=VALID_IDS[1])])
    )
    assert "2|工号|该工号已被其他人员使用" in messages_of(job)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("2020-02-30", "日期“2020-02-30”不存在"),
        ("2019/13/1", "日期“2019/13/1”不存在"),
        ("20200231", "日期“20200231”不存在"),
        ("去年", "无法识别的日期“去年”"),
        (datetime.date(2999, 1, 1), "不能晚于今天"),
    ],
)
def test_impossible_dates(refused, tmp_path, cell, reason):
    job = refused(write_xlsx(tmp_path / "f.xlsx", [member_row(加入党组织日期=cell)]))
    assert "2|加入党组织日期|" in messages_of(job)
    assert reason in messages_of(job)


def test_birth_date_disagreeing_with_the_id_number(refused, tmp_path):
    job = refused(
        write_xlsx(
            tmp_path / "f.xlsx",
            [person_row(出生日期="1990-01-02", 公民身份号码=make_id("19900101"))],
        )
    )
    assert "2|出生日期|出生日期 1990-01-02 与公民身份号码中的 1990-01-01 不一致" in messages_of(job)


def test_missing_and_renamed_columns(refused, tmp_path):
    header = [label for label in LABELS if label not in ("家庭住址", "团组织")]
    header[header.index("联系电话")] = "手机号"
    job = refused(write_xlsx(tmp_path / "f.xlsx", [person_row()], header=header))
    assert "缺少列：联系电话、家庭住址、团组织" in job.message
    assert "无法识别的列：手机号" in job.message
    assert "第 1 行（表头）" in job.message


def test_merged_cells(refused, tmp_path):
    def merge(book, sheet):
        sheet.merge_range("H2:H3", "甲公司综合部")

    rows = [person_row(工号="M1"), person_row(工号="M2", 公民身份号码=make_id("19930303"))]
    job = refused(write_xlsx(tmp_path / "f.xlsx", rows, prepare=merge))
    assert "合并单元格（H2:H3）" in job.message


def test_formulas(refused, tmp_path):
    def formula(book, sheet):
        sheet.write_formula("J2", '="1390000"&"0001"', None, "13900000001")
        sheet.write_formula("I3", '=UPPER("a")', None, "A")

    rows = [person_row(工号="F1"), person_row(工号="F2", 公民身份号码=make_id("19930303"))]
    job = refused(write_xlsx(tmp_path / "f.xlsx", rows, prepare=formula))
    assert "文件中有公式（J2、I3）" in job.message
    assert "选择性粘贴" in job.message


def test_empty_file(refused, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "文件是空的" in refused(path).message


def test_workbook_without_rows_and_with_header_only(refused, tmp_path):
    assert "没有任何内容" in refused(write_xlsx(tmp_path / "a.xlsx", [], header=[])).message
    assert "只有表头，没有数据行" in refused(write_xlsx(tmp_path / "b.xlsx", [])).message
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("\n\n", encoding="utf-8")
    assert "没有任何内容" in refused(csv_path).message


def test_non_excel_file_renamed_xlsx(refused, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n" + b"x" * 2000)
    assert "不是有效的 Excel（.xlsx）文件" in refused(path).message
    zipped = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert "不是有效的 Excel（.xlsx）文件" in refused(zipped).message


def test_legacy_xls_renamed_xlsx(refused, tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4000)
    assert "旧版 Excel（.xls）" in refused(path).message


def test_other_file_types(refused, tmp_path):
    path = tmp_path / "people.txt"
    path.write_text("工号,姓名\n", encoding="utf-8")
    assert "只能导入 Excel（.xlsx）或 CSV（.csv）文件" in refused(path).message


def test_binary_file_renamed_csv(refused, tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 10)
    assert "不是文本格式的 CSV 文件" in refused(path).message


def test_a_50_mb_file_is_refused_before_it_is_stored(client_, tmp_path, settings):
    people, audits, jobs = (
        Person.objects.count(),
        AuditLog.objects.count(),
        ImportJob.objects.count(),
    )
    stored = settings.DATA_DIR / "imports"
    files = set(stored.iterdir()) if stored.exists() else set()
    path = tmp_path / "big.xlsx"
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(50 * 1024 * 1024)
    with path.open("rb") as handle:
        response = client_.post("/people/import/", {"file": handle})
    assert response.status_code == 413
    page = response.content.decode()
    assert 'id="import-upload-error"' in page and "超过了 20 MB 的上限" in page
    assert (Person.objects.count(), AuditLog.objects.count(), ImportJob.objects.count()) == (
        people,
        audits,
        jobs,
    )
    assert (set(stored.iterdir()) if stored.exists() else set()) == files


def test_the_reader_checks_the_size_before_reading(tmp_path, settings):
    """Files that reach the job another way are refused before anything is parsed."""
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 4096)
    settings.IMPORT_MAX_BYTES = 1024
    with pytest.raises(ImportFileError, match="超过了 0 MB 的上限"):
        read_table(path, "f.xlsx")


def test_unknown_and_ambiguous_organisations(world, refused, tmp_path):
    org_services.create_org(None, parent=world.company_a, name="综合部", kind="department")
    org_services.create_org(None, parent=world.dept_a, name="综合部", kind="department")
    rows = [
        person_row(工号="O1", 所在单位="综合部"),
        person_row(工号="O2", 所在单位="乙公司生产部", 公民身份号码=make_id("19930303")),
        person_row(工号="O3", 所在单位="甲公司综合部党支部", 公民身份号码=make_id("19930303")),
    ]
    job = refused(write_xlsx(tmp_path / "f.xlsx", rows))
    text = messages_of(job)
    assert (
        "有 2 个组织都叫“综合部”（示例集团 / 甲公司 / 甲公司综合部 / 综合部；示例集团 / 甲公司 / 综合部），"
        "无法确定是哪一个；请改填带上级组织的名称，如“示例集团 / 甲公司 / 甲公司综合部 / 综合部”"
        in text
    )
    assert "3|所在单位|找不到名为“乙公司生产部”的组织，或该组织不在您的管理范围内" in text
    assert "4|所在单位|所在单位必须是行政组织" in text


def test_people_outside_the_scope_cannot_be_changed(world, refused, tmp_path):
    job = refused(write_xlsx(tmp_path / "f.xlsx", [person_row(工号="B0001", 公民身份号码="")]))
    assert "2|工号|对应的人员不在您的管理范围内" in messages_of(job)


def test_party_rules_from_the_services_and_the_status_check(world, refused, tmp_path):
    rows = [
        member_row(工号="P1", 所在党支部=""),
        member_row(
            工号="P2",
            公民身份号码=make_id("20100101"),
            加入党组织日期="2020-01-01",
            转为正式党员日期="2021-01-01",
        ),
        member_row(工号="P3", 公民身份号码=make_id("19800101"), 转为正式党员日期=""),
        member_row(工号="P4", 公民身份号码=make_id("19800101"), 政治面貌="中共预备党员"),
        person_row(工号="P5", 公民身份号码=make_id("19800101"), 所在党支部="甲公司综合部党支部"),
        person_row(工号="A0001", 公民身份号码="", 政治面貌="群众"),
    ]
    text = messages_of(refused(write_xlsx(tmp_path / "f.xlsx", rows)))
    assert "2|所在党支部|请选择所在党支部" in text
    assert "3|加入党组织日期|加入党组织时未满 18 周岁" in text
    assert "4|转为正式党员日期|政治面貌为中共党员，请填写转为正式党员日期" in text
    assert "5|转为正式党员日期|政治面貌为中共预备党员，不应填写转为正式党员日期" in text
    assert "6|政治面貌|填写了所在党支部，但政治面貌不是中共党员或中共预备党员" in text
    assert "7|政治面貌|该人员是在册党员" in text


def test_bad_choices_lengths_and_phone(refused, tmp_path):
    rows = [
        person_row(性别="未知", 公民身份号码="", 学历="小学", 姓名="名" * 51, 联系电话="打电话")
    ]
    text = messages_of(refused(write_xlsx(tmp_path / "f.xlsx", rows)))
    assert "2|性别|“未知”不是可选的值（可选：男、女）" in text
    assert "2|学历|“小学”不是可选的值" in text
    assert "2|姓名|不能超过 50 个字" in text
    assert "2|联系电话|联系电话格式不正确" in text


def test_csv_in_an_unknown_encoding(refused, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("工号,姓名\n".encode("utf-16"))
    job = refused(path)
    assert "文字编码" in job.message or "不是文本格式" in job.message


def test_row_numbers_follow_excel_when_rows_are_blank_or_the_table_starts_lower(refused, tmp_path):
    path = tmp_path / "f.csv"
    write_csv(path, [person_row(工号="R1"), {}, person_row(工号="R2", 联系电话="x")])
    text = "\n\n" + path.read_text(encoding="utf-8-sig")
    path.write_text(text, encoding="utf-8")
    job = refused(path)
    assert "6|联系电话|联系电话格式不正确" in messages_of(job)


@pytest.mark.parametrize(
    "cells, column",
    [({"出生日期": "1991-05-05"}, "出生日期"), ({"性别": "女"}, "性别")],
)
def test_birth_date_or_sex_against_the_stored_id_number(world, refused, tmp_path, cells, column):
    """A row without an ID number still may not contradict the number on record (王五's)."""
    row = person_row(工号="A0003", 姓名="王五", 公民身份号码="", 政治面貌="", **cells)
    job = refused(write_xlsx(tmp_path / "f.xlsx", [row]))
    assert f"2|{column}|{column}与该人员已登记的公民身份号码不一致" in messages_of(job)
    world.wang.refresh_from_db()
    assert (world.wang.gender, world.wang.birth_date) != ("F", datetime.date(1991, 5, 5))
