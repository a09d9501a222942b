"""The large data set's voices: consistent with the platform's rules, deterministic, and counted by
三率 like voices handled here."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangqun.orgs.models import Org
from dangqun.seed.voices import TOPICS
from dangqun.voices import metrics, tally
from dangqun.voices.models import Status, Voice, VoiceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed", "--scale", "small", "--seed", "3")
    before = list(Voice.objects.values_list("pk", flat=True))  # the demo's own voices
    call_command("seed_voices", "--count", "3000", "--seed", "3")
    return before


def test_bulk_voices_follow_the_rules(seeded):
    voices = Voice.objects.exclude(pk__in=seeded)
    assert voices.count() == 3000
    now = timezone.now()
    assert not voices.filter(submitted_at__gt=now).exists()
    assert voices.filter(submitted_at__lt=now - dt.timedelta(days=365 * 2)).exists()
    closed = voices.filter(status=Status.CLOSED)
    assert closed.count() > 2000
    old_open = voices.filter(
        status__in=(Status.ASSIGNED, Status.IN_PROGRESS),
        submitted_at__lt=now - dt.timedelta(days=31),
    )
    assert not old_open.exists()  # old voices are done
    for voice in closed.filter(assigned_at__isnull=False)[:200]:
        assert voice.submitted_at <= voice.assigned_at <= voice.responded_at <= voice.answered_at
        assert voice.response_due > voice.assigned_at and voice.handling_org_id
        assert voice.response_hours is not None and voice.resolution_hours >= voice.response_hours
    for voice in voices.select_related("category")[:300]:  # the category fits the text
        assert any(t[0] == voice.category.name and t[2] == voice.title for t in TOPICS)
    assert VoiceEvent.objects.filter(voice__in=voices, action="submit").count() == 3000
    (total,) = metrics.rates(voices, dt.date(2000, 1, 1), timezone.localdate() + dt.timedelta(1))
    assert 0.5 < total.response_rate <= 1 and total.median_response_hours is not None
    assert tally.rebuild() == []  # rebuilt after the bulk insert
    everything = Voice.objects.all()  # the demo's and the bulk voices, all in one enterprise
    root = voices.first().unit.path[: Org.steplen]
    month = timezone.localdate().replace(day=1)
    span = (metrics.add_months(month, -37), metrics.add_months(month, 1))
    for group_by in ("month", "handling_org", "category"):
        counted = metrics.rates(everything, *span, group_by)
        assert counted == metrics.rates(everything, *span, group_by, enterprise=root)
    assert sum(row.valid for row in counted) >= total.valid
