"""The import of past voices over the API (``/api/voices/import/``): who may, a job with its
progress and row errors, unknown names mapped, the error file and the template, as the pages."""

import io

import openpyxl
import pytest

from dangqun.core.models import AuditLog
from dangqun.voices import categories
from dangqun.voices.models import Voice, VoiceImportJob
from dangqun.voices.tests.test_import import csv_file, message, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(world, make_user):
    return {
        "anonymous": None,
        "outsider": world.outsider,
        "reader": world.reader,
        "handler": make_user("handler", role="handler", org=world.dept_a),
        "mass": make_user("mass", role="mass_admin", org=world.company_a),
        "mass_b": make_user("mass_b", role="mass_admin", org=world.company_b),
        "group_mass": make_user("group_mass", role="mass_admin", org=world.group),
    }


@pytest.fixture
def canteen(world, users):
    return categories.save_category(
        users["mass"], None, {"name": "食堂", "handling_org": world.dept_a, "urgency": "normal"}
    )


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def post(client, upload, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return client.client.post(
                "/api/voices/import/", {"file": upload, **options}, **client.headers
            )

    return post


@pytest.mark.parametrize(
    "role, status, created",
    [
        ("anonymous", 401, 0),
        ("outsider", 403, 0),
        ("reader", 403, 0),
        ("handler", 403, 0),
        ("mass", 201, 1),
        ("mass_b", 201, 0),  # company B's admin: the row's unit is not theirs (a row error)
        ("group_mass", 201, 1),
    ],
)
def test_who_imports_voices(api, users, canteen, upload, role, status, created):
    response = upload(api(users[role]), csv_file([row("H-1")]))
    assert response.status_code == status, response.content.decode()
    assert Voice.objects.count() == created
    if status == 201:
        job = api(users[role]).get(f"/api/voices/import/{response.json()['id']}/").json()
        assert job["status"] == ("done" if created else "invalid")


def test_a_job_reports_row_errors_then_imports_once(
    api, users, canteen, upload, django_capture_on_commit_callbacks
):
    client = api(users["mass"])
    bad = [row("H-1"), row("H-2", 反映单位="不存在的单位"), row("H-3", 提交时间="昨天")]
    job = client.get(f"/api/voices/import/{upload(client, csv_file(bad)).json()['id']}/").json()
    # the unknown unit is asked for first
    assert job["status"] == "mapping" and job["unknown"]["unit"][0]["name"] == "不存在的单位"
    mapped = client.post(
        f"/api/voices/import/{job['id']}/mapping/", {"unit": {"不存在的单位": users["mass"].pk}}
    )
    assert mapped.status_code == 400 and "不存在的单位" in str(mapped.json()["mapping"])
    unit = users["mass"].grants.first().org  # 甲公司, within the importer's scope
    with django_capture_on_commit_callbacks(execute=True):
        mapped = client.post(
            f"/api/voices/import/{job['id']}/mapping/", {"unit": {"不存在的单位": unit.pk}}
        )
    assert mapped.status_code == 200, mapped.content.decode()
    job = client.get(f"/api/voices/import/{job['id']}/").json()
    assert job["status"] == "invalid" and not Voice.objects.exists()
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(4, "提交时间")]
    errors = client.get(job["error_file_url"])
    assert errors.status_code == 200 and errors["Content-Type"].startswith("application/vnd")
    assert AuditLog.objects.filter(action="voice.import_error_file").count() == 1

    first = upload(client, csv_file([row("H-1"), message()])).json()
    assert first["status"] == "pending"  # the answer comes before the job runs
    first = client.get(f"/api/voices/import/{first['id']}/").json()
    assert (first["created_count"], first["history_count"]) == (2, 1)
    again = upload(client, csv_file([row("H-1"), message()])).json()
    again = client.get(f"/api/voices/import/{again['id']}/").json()
    assert (again["created_count"], again["unchanged_count"]) == (0, 2)
    assert [j["id"] for j in client.get("/api/voices/import/").json()][:2] == [
        again["id"],
        first["id"],
    ]
    no_file = client.client.post("/api/voices/import/", {}, **client.headers)
    assert no_file.status_code == 400 and no_file.json() == {"file": ["请选择要导入的文件"]}


def test_jobs_are_their_owners(api, users, canteen, upload):
    job = upload(api(users["mass"]), csv_file([row("H-1")])).json()
    other = api(users["group_mass"])
    assert other.get(f"/api/voices/import/{job['id']}/").status_code == 404
    assert other.post(f"/api/voices/import/{job['id']}/mapping/", {}).status_code == 404
    assert api(users["handler"]).get(f"/api/voices/import/{job['id']}/").status_code == 403
    assert VoiceImportJob.objects.count() == 1


@pytest.mark.parametrize(
    "role, status",
    [("anonymous", 401), ("outsider", 403), ("reader", 403), ("handler", 403), ("mass", 200)],
)
def test_the_import_template_is_the_pages(api, users, role, status):
    response = api(users[role]).get("/api/voices/import/template/")
    assert response.status_code == status
    if status == 200:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        assert header[:2] == ["编号", "提交时间*"]
    elif status == 403:
        assert response.json()["detail"] == "您无权导入群众呼声"


def test_submit_and_suggest_take_long_untitled_text(api, users, world, canteen):
    client = api(world.member)
    body = "宿舍热水不稳定。" + "水" * 12_000
    created = client.post("/api/voices/", {"title": "热水", "content": body})
    assert created.status_code == 201, created.content.decode()
    assert len(Voice.objects.get().content) == len(body)
    suggested = client.post("/api/voices/suggest/", {"content": body})
    assert suggested.status_code == 200, suggested.content.decode()
    empty = client.post("/api/voices/suggest/", {"title": "", "content": ""})
    assert empty.status_code == 400
    too_long = client.post("/api/voices/", {"title": "热水", "content": "水" * 50_001})
    assert too_long.status_code == 400 and "50000" in str(too_long.json()["content"])


def test_an_oversize_upload_is_refused_while_it_streams_in(api, users, upload, settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 64 * 1024
    settings.DATA_DIR = tmp_path
    big = csv_file([row(f"H-{n}", 内容="食堂排队" * 200) for n in range(100)])  # ~250 KB

    response = upload(api(users["mass"]), big)

    assert response.status_code == 413
    assert "超过了 0 MB 的上限" in response.json()["file"][0]
    assert not VoiceImportJob.objects.exists()
    assert not any(tmp_path.rglob("*.csv"))  # never stored
