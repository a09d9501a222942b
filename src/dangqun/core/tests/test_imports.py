"""The import machinery's own behaviour (``core.imports``), which neither import's tests reach:
how a job ends when its body refuses the file, crashes before or while writing, or waits for its
owner; chunked writes keeping the progress; the status partial's progress line in both wordings."""

import pytest
from django.template.loader import render_to_string

from dangqun.core.imports import run
from dangqun.core.imports.files import ImportFileError, import_dir
from dangqun.people.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(make_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (import_dir() / "upload.csv").write_text("a\n1\n")
    return ImportJob.objects.create(
        created_by=make_user("importer"), file_name="f.csv", stored_file="upload.csv"
    )


def interrupted(job):
    return f"已写入 {job.created_count}"


def test_a_refused_file_ends_the_job_as_invalid_and_is_deleted(job):
    def body(job, path):
        raise ImportFileError("文件不对")

    run.run_job(ImportJob, job.pk, body, interrupted=interrupted)
    job.refresh_from_db()
    assert (job.status, job.message) == ("invalid", "文件不对")
    assert job.errors == [{"row": None, "column": "", "message": "文件不对"}]
    assert job.finished_at is not None
    assert not (import_dir() / "upload.csv").exists()


@pytest.mark.parametrize("writing", [False, True])
def test_a_crash_ends_the_job_as_failed_saying_what_was_written(job, writing):
    def body(job, path):
        if writing:
            run.progress(job, status="importing", created_count=7)
        raise RuntimeError("database gone")

    run.run_job(ImportJob, job.pk, body, interrupted=interrupted)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message == ("已写入 7" if writing else run.INTERNAL_ERROR)
    assert not (import_dir() / "upload.csv").exists()


def test_a_job_waiting_for_its_owner_keeps_its_file_and_runs_once(job):
    calls = []

    def body(job, path):
        calls.append(path.read_text())
        return True  # waits (voices: for the mapping of unknown names)

    run.run_job(ImportJob, job.pk, body, interrupted=interrupted)
    run.run_job(ImportJob, job.pk, body, interrupted=interrupted)  # no longer pending: not run
    assert calls == ["a\n1\n"]
    assert (import_dir() / "upload.csv").exists()


def test_chunks_are_written_with_the_progress_after_each(job):
    seen = []

    def write(chunk):
        seen.append(list(chunk))
        return {"created_count": sum(len(c) for c in seen)}

    run.write_in_chunks(job, list(range(5)), 2, write, done_before=3)
    job.refresh_from_db()
    assert seen == [[0, 1], [2, 3], [4]]
    assert (job.processed_rows, job.created_count) == (8, 5)


@pytest.mark.parametrize(
    "status, total, by_step, line",
    [
        ("pending", 0, False, "正在读取文件…"),
        ("validating", 10, False, "已处理 3 / 10 行"),
        ("pending", 0, True, "排队中…"),
        ("validating", 0, True, "正在读取文件…"),
        ("validating", 10, True, "已校验 3 / 10 行"),
        ("importing", 10, True, "已处理 3 / 10 行"),
    ],
)
def test_the_progress_line_names_the_step_only_when_the_kind_says_so(
    job, status, total, by_step, line
):
    job.status, job.total_rows, job.processed_rows = status, total, 3
    html = render_to_string(
        "imports/_status.html",
        {
            "job": job,
            "running": job.running,
            "progress_by_step": by_step,
            "status_url": "people:import_status",
            "errors_url": "people:import_errors",
        },
    )
    assert line in html and 'hx-trigger="every 1s"' in html
