import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def secretary(world, make_user):
    """The secretary of company A's 综合部党支部 (张三's and 李四's branch)."""
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


@pytest.fixture
def theme(db):
    from dangqun.publicity.models import Theme

    return Theme.ensure_defaults()["党的政策"]


@pytest.fixture
def make_item(world, theme, django_capture_on_commit_callbacks):
    """An item of company A's 党委 (the owner's), published unless ``publish=False``."""
    from dangqun.publicity import items

    def make(user=None, publish=True, questions=(), **extra):
        user = user or world.owner
        data = {
            "org": world.committee_a,
            "kind": "article",
            "title": "学习贯彻全会精神",
            "body": "<p>全文</p>",
            "theme": theme,
            "required": True,
            "quiz_required": False,
            "pass_percent": 60,
            "pinned": False,
            "publish_at": None,
            "expires_at": None,
            "audience_who": "members",
            **extra,
        }
        item = items.create(user, data)
        for q in questions:
            items.add_question(user, item, q)
        if not publish:
            return item
        with django_capture_on_commit_callbacks(execute=True):  # the bell, after commit
            item = items.publish(user, item)
        item.refresh_from_db()  # as the next request reads it: its reach tallies counted
        return item

    return make


QUESTIONS = [
    {"kind": "single", "stem": "全会在哪一年召开？", "options": ["2024", "2025"], "answer": [1]},
    {
        "kind": "true_false",
        "stem": "全会审议通过了建议。",
        "options": ["正确", "错误"],
        "answer": [0],
    },
]


@pytest.fixture
def quiz_item(make_item):
    return make_item(questions=QUESTIONS, quiz_required=True)


def now():
    return timezone.now()
