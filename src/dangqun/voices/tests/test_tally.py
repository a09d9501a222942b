"""The monthly tallies of 三率 stay equal to what the voices say, through every state change, with
no rebuild: ``tally.rebuild()`` recomputes each month and returns those it had to correct."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dangqun.orgs import services as org_services
from dangqun.voices import followup, handling, metrics, tally
from dangqun.voices.models import Rating, Status, Voice, VoiceTally
from dangqun.voices.tasks import check_voice_tallies


def exact():
    """True when no month's tallies differ from the voices (and leaves them so)."""
    return tally.rebuild() == []


def totals(world):
    month = timezone.localdate().replace(day=1)
    [row] = metrics.rates(
        Voice.objects.all(),
        month,
        metrics.add_months(month, 1),
        enterprise=world.group.path,
    )
    return row


def test_every_state_change_keeps_the_tallies_exact(
    world, mass, handler, make_user, raise_voice, canteen
):
    handling_user = make_user("handler_co", role="handler", org=world.company_a)
    voice, _ = raise_voice()
    assert exact() and totals(world).valid == 1
    handling.assign(mass, voice, handling_org=world.dept_a, category=canteen)
    assert exact()
    handling.transfer(mass, voice, handling_org=world.company_a, note="由公司本部办理")
    assert exact()
    handling.ask_info(mass, voice, question="请说明是哪个食堂")
    assert exact()
    followup.add_info(None, voice, text="二号食堂", by_code=True)
    assert exact()
    handling.respond(handling_user, voice)
    assert exact() and totals(world).responded == 1
    handling.answer(handling_user, voice, text="已公示", solved=False)
    assert exact()
    followup.rate(None, voice, rating=Rating.UNSATISFIED, by_code=True)  # reopens once
    assert exact()
    row = totals(world)
    assert (row.unsatisfied, row.responded, row.solved) == (1, 1, 0)
    handling.respond(handling_user, voice)
    handling.answer(handling_user, voice, text="已调整", solved=True)
    assert exact()
    followup.rate(None, voice, rating=Rating.BASICALLY, by_code=True)
    assert exact()
    row = totals(world)
    assert (row.valid, row.solved, row.basically, row.unsatisfied) == (1, 1, 1, 0)
    assert row.median_resolution_hours is not None

    duplicate, _ = raise_voice()
    refused, _ = raise_voice()
    assert totals(world).valid == 3
    handling.merge(mass, duplicate, into=voice)
    handling.refuse(mass, refused, reason="不属于受理范围")
    assert exact() and totals(world).valid == 1


def test_unrated_voices_closed_by_the_clock_stay_exact(world, mass, handler, raise_voice):
    voice, _ = raise_voice()
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="已办理", solved=True)
    assert followup.close_unrated(now=timezone.now() + dt.timedelta(days=30)) == 1
    assert Voice.objects.get(pk=voice.pk).status == Status.CLOSED
    assert exact()


def test_a_voice_handled_in_another_enterprise_counts_in_both(world, mass, raise_voice):
    other = org_services.create_org(None, parent=None, name="另一集团", kind="group")
    voice, _ = raise_voice()
    Voice.objects.filter(pk=voice.pk).update(handling_org=other)  # around save: rebuilt below
    assert tally.rebuild() == [timezone.localdate().replace(day=1)]
    month = timezone.localdate().replace(day=1)
    for root in (world.group.path, other.path):
        assert VoiceTally.objects.get(month=month, root=root, dimension="channel").valid == 1
    Voice.objects.get(pk=voice.pk).delete()
    assert not VoiceTally.objects.filter(valid__gt=0).exists() and exact()


def test_changes_around_save_are_corrected_every_night(world, raise_voice, capsys):
    voice, _ = raise_voice()
    moved = timezone.now() - dt.timedelta(days=100)  # within the 13 months checked nightly
    Voice.objects.filter(pk=voice.pk).update(submitted_at=moved)
    fixed = check_voice_tallies.call_local()
    old = timezone.localtime(moved).date().replace(day=1)
    assert fixed == sorted([f"{old:%Y-%m}", f"{timezone.localdate():%Y-%m}"])
    assert check_voice_tallies.call_local() == []
    ancient = timezone.now() - dt.timedelta(days=800)  # older: the full check, or by hand
    Voice.objects.filter(pk=voice.pk).update(submitted_at=ancient)
    call_command("rebuild_voice_tallies")
    assert "已更正 2 个月" in capsys.readouterr().out
    call_command("rebuild_voice_tallies", month=[f"{timezone.localtime(ancient):%Y-%m}"])
    assert "无需更正" in capsys.readouterr().out


