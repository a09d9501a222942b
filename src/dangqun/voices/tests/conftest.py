import pytest

from dangqun.voices import intake
from dangqun.voices.models import Category, Channel, Identity, Status
from dangqun.voices.tests.history_helpers import TOPICS, add, texts


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


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def categories(world):
    return {name: Category.objects.create(name=name) for name in TOPICS}


@pytest.fixture
def history(world, categories):
    """(``history_helpers``) 15 handled voices in each of 食堂, 班车, 薪酬 and 宿舍, in every confirmed status."""
    statuses = [Status.CLOSED, Status.ANSWERED, Status.IN_PROGRESS, Status.ASSIGNED]
    for seed, (name, category) in enumerate(categories.items()):
        for i, (title, content) in enumerate(texts(name, 15, seed)):
            add(world, title, content, category=category, status=statuses[i % 4])
    return categories
