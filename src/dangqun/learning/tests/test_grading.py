"""Grading of every type (issue #17 §7): shuffled options map back, partial credit for multiple
choice, fill-in normalisation — as properties over any order and any response."""

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dangqun.learning import grading
from dangqun.learning.exam_models import Kind

POINTS = Decimal(4)


@st.composite
def choice(draw, kind=Kind.SINGLE):
    size = draw(st.integers(2, 6))
    order = draw(st.permutations(range(size)))
    if kind == Kind.SINGLE:
        answer = [draw(st.integers(0, size - 1))]
    else:
        answer = sorted(draw(st.sets(st.integers(0, size - 1), min_size=2)))
    return list(order), answer


def shown(order, originals):
    """The places a person clicks to pick these original options."""
    return [order.index(o) for o in originals]


@given(choice())
def test_single_choice_right_only_when_the_shown_place_maps_to_the_answer(case):
    order, answer = case
    for place in range(len(order)):
        got = grading.score(Kind.SINGLE, answer, [place], POINTS, order)
        assert got == (POINTS if order[place] == answer[0] else 0)
    assert grading.score(Kind.SINGLE, answer, shown(order, answer), POINTS, order) == POINTS
    assert grading.score(Kind.SINGLE, answer, [], POINTS, order) == 0


@given(choice(Kind.MULTIPLE), st.booleans(), st.data())
def test_multiple_choice_full_partial_and_wrong(case, partial, data):
    order, answer = case
    size = len(order)
    picks = data.draw(st.sets(st.integers(0, size - 1)))
    got = grading.score(Kind.MULTIPLE, answer, shown(order, picks), POINTS, order, partial)
    right = set(answer)
    if picks == right:
        assert got == POINTS
    elif partial and picks and picks < right:
        assert got == (POINTS * len(picks) / len(right) / Decimal("0.5")).to_integral_value(
            rounding="ROUND_FLOOR"
        ) * Decimal("0.5")
        assert 0 <= got < POINTS
    else:  # any wrong pick, nothing picked, or no partial credit: nothing
        assert got == 0
    # the shown right answer, picked, is always full marks
    right_places = grading.shown_answer(Kind.MULTIPLE, answer, order)
    assert grading.score(Kind.MULTIPLE, answer, right_places, POINTS, order, partial) == POINTS


def test_partial_credit_examples():
    order = [0, 1, 2, 3]
    assert grading.score(Kind.MULTIPLE, [0, 1, 2], [0, 1], Decimal(3), order, True) == 2
    assert grading.score(Kind.MULTIPLE, [0, 1, 2], [0, 3], Decimal(3), order, True) == 0
    assert grading.score(Kind.MULTIPLE, [0, 1, 2], [0, 1], Decimal(3), order, False) == 0
    assert grading.score(Kind.MULTIPLE, [0, 1, 2], [0], Decimal(2), order, True) == Decimal("0.5")


@given(st.sampled_from([0, 1]), st.sampled_from([0, 1]))
def test_true_false(answer, place):
    got = grading.score(Kind.TRUE_FALSE, [answer], [place], POINTS, None)
    assert got == (POINTS if answer == place else 0)


@given(st.text(min_size=1, max_size=12).filter(lambda t: grading.normalise(t)))
def test_fill_in_matches_accepted_answers_however_written(text):
    noisy = f"  {text.upper()} 。"
    assert grading.score(Kind.FILL, [text], [noisy], POINTS) == (
        POINTS if grading.normalise(noisy) == grading.normalise(text) else 0
    )


def test_fill_in_examples():
    accepted = ["中央委员会", "党中央委员会"]
    assert grading.score(Kind.FILL, accepted, ["中央委员会。"], POINTS) == POINTS
    assert grading.score(Kind.FILL, accepted, [" 党 中央委员会 "], POINTS) == POINTS
    assert grading.score(Kind.FILL, ["ABC"], ["ａｂｃ"], POINTS) == POINTS  # full width, case
    assert grading.score(Kind.FILL, accepted, ["中央纪委"], POINTS) == 0
    assert grading.score(Kind.FILL, accepted, [""], POINTS) == 0
    assert grading.score(Kind.FILL, accepted, [], POINTS) == 0


def test_out_of_range_places_are_ignored():
    order = random.sample(range(4), 4)
    assert grading.score(Kind.SINGLE, [0], [9], POINTS, order) == 0
    assert grading.score(Kind.SINGLE, [0], ["x"], POINTS, order) == 0
