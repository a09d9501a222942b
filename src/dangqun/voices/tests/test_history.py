"""Imported history (``Status.HISTORY``, decision 0020) teaches the category model and is found
as a duplicate, but never counts in 三率 (counted or tallied), deadlines, reminders, the inbox's
tabs and overdue filter, or the 工作台's cards. Each history voice here carries deadlines long
passed and an answer-like state, so that any place reading it by mistake would show it."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from dangqun.voices import classifier, duplicates, inbox, metrics, notify, suggestions, tally
from dangqun.voices.models import Category, Status, Voice, VoiceTally
from dangqun.voices.tests.history_helpers import TOPICS, texts
from dangqun.web.tests.test_workbench import number, workbench

pytestmark = pytest.mark.django_db


def past(world, status=Status.HISTORY, **fields):
    """A voice a week old whose response and resolution deadlines passed days ago."""
    now = timezone.now()
    values = {
        "title": "食堂排队",
        "content": "午餐排队超过二十分钟，希望增加窗口。",
        "unit": world.dept_a,
        "handling_org": world.dept_a,
        "status": status,
        "query_code_hash": uuid.uuid4().hex,
        "submitted_at": now - dt.timedelta(days=7),
        "assigned_at": now - dt.timedelta(days=7),
        "response_due": now - dt.timedelta(days=6),
        "resolution_due": now - dt.timedelta(hours=1),
        "solved": True,
        "rating": "satisfied",
        **fields,
    }
    return Voice.objects.create(**values)


def test_history_is_not_in_the_rates_counted_or_tallied(world):
    past(world)
    start = timezone.localdate() - dt.timedelta(days=40)
    end = timezone.localdate() + dt.timedelta(days=1)
    (total,) = metrics.rates(Voice.objects.all(), start, end)
    assert (total.valid, total.solved, total.satisfied) == (0, 0, 0)
    assert not VoiceTally.objects.exists()  # Voice.save added nothing
    assert tally.rebuild() == []  # and a rebuild from the voices agrees
    past(world, status=Status.CLOSED)  # the same voice handled here does count
    (total,) = metrics.rates(Voice.objects.all(), start, end)
    assert (total.valid, total.solved, total.satisfied) == (1, 1, 1)


def test_history_is_in_no_inbox_tab_and_never_overdue(world, login, make_user):
    mass = make_user("mass", role="mass_admin", org=world.company_a)
    history = past(world)
    for tab in inbox.TABS:
        listed = set(inbox.inbox(mass, tab).values_list("pk", flat=True))
        assert (history.pk in listed) == (tab == "history"), tab
    assert not inbox.overdue_only(Voice.objects.all()).exists()
    assert not inbox.due_soon_only(Voice.objects.all()).exists()
    assert history.overdue() == ""
    page = login(mass).get("/voices/?show=history").content.decode()
    assert "食堂排队" in page


def test_history_gets_no_reminders(world, make_user):
    make_user("handler", role="handler", org=world.dept_a)
    past(world, resolution_due=timezone.now() + dt.timedelta(hours=1))
    past(world)
    assert notify.remind_deadlines() == {"soon": 0, "overdue": 0}


def test_history_is_on_no_workbench_card(world, login, make_user):
    mass = make_user("mass", role="mass_admin", org=world.company_a)
    past(world)
    past(world, status=Status.SUBMITTED, response_due=None, resolution_due=None)
    found = workbench(login(mass))
    assert number(found, "voices.handling", "待受理")["count"] == 1
    assert number(found, "voices.handling", "已超时")["count"] == 0
    assert number(found, "voices.handling", "即将到期")["count"] == 0


def test_history_teaches_the_category_model(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    for seed, name in enumerate(TOPICS):
        category = Category.objects.create(name=name)
        for title, content in texts(name, 15, seed):
            past(world, title=title, content=content, category=category)
    report = classifier.train(folds=3)
    assert (report.samples, report.categories) == (60, 4)


def test_history_is_found_as_a_duplicate(world, make_user):
    mass = make_user("mass", role="mass_admin", org=world.company_a)
    earlier = past(world, submitted_at=timezone.now() - dt.timedelta(days=3))
    new = past(world, status=Status.SUBMITTED, response_due=None, resolution_due=None)
    duplicates.index_voices([earlier.pk, new.pk])  # as the import's and submit's tasks do
    found = [other.pk for other, _ in suggestions.duplicate_candidates(mass, new)]
    assert found == [earlier.pk]
