"""The OpenAPI schema (valid, complete, with the token scheme) and the offline docs page."""

import io
import re
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from dangqun.accounts.services import create_token

EXPECTED_OPERATIONS = {
    ("/api/notices/", "get"),
    ("/api/notices/{id}/open/", "post"),
    ("/api/notices/read-all/", "post"),
    ("/api/notices/push/", "get"),
    ("/api/notices/push/", "post"),
    ("/api/audit/", "get"),
    ("/api/accounts/", "get"),
    ("/api/accounts/", "post"),
    ("/api/accounts/{id}/", "get"),
    ("/api/accounts/{id}/{step}/", "post"),
    ("/api/accounts/{id}/grants/{grant_pk}/revoke/", "post"),
    ("/api/orgs/", "get"),
    ("/api/orgs/{id}/", "get"),
    ("/api/orgs/findings/", "get"),
    ("/api/orgs/{id}/{step}/", "post"),
    ("/api/orgs/{id}/posts/{post_pk}/end/", "post"),
    ("/api/people/", "get"),
    ("/api/people/", "post"),
    ("/api/people/{id}/", "get"),
    ("/api/people/{id}/", "patch"),
    ("/api/people/{id}/party-profile/", "get"),
    ("/api/people/{id}/party-profile/", "put"),
    ("/api/people/{id}/party-profile/", "patch"),
    ("/api/people/{id}/{step}/", "post"),
    ("/api/people/{id}/reveal-id/", "post"),
    ("/api/people/{id}/reveal-phone/", "post"),
    ("/api/people/{id}/corrections/", "get"),
    ("/api/people/{id}/corrections/", "post"),
    ("/api/people/corrections/", "get"),
    ("/api/people/corrections/{id}/review/", "post"),
    ("/api/people/export/", "get"),
    ("/api/people/head-counts/", "get"),
    ("/api/people/imports/", "get"),
    ("/api/people/imports/", "post"),
    ("/api/people/imports/{id}/", "get"),
    ("/api/people/imports/{id}/errors/", "get"),
    ("/api/people/imports/template/", "get"),
    ("/api/me/", "get"),
    ("/api/workbench/", "get"),
    ("/api/voices/", "get"),
    ("/api/voices/", "post"),
    ("/api/voices/{id}/", "get"),
    ("/api/voices/{id}/{step}/", "post"),
    ("/api/voices/{id}/suggestion/", "get"),
    ("/api/voices/suggest/", "post"),
    ("/api/voices/metrics/", "get"),
    ("/api/voices/metrics/trend/", "get"),
    ("/api/voices/metrics/export/", "get"),
    ("/api/voices/hot-topics/", "get"),
    ("/api/voices/inbox/", "get"),
    ("/api/voices/proposals/", "get"),
    ("/api/voices/categories/", "get"),
    ("/api/voices/categories/", "post"),
    ("/api/voices/categories/{id}/", "post"),
    ("/api/voices/categories/{id}/deactivate/", "post"),
    ("/api/voices/calendar/", "get"),
    ("/api/voices/calendar/", "post"),
    ("/api/voices/calendar/{day}/", "delete"),
    ("/api/voices/import/", "get"),
    ("/api/voices/import/", "post"),
    ("/api/voices/import/{id}/", "get"),
    ("/api/voices/import/{id}/errors/", "get"),
    ("/api/voices/import/{id}/mapping/", "post"),
    ("/api/voices/import/template/", "get"),
    ("/api/voices/posters/{id}/", "get"),
    ("/api/voices/congresses/", "get"),
    ("/api/voices/congresses/", "post"),
    ("/api/voices/congresses/{id}/", "get"),
    ("/api/voices/congresses/{id}/{step}/", "post"),
    ("/api/voices/congresses/{id}/representatives/{rep_pk}/", "delete"),
    ("/api/voices/congresses/{id}/propose/", "post"),
    ("/api/voices/public/", "get"),
    ("/api/voices/public/{id}/", "get"),
    ("/api/voices/public/{id}/follow/", "post"),
    ("/api/development/cases/", "get"),
    ("/api/development/cases/{id}/", "get"),
    ("/api/life/meetings/", "get"),
    ("/api/life/meetings/", "post"),
    ("/api/life/meetings/{id}/", "get"),
    ("/api/life/meetings/{id}/{step}/", "post"),
    ("/api/life/meetings/{id}/checkin/", "post"),
    ("/api/life/meetings/{id}/checkin-code/", "get"),
    ("/api/life/meetings/calendar/", "get"),
    ("/api/life/meetings/{id}/files/{file_pk}/", "get"),
    ("/api/life/meetings/{id}/minutes/", "get"),
    ("/api/life/meetings/plan/", "post"),
    ("/api/life/radar/", "get"),
    ("/api/life/radar/export/", "get"),
    ("/api/life/radar/record/", "get"),
    ("/api/development/cases/{id}/{step}/", "post"),
    ("/api/development/cases/{id}/files/{file_pk}/", "get"),
    ("/api/development/cases/{id}/dossier/", "get"),
    ("/api/development/cases/open/", "post"),
    ("/api/development/board/", "get"),
    ("/api/development/plans/", "get"),
    ("/api/development/plans/", "post"),
    ("/api/activities/", "get"),
    ("/api/activities/{id}/", "get"),
    ("/api/activities/{id}/sign-up/", "post"),
    ("/api/activities/{id}/cancel-sign-up/", "post"),
    ("/api/activities/{id}/check-in/", "post"),
    ("/api/activities/{id}/check-out/", "post"),
    ("/api/activities/my-hours/", "get"),
    ("/api/learning/materials/", "get"),
    ("/api/learning/materials/{id}/", "get"),
    ("/api/learning/materials/{id}/opened/", "post"),
    ("/api/learning/materials/{id}/confirm/", "post"),
    ("/api/learning/classes/", "get"),
    ("/api/learning/classes/{id}/", "get"),
    ("/api/learning/classes/{id}/check-in/", "post"),
    ("/api/learning/classes/{id}/sign-up/", "post"),
    ("/api/learning/external/", "get"),
    ("/api/learning/external/", "post"),
    ("/api/activities/orders/", "get"),
    ("/api/activities/orders/", "post"),
    ("/api/activities/orders/{id}/", "get"),
    ("/api/activities/orders/{id}/claim/", "post"),
    ("/api/activities/orders/{id}/cancel/", "post"),
    ("/api/activities/orders/monthly/", "get"),
    ("/api/learning/exams/", "get"),
    ("/api/learning/exams/{id}/start/", "post"),
    ("/api/learning/attempts/{id}/", "get"),
    ("/api/learning/attempts/{id}/answer/", "post"),
    ("/api/learning/attempts/{id}/submit/", "post"),
    ("/api/learning/questions/", "get"),
    ("/api/learning/questions/import/", "post"),
    ("/api/activities/certificates/", "get"),
    ("/api/activities/certificates/", "post"),
    ("/api/activities/certificates/{id}/", "get"),
    ("/api/activities/certificates/{id}/pdf/", "get"),
    ("/api/activities/certificates/{id}/withdraw/", "post"),
    ("/api/learning/my-ledger/", "get"),
    ("/api/learning/overview/", "get"),
    ("/api/surveys/", "get"),
    ("/api/surveys/", "post"),
    ("/api/surveys/{id}/", "get"),
    ("/api/surveys/{id}/answer/", "post"),
    ("/api/surveys/{id}/results/", "get"),
    ("/api/surveys/satisfaction-index/", "get"),
    ("/api/surveys/{id}/{step}/", "post"),
    ("/api/publicity/items/", "get"),
    ("/api/publicity/items/", "post"),
    ("/api/publicity/items/{id}/", "get"),
    ("/api/publicity/items/{id}/opened/", "post"),
    ("/api/publicity/items/{id}/confirm/", "post"),
    ("/api/publicity/items/{id}/quiz/", "post"),
    ("/api/publicity/items/{id}/publish/", "post"),
    ("/api/publicity/items/{id}/withdraw/", "post"),
    ("/api/publicity/items/{id}/remind/", "post"),
    ("/api/publicity/items/{id}/reach/", "get"),
}


