"""The large data set's survey waves at a tiny count: one response and one participation per
person drawn, tallies that equal the app's own recount, results within k, nothing tying them."""

import datetime as dt

import pytest

from dangqun.seed.bulk_surveys import seed_bulk_surveys
from dangqun.surveys import results, tallies
from dangqun.surveys.models import Participation, Response, Survey, Tally
from dangqun.surveys.tests.conftest import crowd  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def test_bulk_waves_are_consistent(world, crowd):  # noqa: F811  (the imported fixture)
    crowd(6, world.dept_a)
    crowd(3, world.dept_b)
    written = seed_bulk_surveys(world.group, waves=2, responses=8, seed=3, today=TODAY)
    assert written == 16 == Response.objects.count() == Participation.objects.count()
    assert list(Survey.objects.order_by("wave").values_list("wave", flat=True)) == [1, 2]
    for survey in Survey.objects.all():
        kept = sorted(
            Tally.objects.filter(survey=survey).values_list(
                "unit_key", "question_id", "item", "value", "count"
            )
        )
        tallies.rebuild(survey)
        assert (
            sorted(
                Tally.objects.filter(survey=survey).values_list(
                    "unit_key", "question_id", "item", "value", "count"
                )
            )
            == kept
        )
        assert Response.objects.filter(survey=survey, person__isnull=False).count() == 0
        assert {r.unit_id for r in Response.objects.filter(survey=survey)} <= {
            world.company_a.pk,
            world.company_b.pk,
        }
        found = results.results(survey)
        assert found.shown and all(u.responses >= found.k for u in found.units)
    assert len(results.results(Survey.objects.get(wave=2)).waves) == 2
