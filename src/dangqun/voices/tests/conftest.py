import pytest

from dangqun.voices import intake
from dangqun.voices.models import Category, Channel, Identity


@pytest.fixture
def mass(world, make_user):
    """Mass-work admin over company A (受理, 交办, 督办)."""
    return make_user("mass", role="mass_admin", org=world.company_a)


@pytest.fixture
def handler(world, make_user):
    """A handler in company A's 综合部 (the unit that acts)."""
    return make_user("handler", role="handler", org=world.dept_a)


@pytest.fixture
def canteen(world):
    return Category.objects.create(name="食堂", handling_org=world.dept_a)


@pytest.fixture
def raise_voice(world, django_capture_on_commit_callbacks):
    """Submit a voice from company A's 综合部; returns (voice, query code). What submitting
    enqueues after commit (indexing it for near duplicates) runs, as Huey would."""

    def do(actor=None, identity=Identity.ANONYMOUS, channel=Channel.QR, **data):
        data = {"title": "食堂菜价", "content": "午餐价格上涨太快，希望公示成本。", **data}
        if identity != Identity.ANONYMOUS and actor is None:
            data.setdefault("contact_name", "陈女士")
        with django_capture_on_commit_callbacks(execute=True):
            submitted = intake.submit(
                actor, data, unit=world.dept_a, channel=channel, identity=identity
            )
        return submitted.voice, submitted.code

    return do