def _schema(tmp_path) -> dict:
    """Generate the schema as the CI gate does: validated, and any warning is a failure."""
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=io.StringIO()
    )
    return yaml.safe_load(target.read_text())


def test_schema_is_valid_and_has_every_endpoint(db, tmp_path):
    schema = _schema(tmp_path)
    assert schema["openapi"].startswith("3.")
    operations = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations == EXPECTED_OPERATIONS


def test_schema_has_the_token_scheme_on_every_operation(db, tmp_path):
    schema = _schema(tmp_path)
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert token == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": token["description"],
    }
    assert "createtoken" in token["description"]
    for item in schema["paths"].values():
        for operation in item.values():
            assert {"tokenAuth": []} in operation["security"]


def test_schema_documents_filters_and_hides_the_id_number(db, tmp_path):
    schema = _schema(tmp_path)
    people = {p["name"] for p in schema["paths"]["/api/people/"]["get"]["parameters"]}
    assert {"q", "org", "status", "category", "party", "standing", "left"} <= people
    assert {"page", "page_size"} <= people
    orgs = {p["name"] for p in schema["paths"]["/api/orgs/"]["get"]["parameters"]}
    assert {"system", "kind", "parent", "active"} <= orgs
    person = schema["components"]["schemas"]["Person"]["properties"]
    assert person["id_number"]["writeOnly"] is True
    assert person["id_number_masked"]["readOnly"] is True