def test_the_tally_of_a_voice_depends_only_on_what_it_stores(world, raise_voice):
    voice, _ = raise_voice()
    state = tally.stored_state(voice.pk)
    [*keys] = tally.contribution(state)
    assert {dimension for _, _, dimension, _ in keys} == set(tally.DIMENSIONS)
    assert {root for _, root, _, _ in keys} == {world.group.path}
    for status in tally.EXCLUDED:
        assert tally.contribution({**state, "status": status}) == {}
    assert (
        tally.bucket(0) == 0 and tally.bucket(0.5) == 1 and tally.bucket(10_000) == len(tally.EDGES)
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_voices_submitted_at_once_are_each_counted(world, mass, raise_voice):
    start, errors = threading.Barrier(4), []

    def submit_some():
        try:
            start.wait()
            for _ in range(5):
                raise_voice()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_some) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert totals(world).valid == 20 and exact()


def test_a_unit_moved_into_another_enterprise_takes_its_voices_along(world, raise_voice):
    from dangqun.orgs.models import Org
    from dangqun.orgs.services import move_org

    other = org_services.create_org(None, parent=None, name="另一集团", kind="group")
    raise_voice()  # from 甲公司综合部
    move_org(None, Org.objects.get(pk=world.company_a.pk), other)
    month = timezone.localdate().replace(day=1)
    rows = VoiceTally.objects.filter(month=month, dimension="channel", valid__gt=0)
    assert [row.root for row in rows] == [other.path] and exact()


def test_a_site_upgrading_counts_its_stored_voices_after_migrating(world, raise_voice):
    raise_voice()
    VoiceTally.objects.all().delete()  # as on a site whose voices predate the tallies
    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate counts them
    assert totals(world).valid == 1 and exact()


def test_a_voice_counts_for_its_company_and_bulk_writes_get_theirs(world, raise_voice):
    """Issue #18 §3: a voice keeps the company its unit counts for (the satisfaction index reads
    the tallies' "company" rows); a voice written around ``save`` gets it before counting."""
    voice, _ = raise_voice()
    assert voice.company_id == world.company_a.pk  # raised in 甲公司综合部
    assert VoiceTally.objects.filter(dimension="company", key=str(world.company_a.pk)).exists()
    Voice.objects.filter(pk=voice.pk).update(company=None)  # as a bulk writer leaves it
    VoiceTally.objects.filter(dimension="company").delete()
    assert tally.rebuild() != []  # the company rows were missing: rewritten
    assert Voice.objects.get(pk=voice.pk).company_id == world.company_a.pk
    assert exact()


def test_the_migration_fills_companies_and_their_tallies_as_a_rebuild_would(world, mass):
    """The SQL of migration 0014 gives every voice its company (the group itself for a voice
    raised at the top) and sums the "company" rows from the "unit" rows: a rebuild then finds
    nothing to correct."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    from dangqun.voices import intake

    for unit in (world.dept_a, world.dept_b, world.group, world.company_b):
        data = {"title": "班车", "content": "早班车太挤"}
        intake.submit(None, data, unit=unit, channel="qr", identity="anonymous")
    Voice.objects.update(company=None)
    VoiceTally.objects.filter(dimension="company").delete()
    migration = importlib.import_module("dangqun.voices.migrations.0014_voice_company")
    migration.fill(apps, SimpleNamespace(connection=connection))
    companies = dict(Voice.objects.values_list("unit_id", "company_id"))
    assert companies == {
        world.dept_a.pk: world.company_a.pk,
        world.dept_b.pk: world.company_b.pk,
        world.group.pk: world.group.pk,
        world.company_b.pk: world.company_b.pk,
    }
    assert exact()
