"""发展党员's documents over the API: a document's download and the dossier zip for each kind of
caller (the permission matrix), through the same services as the case page (the dossier audited),
and the case detail listing its documents with their API addresses."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangqun.core import uploads
from dangqun.core.models import AuditLog
from dangqun.development import opening, recording
from dangqun.development.tests.conftest import DATES

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "reader", "owner", "applicant"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def secretary(world, make_user):
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


def png(name="谈话记录.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def case(world, secretary):
    """王五's case, the talk done (step ②) and its record filed."""
    case = opening.open_case(secretary, world.wang, world.branch_a, DATES[1])
    case = recording.record_step(secretary, case, 2, DATES[2])
    recording.add_files(secretary, case, 2, uploads.check_all([png()]))
    return case


def caller(world, make_user, api, who):
    if who == "anonymous":
        return api(None)
    if who == "applicant":
        return api(make_user("wang", person=world.wang))
    return api(getattr(world, who))


@pytest.mark.parametrize(
    "who, file, dossier",
    [
        ("anonymous", (401, 403), (401, 403)),
        ("outsider", (404,), (404,)),  # another company's 党委: outside the scope
        ("reader", (200,), (403,)),  # reads the case as party work, may not export
        ("owner", (200,), (200,)),  # the 党委 above
        ("applicant", (404,), (403,)),  # sees their steps, not the file
    ],
)
def test_who_downloads_what(world, make_user, api, case, who, file, dossier):
    client = caller(world, make_user, api, who)
    row = case.files.get()
    base = f"/api/development/cases/{case.pk}/"
    assert client.get(f"{base}files/{row.pk}/").status_code in file
    assert client.get(f"{base}dossier/").status_code in dossier


def test_missing_documents_and_cases_are_not_found(world, api, case):
    client = api(world.owner)
    assert client.get(f"/api/development/cases/{case.pk}/files/999999/").status_code == 404
    assert client.get("/api/development/cases/999999/dossier/").status_code == 404
    assert client.get("/api/development/cases/999999/files/1/").status_code == 404


def test_a_document_downloads_as_on_the_page(world, api, case):
    row = case.files.get()
    response = api(world.owner).get(f"/api/development/cases/{case.pk}/files/{row.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_dossier_is_a_zip_and_audited(world, api, case):
    response = api(world.owner).get(f"/api/development/cases/{case.pk}/dossier/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = bundle.namelist()
    assert names[0] == "00-目录.pdf" and len(names) == 2
    audit = AuditLog.objects.get(action="development.dossier")
    assert audit.actor == world.owner
    assert api(world.reader).get(f"/api/development/cases/{case.pk}/dossier/").status_code == 403
    assert AuditLog.objects.filter(action="development.dossier").count() == 1


def test_the_case_detail_lists_its_documents_with_their_api_address(world, make_user, api, case):
    row = case.files.get()
    data = api(world.owner).get(f"/api/development/cases/{case.pk}/").json()
    assert data["files"] == [
        {
            "id": row.pk,
            "step": 2,
            "name": "谈话记录.png",
            "content_type": "image/png",
            "size": row.size,
            "uploaded_at": data["files"][0]["uploaded_at"],
            "url": f"/api/development/cases/{case.pk}/files/{row.pk}/",
        }
    ]
    assert api(world.owner).get(data["files"][0]["url"]).status_code == 200
    own = api(make_user("wang", person=world.wang)).get(f"/api/development/cases/{case.pk}/")
    assert own.json()["files"] == []  # the applicant sees the steps, not the file
