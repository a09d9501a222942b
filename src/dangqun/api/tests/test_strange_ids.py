"""Ids in query strings and paths that ``str.isdigit`` accepts but ``int`` or the database do not
("²", numbers beyond a bigint) are answered with 400 or 404, never a 500 (``core.ids.parse_id``)."""

import pytest

from dangqun.accounts.services import grant_role


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/life/meetings/?org=²", 400),
        ("/api/life/meetings/?org=99999999999999999999", 400),  # beyond any id
        ("/api/voices/metrics/trend/?months=²", 400),
        ("/api/development/cases/?org=²&stage=²", 200),
        ("/api/voices/categories/²/", 404),
        ("/api/voices/categories/99999999999999999999/", 404),
    ],
)
def test_strange_numbers_in_the_api_are_answered_not_crashed(world, api, make_user, url, expected):
    admin = make_user("group_admin", role="mass_admin", org=world.group)
    grant_role(None, admin, "party_admin", world.committee)
    response = api(admin).get(url)
    assert response.status_code == expected, (url, response.content[:200])
