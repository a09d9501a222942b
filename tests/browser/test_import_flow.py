import pytest

from dangqun.people.models import Person
from dangqun.people.tests.import_helpers import make_id, member_row, person_row, write_xlsx
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file_with_errors(tmp_path):
    good = person_row(**{"工号": "T0101", "姓名": "王小明"})
    wrong_checksum = person_row(
        **{"工号": "T0102", "姓名": "李小红", "公民身份号码": "110105199001011231"}
    )
    bad_date = member_row(
        **{
            "工号": "T0103",
            "姓名": "赵小刚",
            "公民身份号码": make_id(),
            "加入党组织日期": "2015-02-30",
        }
    )
    return write_xlsx(tmp_path / "人员名单.xlsx", [good, wrong_checksum, bad_date])


def test_import_a_file_with_errors_and_read_the_report(page, world, tmp_path):
    path = _file_with_errors(tmp_path)
    log_in(page, "owner")
    page.goto(page.base_url + "/people/")
    page.click("#import-link")
    page.wait_for_selector("#import-file")
    page.set_input_files("#import-file", str(path))
    page.click("#import-submit")
    page.wait_for_selector("#import-report")

    report = page.inner_text("#import-report")
    assert "未导入任何数据" in report
    errors = page.inner_text("#import-errors")
    assert "第 3 行" in errors and "公民身份号码" in errors and "校验码" in errors
    assert "第 4 行" in errors and "加入党组织日期" in errors
    assert page.is_visible("#error-file-link")
    assert not Person.objects.filter(employee_no__startswith="T01").exists()

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1


def test_import_only_the_valid_rows(page, world, tmp_path):
    path = _file_with_errors(tmp_path)
    log_in(page, "owner")
    page.goto(page.base_url + "/people/import/")
    page.set_input_files("#import-file", str(path))
    page.check("#valid-only")
    page.click("#import-submit")
    page.wait_for_selector("#import-report")

    assert page.inner_text("#count-created") == "1"
    assert "有错误的 2 行未导入" in page.inner_text("#import-message")
    with page.expect_download() as download:
        page.click("#error-file-link")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert list(
        Person.objects.filter(employee_no__startswith="T01").values_list("name", flat=True)
    ) == ["王小明"]
