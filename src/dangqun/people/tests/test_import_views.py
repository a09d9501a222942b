"""Import pages: permission matrix, the template, HTMX progress partial, pinned query counts."""

import io

import openpyxl
import pytest
from django.test import Client

from dangqun.people.imports.rows import LABELS
from dangqun.people.models import ImportJob
from dangqun.people.tests.import_helpers import (
    make_id,
    person_row,
    upload,
    write_xlsx,
)


@pytest.fixture
def job(world, client, tmp_path, django_capture_on_commit_callbacks):
    """A finished job of world.owner's with one bad row (so it has an error file)."""
    client.force_login(world.owner)
    rows = [person_row(工号="J1"), person_row(工号="J2", 公民身份号码=make_id(), 联系电话="x")]
    upload(client, write_xlsx(tmp_path / "f.xlsx", rows), django_capture_on_commit_callbacks)
    client.logout()
    return ImportJob.objects.get()


def user_of(world, who):
    return None if who == "anonymous" else getattr(world, who)


MATRIX = {
    # who: (start page and template, a job of the owner's, its error file)
    "anonymous": (302, 302, 302),
    "member": (403, 403, 403),
    "reader": (403, 403, 403),
    "auditor": (403, 403, 403),
    "outsider": (200, 404, 404),
    "owner": (200, 200, 200),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(world, client, job, who):
    start, status, errors = MATRIX[who]
    user = user_of(world, who)
    if user is not None:
        client.force_login(user)
    assert client.get("/people/import/").status_code == start
    assert client.get("/people/import/template.xlsx").status_code == start
    assert client.get(f"/people/import/{job.pk}/").status_code == status
    assert client.get(f"/people/import/{job.pk}/errors.xlsx").status_code == errors


@pytest.mark.parametrize("who", ["anonymous", "member", "reader"])
def test_upload_is_refused_without_the_capability(world, client, tmp_path, who):
    user = user_of(world, who)
    if user is not None:
        client.force_login(user)
    with write_xlsx(tmp_path / "f.xlsx", [person_row()]).open("rb") as handle:
        response = client.post("/people/import/", {"file": handle})
    assert response.status_code == (302 if user is None else 403)
    assert not ImportJob.objects.exists()


def test_upload_needs_the_csrf_token(world, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    with write_xlsx(tmp_path / "f.xlsx", [person_row()]).open("rb") as handle:
        response = client.post("/people/import/", {"file": handle})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_upload_without_a_file(world, login):
    response = login(world.owner).post("/people/import/", {})
    assert response.status_code == 400
    assert "请选择要导入的文件" in response.content.decode()


def test_start_page_has_the_form_and_recent_jobs(world, login, job):
    page = login(world.owner).get("/people/import/").content.decode()
    for element in (
        'id="import-file"',
        'id="valid-only"',
        'id="import-submit"',
        'id="template-link"',
    ):
        assert element in page
    assert "f.xlsx" in page and "<script>" not in page


def test_template_has_the_columns_and_an_explanation_sheet(world, login):
    response = login(world.owner).get("/people/import/template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["人员", "填写说明", "可选组织"]
    assert [c.value for c in book["人员"][1]] == LABELS
    guide = {row[0]: row for row in book["填写说明"].iter_rows(values_only=True)}
    assert guide["性别"][3] == "男、女"
    assert "中共党员" in guide["政治面貌"][3]
    orgs = [row[2] for row in book["可选组织"].iter_rows(min_row=2, values_only=True)]
    assert "甲公司综合部" in orgs and "甲公司综合部党支部" in orgs
    assert "乙公司生产部" not in orgs  # outside the owner's scope


def test_the_template_imports_once_filled_in(
    world, client, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(world.owner)
    path = tmp_path / "template.xlsx"
    path.write_bytes(client.get("/people/import/template.xlsx").content)
    book = openpyxl.load_workbook(path)
    sheet = book["人员"]
    values = person_row(工号="TPL1", 公民身份号码=make_id("19950505"))
    for col, label in enumerate(LABELS, start=1):
        if values[label]:
            sheet.cell(row=2, column=col, value=values[label])
    book.save(path)
    upload(client, path, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "done", job.message
    assert job.created_count == 1


def test_running_job_polls_and_finished_job_stops(world, login):
    client = login(world.owner)
    running = ImportJob.objects.create(
        created_by=world.owner,
        file_name="big.xlsx",
        stored_file="x.xlsx",
        status="importing",
        total_rows=200,
        processed_rows=50,
    )
    page = client.get(f"/people/import/{running.pk}/").content.decode()
    assert 'id="import-progress"' in page and 'hx-trigger="every 1s"' in page
    assert 'value="50"' in page and "25%" in page
    partial = client.get(
        f"/people/import/{running.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.lstrip().startswith('<div id="import-status"')
    assert "<html" not in partial
    ImportJob.objects.filter(pk=running.pk).update(status="done", processed_rows=200)
    partial = client.get(
        f"/people/import/{running.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="import-report"' in partial and "hx-trigger" not in partial


def test_error_file_is_404_when_there_is_none(world, login):
    done = ImportJob.objects.create(
        created_by=world.owner, file_name="a.xlsx", stored_file="y.xlsx", status="done"
    )
    assert login(world.owner).get(f"/people/import/{done.pk}/errors.xlsx").status_code == 404


def test_status_page_query_counts(world, login, job, django_assert_num_queries):
    client = login(world.owner)
    client.get("/")  # settle the session's idle-timeout write
    # session, user, grants (scope), job, the bell's unread count
    with django_assert_num_queries(5):
        assert client.get(f"/people/import/{job.pk}/").status_code == 200
    with django_assert_num_queries(4):
        response = client.get(f"/people/import/{job.pk}/", headers={"HX-Request": "true"})
        assert response.status_code == 200


def test_start_page_query_count(world, login, job, django_assert_num_queries):
    client = login(world.owner)
    client.get("/")
    # session, user, grants (scope), recent jobs, the bell's unread count
    with django_assert_num_queries(5):
        assert client.get("/people/import/").status_code == 200


def test_error_files_are_swept_thirty_days_after_the_import(world, login, job):
    """The nightly task deletes an error file 30 days after its job finished and clears the
    job's ``stored_file``: the page stops offering it and says why; younger ones stay."""
    import datetime

    from django.utils import timezone

    from dangqun.core.imports.files import error_file_path
    from dangqun.people.tasks import sweep_import_error_files

    path = error_file_path(job)
    assert path.exists() and job.has_error_file
    young = ImportJob.objects.create(
        created_by=world.owner, file_name="b.xlsx", stored_file="young.xlsx", status="invalid"
    )
    young_path = error_file_path(young)
    young_path.write_bytes(b"PK")
    now = timezone.now()
    ImportJob.objects.filter(pk=young.pk).update(
        errors=job.errors, finished_at=now - datetime.timedelta(days=29)
    )
    assert sweep_import_error_files.call_local() == 0
    assert path.exists() and young_path.exists()

    ImportJob.objects.filter(pk=job.pk).update(finished_at=now - datetime.timedelta(days=31))
    assert sweep_import_error_files.call_local() == 1
    assert not path.exists() and young_path.exists()
    job.refresh_from_db()
    assert job.stored_file == "" and not job.has_error_file and job.errors  # the list stays
    client = login(world.owner)
    page = client.get(f"/people/import/{job.pk}/").content.decode()
    assert 'id="error-file-link"' not in page and "错误文件已超过保留期限（30 天）" in page
    assert client.get(f"/people/import/{job.pk}/errors.xlsx").status_code == 404
    assert ImportJob.objects.get(pk=young.pk).has_error_file
    assert sweep_import_error_files.call_local() == 0  # nothing left to sweep
