"""API test fixtures: clients that call the API as a given user, by token or anonymously."""

import pytest

from dangqun.api.tests.helpers import ApiClient


@pytest.fixture
def api(db):
    """``api(user)`` calls as that user with a fresh token; ``api(None)`` calls anonymously."""
    from dangqun.accounts.services import create_token

    def make(user=None) -> ApiClient:
        return ApiClient(create_token(None, user) if user is not None else None)

    return make
