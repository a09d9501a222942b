"""The account operations fuzzed from the schema as an admin who may do them all (the general run
calls as the owner, who is refused every one): no server error, answers as documented."""

import pytest
from hypothesis import HealthCheck, settings

from dangqun.accounts.services import create_token, grant_role
from dangqun.api.tests.test_schemathesis import (  # noqa: F401 - a fixture
    CHECKS,
    REAL_IDS,
    requests_keep_the_transaction,
    schema,
)

accounts = schema.include(path_regex="^/api/accounts/")


@pytest.fixture
def admin_headers(world):
    """The system admin, also a security admin; the member's account as the real ID."""
    grant_role(None, world.sysadmin, "security_admin", world.group)
    REAL_IDS.clear()
    REAL_IDS["/api/accounts/"] = world.member.pk
    yield {"Authorization": f"Token {create_token(None, world.sysadmin)}"}
    REAL_IDS.clear()


@accounts.parametrize()
@pytest.mark.usefixtures("requests_keep_the_transaction")
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_account_operations_answer_as_documented(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
