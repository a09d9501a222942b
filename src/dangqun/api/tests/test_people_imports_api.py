"""People's import over the API: the template, starting a job, its status and its error file for
each kind of caller (the permission matrix), through the same services as the import pages (the
job creates people, its errors come back in Chinese, the error file's download is audited)."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.core.models import AuditLog
from dangqun.people.imports.rows import LABELS
from dangqun.people.models import ImportJob, Person
from dangqun.people.tests.import_helpers import make_id, person_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

IMPORTS = "/api/people/imports/"


def post_file(client, path, **options):
    """A multipart upload with the caller's token (``ApiClient.post`` sends JSON)."""
    with path.open("rb") as handle:
        return client.client.post(IMPORTS, {"file": handle, **options}, **client.headers)


def start(client, path, capture, **options):
    """Start a job and run it (the Huey task runs immediately in tests, after the commit)."""
    with capture(execute=True):
        response = post_file(client, path, **options)
    return response


@pytest.fixture
def job(world, api, tmp_path, django_capture_on_commit_callbacks):
    """A finished job of world.owner's with one bad row (so it has an error file)."""
    rows = [person_row(工号="J1"), person_row(工号="J2", 公民身份号码=make_id(), 联系电话="x")]
    response = start(
        api(world.owner), write_xlsx(tmp_path / "f.xlsx", rows), django_capture_on_commit_callbacks
    )
    assert response.status_code == 201, response.content
    return ImportJob.objects.get()


MATRIX = {
    # who: (the list, the template and a new upload; a job of the owner's; its error file)
    "anonymous": ((401, 403), (401, 403), (401, 403)),
    "member": ((403,), (403,), (403,)),
    "reader": ((403,), (403,), (403,)),
    "outsider": ((200, 201), (404,), (404,)),  # may import, but the job is not theirs
    "owner": ((200, 201), (200,), (200,)),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(world, api, job, tmp_path, who):
    start_codes, status_codes, error_codes = MATRIX[who]
    client = api(None if who == "anonymous" else getattr(world, who))
    assert client.get(IMPORTS).status_code in start_codes
    assert client.get(f"{IMPORTS}template/").status_code in start_codes
    upload = post_file(client, write_xlsx(tmp_path / "g.xlsx", [person_row(工号="K1")]))
    assert upload.status_code in start_codes
    assert ImportJob.objects.count() == (2 if upload.status_code == 201 else 1)
    assert client.get(f"{IMPORTS}{job.pk}/").status_code in status_codes
    assert client.get(f"{IMPORTS}{job.pk}/errors/").status_code in error_codes


def test_an_import_creates_people_and_reports_its_progress(
    world, api, tmp_path, django_capture_on_commit_callbacks
):
    client = api(world.owner)
    rows = [person_row(工号="N1", 姓名="新人甲"), person_row(工号="N2", 姓名="新人乙")]
    response = start(
        client, write_csv(tmp_path / "n.csv", rows), django_capture_on_commit_callbacks
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["file_name"] == "n.csv" and created["status"] == "pending"
    assert created["valid_rows_only"] is False
    data = client.get(f"{IMPORTS}{created['id']}/").json()
    assert (data["status"], data["status_name"], data["running"]) == ("done", "已完成", False)
    assert (data["total_rows"], data["created_count"], data["progress_percent"]) == (2, 2, 100)
    assert data["errors"] == [] and data["error_file_url"] is None
    assert set(
        Person.objects.filter(employee_no__in=["N1", "N2"]).values_list("name", flat=True)
    ) == {
        "新人甲",
        "新人乙",
    }
    assert [j["id"] for j in client.get(IMPORTS).json()] == [created["id"]]


def test_errors_come_back_in_chinese_and_nothing_is_written(world, api, job):
    client = api(world.owner)
    data = client.get(f"{IMPORTS}{job.pk}/").json()
    assert data["status"] == "invalid" and data["status_name"] == "有错误，未导入"
    assert data["errors"] == [{"row": 3, "column": "联系电话", "message": "联系电话格式不正确"}]
    assert not Person.objects.filter(employee_no__in=["J1", "J2"]).exists()
    assert data["error_file_url"] == f"{IMPORTS}{job.pk}/errors/"

    response = client.get(data["error_file_url"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    audit = AuditLog.objects.get(action="people.import_error_file")
    assert audit.actor == world.owner


def test_valid_rows_only_imports_the_good_rows(
    world, api, tmp_path, django_capture_on_commit_callbacks
):
    rows = [person_row(工号="V1"), person_row(工号="V2", 公民身份号码=make_id(), 联系电话="x")]
    response = start(
        api(world.owner),
        write_xlsx(tmp_path / "v.xlsx", rows),
        django_capture_on_commit_callbacks,
        valid_only="1",
    )
    assert response.json()["valid_rows_only"] is True
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, len(job.errors)) == ("done", 1, 1)
    assert Person.objects.filter(employee_no="V1").exists()


def test_an_upload_without_a_file_is_refused_in_chinese(world, api):
    client = api(world.owner)
    response = client.client.post(IMPORTS, {"valid_only": "1"}, **client.headers)
    assert response.status_code == 400
    assert response.json() == {"file": ["请选择要导入的文件"]}
    assert not ImportJob.objects.exists()


def test_rows_outside_the_scope_are_refused(
    world, api, tmp_path, django_capture_on_commit_callbacks
):
    """The outsider imports into their own company only: 甲公司's unit is not theirs."""
    start(
        api(world.outsider),
        write_xlsx(tmp_path / "o.xlsx", [person_row(工号="O1")]),
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.errors
    assert not Person.objects.filter(employee_no="O1").exists()


def test_missing_jobs_are_not_found(world, api):
    client = api(world.owner)
    assert client.get(f"{IMPORTS}999999/").status_code == 404
    assert client.get(f"{IMPORTS}999999/errors/").status_code == 404
    done = ImportJob.objects.create(
        created_by=world.owner, file_name="a.xlsx", stored_file="y.xlsx", status="done"
    )
    assert client.get(f"{IMPORTS}{done.pk}/errors/").status_code == 404


def test_the_template_is_the_pages(world, api):
    response = api(world.owner).get(f"{IMPORTS}template/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["人员"][1]] == LABELS


def test_the_list_of_jobs_takes_the_same_queries_for_one_or_many(world, api):
    client = api(world.owner)
    client.get("/api/people/imports/")  # the token's first use is written down once

    def jobs(n):
        for i in range(n):
            ImportJob.objects.create(
                created_by=world.owner,
                file_name=f"{i}.xlsx",
                status="invalid",
                errors=[{"row": 2, "column": "工号", "message": "请填写工号"}],
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/people/imports/")
        assert response.status_code == 200
        return len(queries)

    assert jobs(1) == jobs(5)


def test_an_oversize_upload_is_refused_while_it_streams_in(world, api, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 64 * 1024
    settings.DATA_DIR = tmp_path / "data"
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK\x03\x04" + b"\x00" * 200 * 1024)

    response = post_file(api(world.owner), big)

    assert response.status_code == 413  # the page says 413 too (it answered 400 here before)
    assert "超过了 0 MB 的上限" in response.json()["file"][0]
    assert not ImportJob.objects.exists()
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.xlsx"))
