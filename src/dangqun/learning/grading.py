"""Grading one answer (issue #17 §3), pure arithmetic: no database.

- Choices are shown in a per-person order: ``order[place]`` is the original index of the option
  shown at ``place``; a response (places picked) is mapped back through it before comparing.
- 单选题 / 判断题: full points when the one option picked is the right one.
- 多选题: full points for exactly the right set. With partial credit on, picking some of the right
  options and none of the wrong ones earns points × picked / right (rounded down to 0.5); any
  wrong pick earns nothing — the rule most 党员教育 exam systems use (少选得分，错选不得分).
- 填空题: the text, normalised (full-width to half-width, spaces and end punctuation removed, case
  ignored), equals one of the accepted answers normalised the same way.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_FLOOR, Decimal

from dangqun.learning.exam_models import Kind

ZERO = Decimal(0)
HALF = Decimal("0.5")
_SPACES = re.compile(r"\s+")
_END_PUNCTUATION = "。．.，,；;！!？?、"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))
    text = _SPACES.sub("", text).casefold()
    return text.strip(_END_PUNCTUATION + "“”\"'‘’")


def picked(response, order: list[int]) -> set[int]:
    """The original indexes of the places picked; places out of range are ignored."""
    found = set()
    for place in response or []:
        try:
            place = int(place)
        except (TypeError, ValueError):
            continue
        if 0 <= place < len(order):
            found.add(order[place])
    return found


def score(
    kind: str,
    answer: list,
    response,
    points: Decimal,
    order: list[int] | None = None,
    partial: bool = False,
) -> Decimal:
    """The points one answer earns."""
    if kind == Kind.FILL:
        given = normalise(response[0]) if response else ""
        accepted = {normalise(a) for a in answer}
        return points if given and given in accepted else ZERO
    order = order if order is not None else list(range(max([*answer, 0]) + 1))
    chosen = picked(response, order)
    right = {int(a) for a in answer}
    if chosen == right:
        return points
    if kind != Kind.MULTIPLE or not partial or not chosen or not chosen <= right:
        return ZERO
    share = points * len(chosen) / len(right)
    return (share / HALF).to_integral_value(rounding=ROUND_FLOOR) * HALF


def shown_answer(kind: str, answer: list, order: list[int] | None) -> list:
    """The right answer as the person saw it: the places of the right options in their order
    (a fill-in: the accepted answers)."""
    if kind == Kind.FILL or order is None:
        return list(answer)
    return sorted(order.index(a) for a in answer if a in order)
