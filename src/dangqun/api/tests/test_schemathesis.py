"""Every API operation, fuzzed from its own OpenAPI schema (schemathesis 4, over WSGI, no server).

The caller is the owner of the test enterprise (company A's party-affairs and mass-work admin) with
a token, in an enterprise with a voice and a 发展党员 case. Each operation gets a few derandomized examples,
valid and invalid; half of those with an object ID use a real object of the caller's scope. Every
response must be no server error, carry a documented status code and content type, and have a
body that matches the schema. New endpoints are covered as soon as they are in the schema.
"""

import datetime as dt
import json

import pytest
import schemathesis
from django.core import signals
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dangqun.accounts.services import create_token, grant_role
from dangqun.activities import orders, organising
from dangqun.activities.models import ActivityKind
from dangqun.development import opening
from dangqun.learning import classes
from dangqun.life import planning
from dangqun.life.models import Kind
from dangqun.voices import categories, handling, intake, proposals
from dangqun.voices.models import Identity

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

CONFIG = {
    "seed": 13,
    "generation": {
        "mode": "all",  # valid and invalid requests
        "max-examples": 8,
        "deterministic": True,
        "with-security-parameters": False,  # the owner's token goes in every request
        "database": "none",
    },
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}

# Path prefix → the ID of a real object there in the owner's scope, filled per test by ``objects``.
REAL_IDS: dict[str, int] = {}


def load_schema():
    """The schema /api/schema/ serves, generated in-process at collection (no token needed yet)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(
        json.loads(json.dumps(document, cls=DjangoJSONEncoder)),
        config=schemathesis.Config.from_dict(CONFIG),
    )
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the time, an object that exists: otherwise nearly every detail call would be a 404."""
    path = context.operation.path
    real = [REAL_IDS[prefix] for prefix in REAL_IDS if path.startswith(prefix)]
    if not path_parameters or "id" not in path_parameters or not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, "id": real[-1]}])


@pytest.fixture
def requests_keep_the_transaction():
    """Django closes the connection at each request's end; the test's transaction must survive
    the requests (the test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def objects(world, make_user):
    """The owner also administers company A's voices (so 三率 and the voice steps answer more
    than 403); a voice they raised and a 发展党员 case there; their IDs for the fuzzing."""
    grant_role(None, world.owner, "mass_admin", world.company_a)
    voice = intake.submit(
        world.owner,
        {"title": "食堂菜价", "content": "午餐价格上涨太快。", "contact_name": "陈女士"},
        unit=world.dept_a,
        identity=Identity.NAMED,
    ).voice
    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    case = opening.open_case(secretary, world.wang, world.branch_a, dt.date(2023, 1, 10))
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习党章", "starts_at": timezone.now(), "place": "三楼"},
    )
    category = categories.save_category(
        world.owner, None, {"name": "食堂", "handling_org": world.dept_a, "urgency": "normal"}
    )
    congress = proposals.save_congress(
        world.owner,
        None,
        {"org": world.company_a, "name": "第三届职工代表大会", "starts_on": dt.date(2025, 1, 1)},
    )
    proposals.add_representatives(world.owner, congress, ["A0001", "A0002", "A0003"])
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    activity = organising.create(
        world.owner,
        {
            "kind": ActivityKind.objects.get(code="volunteer"),
            "title": "社区义诊",
            "org": world.branch_a,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "place": "社区",
        },
    )
    organising.publish(world.owner, activity)
    need = intake.submit(
        world.member,
        {"title": "陪诊", "content": "需要陪诊。", "kind": "request"},
        unit=world.dept_a,
    ).voice
    handling.assign(world.owner, need, handling_org=world.dept_a)
    order = orders.create(
        world.owner, need, {"org": world.company_a, "title": "陪诊", "description": "陪同复查"}
    )
    klass = classes.create(
        world.owner,
        {
            "org": world.branch_a,
            "title": "党务干部培训班",
            "description": "",
            "enrolment": "sign_up",
            "threshold": 80,
            "audience_who": "members",
        },
    )
    classes.save_session(
        world.owner,
        klass,
        {"starts_at": starts, "ends_at": starts + dt.timedelta(hours=3), "place": "党校"},
    )
    classes.publish(world.owner, klass)
    REAL_IDS.clear()
    REAL_IDS.update(
        {
            "/api/orgs/": world.branch_a.pk,
            "/api/people/": world.zhang.pk,
            "/api/voices/": voice.pk,
            "/api/development/cases/": case.pk,
            "/api/life/meetings/": meeting.pk,
            "/api/voices/categories/": category.pk,  # after /api/voices/: the last match wins
            "/api/voices/congresses/": congress.pk,
            "/api/activities/": activity.pk,
            "/api/activities/orders/": order.pk,  # after /api/activities/
            "/api/learning/classes/": klass.pk,
        }
    )
    yield
    REAL_IDS.clear()


@pytest.fixture
def owner_headers(world):
    return {"Authorization": f"Token {create_token(None, world.owner)}"}


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_documented(
    case, requests_keep_the_transaction, objects, owner_headers
):
    case.call_and_validate(headers=owner_headers, checks=CHECKS)


@pytest.mark.parametrize(
    "url",
    ["/api/orgs/true/", "/api/people/null/party-profile/", "/api/voices/%C3%BC/suggestion/"],
)
def test_an_id_that_is_not_a_number_is_not_found(world, api, url):
    """What the fuzzing found first: such IDs reached the database and answered 500."""
    response = api(world.owner).get(url)
    assert response.status_code == 404
    assert response.json()["detail"] == "不存在或不在授权范围内"
