"""志愿服务证明 over the API (issue #16 §5): one's own, an organiser's for a person, the PDF, and
who may see which — the same actions, rules and audit as the pages."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from rest_framework.test import APIClient

from dangqun.accounts.services import create_token
from dangqun.activities.certificate_models import Certificate
from dangqun.activities.tests.served import serve
from dangqun.core.models import AuditLog

TODAY = dt.date.today()
MONTH_AGO = TODAY - dt.timedelta(days=30)
PERIOD = {"starts_on": MONTH_AGO.isoformat(), "ends_on": TODAY.isoformat()}


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(None, user, 'test')}")
    return client


@pytest.fixture
def served(world, organiser, make_activity, employee):
    return serve(world, organiser, make_activity, employee)


def test_a_volunteer_asks_for_their_own_and_downloads_it(world, served, employee):
    api = client_for(employee(world.zhang))
    made = api.post("/api/activities/certificates/", PERIOD, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["hours"] == "3.0" and body["person_name"] == "张三" and len(body["code"]) > 10
    listed = api.get("/api/activities/certificates/").json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    pdf = api.get(f"/api/activities/certificates/{body['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "3.0" in text and body["code"] in text.replace(" ", "")
    assert AuditLog.objects.filter(action="activity.certificate_download").count() == 1


def test_an_organiser_issues_for_a_person_in_their_organisations_name(
    world, served, organiser, employee
):
    data = {**PERIOD, "employee_no": "A0001", "org": world.committee_a.pk}
    made = client_for(organiser).post("/api/activities/certificates/", data, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["issuer_name"] == "甲公司党委"
    # an employee without the organiser's role cannot issue for anyone
    refused = client_for(employee(world.wang)).post(
        "/api/activities/certificates/", data, format="json"
    )
    assert refused.status_code == 403
    assert Certificate.objects.count() == 1


def test_others_see_nothing_and_bad_periods_write_nothing(world, served, employee):
    own = client_for(employee(world.zhang))
    pk = own.post("/api/activities/certificates/", PERIOD, format="json").json()["id"]
    stranger = client_for(employee(world.wang))
    assert stranger.get(f"/api/activities/certificates/{pk}/").status_code == 404
    assert stranger.get(f"/api/activities/certificates/{pk}/pdf/").status_code == 404
    assert client_for(world.outsider).get(f"/api/activities/certificates/{pk}/").status_code == 404
    backwards = {"starts_on": TODAY.isoformat(), "ends_on": MONTH_AGO.isoformat()}
    refused = own.post("/api/activities/certificates/", backwards, format="json")
    assert refused.status_code == 400 and any(
        "日期" in message for messages in refused.json().values() for message in messages
    )
    assert Certificate.objects.count() == 1


def test_withdrawing_over_the_api(world, served, organiser, employee):
    data = {**PERIOD, "employee_no": "A0001", "org": world.committee_a.pk}
    pk = (
        client_for(organiser)
        .post("/api/activities/certificates/", data, format="json")
        .json()["id"]
    )
    url = f"/api/activities/certificates/{pk}/withdraw/"
    holder = client_for(employee(world.zhang))
    assert holder.post(url, {"reason": "不要了"}, format="json").status_code == 403
    empty = client_for(organiser).post(url, {"reason": ""}, format="json")
    assert empty.status_code == 400 and empty.json() == {"reason": ["请填写作废原因"]}
    done = client_for(organiser).post(url, {"reason": "工号填错"}, format="json")
    assert done.status_code == 200
    assert done.json()["withdrawn_reason"] == "工号填错" and done.json()["withdrawn_at"]
    refused = holder.get(f"/api/activities/certificates/{pk}/pdf/")
    assert refused.status_code == 400 and "已作废" in str(refused.json())
    again = client_for(organiser).post(url, {"reason": "再次"}, format="json")
    assert again.status_code == 400 and "已经作废" in str(again.json())
    assert AuditLog.objects.filter(action="activity.certificate_withdraw").count() == 1
