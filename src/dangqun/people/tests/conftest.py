import pytest


@pytest.fixture
def client_(world, login):
    """world.owner, logged in: the importing party-affairs admin of company A's 党委."""
    return login(world.owner)
