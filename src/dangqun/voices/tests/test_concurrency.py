"""Two handlers press 接办 at the same moment: the database lets one through, the other is told."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dangqun.voices import handling
from dangqun.voices.models import Status, Voice, VoiceEvent


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_handlers_respond_at_once(world, mass, handler, make_user, raise_voice):
    colleague = make_user("colleague", role="handler", org=world.dept_a)
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    stale = Voice.objects.get(pk=voice.pk)
    start, outcomes = threading.Barrier(2), []

    def press(user):
        try:
            start.wait()
            handling.respond(user, stale)
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (handler, colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1
    assert any("已由他人接办" in outcome for outcome in outcomes), outcomes
    voice.refresh_from_db()
    assert voice.status == Status.IN_PROGRESS
    assert VoiceEvent.objects.filter(voice=voice, action="respond").count() == 1