def test_schema_documents_the_three_suggested_categories(db, tmp_path):
    schemas = _schema(tmp_path)["components"]["schemas"]
    suggestion = schemas["Suggestion"]["properties"]
    assert suggestion["suggestions"]["items"]["$ref"] == "#/components/schemas/SuggestedCategory"
    assert {"prefill", "threshold", "category", "category_name", "confidence"} <= set(suggestion)
    assert set(schemas["SuggestedCategory"]["required"]) == {
        "category",
        "category_name",
        "confidence",
    }
    assert schemas["CategoryInput"]["properties"]["handling_org"]["nullable"] is True


@pytest.fixture
def token_holder(world):
    create_token(None, world.reader, "报表系统")
    return world.reader


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("member", 403), ("owner", 403), ("sysadmin", 200), ("holder", 200)],
)
def test_the_schema_is_for_those_who_use_the_api(world, token_holder, who, expected):
    """As the menu's "API": token holders and the administrators who issue tokens."""
    client = Client()
    if who != "anonymous":
        client.force_login(token_holder if who == "holder" else getattr(world, who))
    response = client.get("/api/schema/")
    assert response.status_code == expected
    if expected == 200:
        assert "/api/people/" in response.content.decode()
    elif expected == 403:
        assert response.json()["detail"].startswith("API 文档只对持有 API 令牌的用户")


def test_a_program_with_its_token_reads_the_schema(world, api):
    assert api(world.owner).get("/api/schema/").status_code == 200  # holds the token it calls with
    assert "/api/people/" in api(world.owner).get("/api/schema/").content.decode()


@pytest.mark.parametrize("who", ["member", "owner"])
def test_the_docs_page_refuses_others_with_a_chinese_page(world, who):
    client = Client()
    client.force_login(getattr(world, who))
    response = client.get("/api/docs/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "API 文档只对持有 API 令牌的用户和系统管理员、安全管理员开放" in html
    assert 'id="swagger-ui"' not in html


def test_the_docs_page_sends_a_stranger_to_sign_in(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/docs/"


def test_the_api_itself_still_answers_json_refusals(world):
    client = Client()
    client.force_login(world.member)
    response = client.get("/api/audit/")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("who", ["sysadmin", "holder"])
def test_docs_page_works_offline_under_the_strict_csp(world, token_holder, who):
    client = Client()
    client.force_login(token_holder if who == "holder" else world.sysadmin)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "the page loads Swagger UI"
    for attributes, body in scripts:
        assert 'src="/static/' in attributes  # our own static files, no CDN
        assert not body.strip()  # no inline script
    assert "<style" not in html and " style=" not in html
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert {
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "api/docs.js",
    } <= set(assets)
    for asset in assets:
        assert finders.find(asset), f"static file {asset} is missing (npm install?)"
    assert 'data-schema-url="/api/schema/"' in html


def test_docs_initialiser_calls_no_outside_host():
    source = Path(finders.find("api/docs.js")).read_text(encoding="utf-8")
    assert "http" not in source
    assert "validatorUrl: null" in source
