import pytest


@pytest.fixture
def secretary(world, make_user):
    """The secretary of company A's 综合部党支部 (张三's and 李四's branch)."""
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


@pytest.fixture
def li_user(world, make_user):
    return make_user("li", person=world.li)
