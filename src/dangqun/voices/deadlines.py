"""The response and resolution deadlines of a voice, by urgency (rule ``voices.deadlines``).

Each urgency has a response limit and a resolution limit, counted on the working calendar
(``dangqun.core.workcalendar``) in natural hours, working hours or working days; a working-days
limit ends with the working window of the N-th working day after the day the voice was received.
"""

from __future__ import annotations

import datetime as dt

from dangqun.core.rules import get_rule
from dangqun.core.workcalendar import UNIT_LABELS, WORKING_DAYS, Limit, WorkCalendar, limit_end

WHICH = ("response", "resolution")


def get_limit(urgency: str, which: str) -> Limit:
    """The limit in force for ``which`` ("response" or "resolution") of a voice of ``urgency``."""
    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}, not {which!r}")
    key = f"{which}_{urgency}"
    spec = get_rule("voices.deadlines").params.get(key)
    if spec is None:
        raise ValueError(f"voices.deadlines has no limit {key!r}")
    amount, unit = spec.get("amount"), spec.get("unit")
    if unit not in UNIT_LABELS:
        raise ValueError(f"voices.deadlines {key}: unit must be one of {list(UNIT_LABELS)}")
    if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
        raise ValueError(f"voices.deadlines {key}: amount must be a positive number")
    if unit == WORKING_DAYS and amount != int(amount):
        raise ValueError(f"voices.deadlines {key}: working days must be a whole number")
    return Limit(amount=amount, unit=unit)


def deadline(
    start: dt.datetime, urgency: str, which: str, *, calendar: WorkCalendar | None = None
) -> dt.datetime:
    """When the ``which`` ("response" or "resolution") limit of a voice of ``urgency`` that
    started at ``start`` runs out, as an aware local datetime."""
    return limit_end(start, get_limit(urgency, which), calendar=calendar)
