"""响应率, 解决率, 满意率 and the composite score of 群众呼声, per period and per group.

Following domain-rules §7 (rule ``voices.rates`` holds the coefficients and weights):

- **valid** voices: submitted in ``[start, end)``, neither 不予受理 (RETURNED) nor 已合并 (MERGED) nor a
  proposal still 征集附议 (SECONDING);
  a merged duplicate counts once, through the voice it was merged into;
- 响应率 = responded ÷ valid, where responded means ``responded_at`` is set or the status is past
  待响应 (办理中, 待评价, 已办结);
- 解决率 = solved ÷ valid (the handler answered ``solved=True``; a redone answer replaces it);
- 满意率 = (满意 × satisfied + 基本满意 × basically) ÷ valid: an unrated voice counts against it.
  ``satisfaction_among_rated`` gives the same numerator ÷ rated voices, for comparison;
- composite = response × 响应率 + resolution × 解决率 + satisfaction × 满意率.

Every rate is None when there is no valid voice. Counting takes one aggregate query whatever the
number of voices or groups; the working-hour medians are one more: each voice records the working
hours it took when it is responded to and answered (as its deadlines, fixed then), and PostgreSQL
takes the median (``percentile_cont``); elsewhere Python takes it from those recorded hours.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangqun.core.rules import get_rule
from dangqun.voices.calendar import local
from dangqun.voices.models import Channel, Kind, Rating, Status

RULE = "voices.rates"
PLACES = Decimal("0.0001")  # rates to four places: 61.20%
RESPONDED_STATUSES = (Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED)

# group_by → (the field rows are grouped on, the field naming the group, the field to sort on)
GROUPS: dict[str, tuple[str, str | None, str | None]] = {
    "handling_org": ("handling_org", "handling_org__name", "handling_org__path"),
    "unit": ("unit", "unit__name", "unit__path"),
    "category": ("category", "category__name", "category__name"),
    "channel": ("channel", None, None),
    "kind": ("kind", None, None),
    "month": ("month", None, None),
}
GROUP_LABELS = {
    "handling_org": "承办单位",
    "unit": "反映单位",
    "category": "类别",
    "channel": "渠道",
    "kind": "类型",
    "month": "月份",
}
CHOICES = {"channel": Channel, "kind": Kind}
NO_GROUP = {"handling_org": "未交办", "unit": "未知单位", "category": "未分类"}
TOTAL = "合计"


@dataclass(frozen=True)
class RateRow:
    """One group's counts (valid voices only), rates (Decimal 0–1, None without valid voices) and
    medians (working hours from 交办, None without data)."""

    key: object  # the org/category id, the choice value, "YYYY-MM", or None for the total
    label: str
    valid: int = 0
    responded: int = 0
    solved: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    rated: int = 0
    overdue_response: int = 0
    response_rate: Decimal | None = None
    resolution_rate: Decimal | None = None
    satisfaction_rate: Decimal | None = None  # ÷ valid, as §7 says
    satisfaction_among_rated: Decimal | None = None  # ÷ rated, for comparison only
    composite: Decimal | None = None
    median_response_hours: float | None = None  # 交办 → 响应
    median_resolution_hours: float | None = None  # 交办 → 答复


def rates(
    voices: QuerySet,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    group_by: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[RateRow]:
    """The rates of ``voices`` (already scoped to the viewer) submitted in ``[start, end)``.

    Dates mean local midnight. ``group_by`` is None (one 合计 row, even when empty) or one of
    ``GROUPS`` (one row per group holding a valid voice). ``now`` decides which unanswered voices
    are past their response deadline.
    """
    if group_by is not None and group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {sorted(GROUPS)} or None, not {group_by!r}")
    valid = _valid(voices, start, end, group_by)
    counts = _counts(now or timezone.now())
    rule = get_rule(RULE)
    if group_by is None:
        totals = valid.aggregate(**counts)
        medians = _medians(valid, None)
        return [_row(None, TOTAL, totals, medians.get(None, (None, None)), rule.params)]
    key, name, order = GROUPS[group_by]
    fields = [key, *(f for f in (name, order) if f)]
    groups = valid.values(*fields).annotate(**counts).order_by(order or key)
    medians = _medians(valid, group_by)
    rows = []
    for group in groups:
        group_key = _key(group_by, group[key])
        label = _label(group_by, group_key, group.get(name) if name else None)
        rows.append(
            _row(group_key, label, group, medians.get(group_key, (None, None)), rule.params)
        )
    if group_by in CHOICES:  # in the order the choices are listed, not alphabetically
        order_of = {value: i for i, value in enumerate(CHOICES[group_by].values)}
        rows.sort(key=lambda row: order_of.get(row.key, len(order_of)))
    rows.sort(key=lambda row: row.key is None)  # 未交办/未分类 last on every database
    return rows


def monthly_trend(voices: QuerySet, months: int, today: dt.date) -> list[RateRow]:
    """One row per calendar month for the ``months`` months up to ``today``'s (oldest first),
    months without valid voices included, for charts."""
    if months < 1:
        raise ValueError("months must be at least 1")
    first = _add_months(today.replace(day=1), -(months - 1))
    end = _add_months(today.replace(day=1), 1)
    found = {row.key: row for row in rates(voices, first, end, "month")}
    keys = [f"{_add_months(first, i):%Y-%m}" for i in range(months)]
    return [found.get(key) or RateRow(key=key, label=_month_label(key)) for key in keys]


# Counting -----------------------------------------------------------------------------------
def _valid(voices: QuerySet, start, end, group_by: str | None) -> QuerySet:
    valid = voices.filter(submitted_at__gte=_moment(start), submitted_at__lt=_moment(end))
    valid = valid.exclude(status__in=(Status.SECONDING, Status.RETURNED, Status.MERGED)).order_by()
    if group_by == "month":
        valid = valid.annotate(month=TruncMonth("submitted_at", tzinfo=_tz()))
    return valid


def _counts(now: dt.datetime) -> dict[str, Count]:
    """Named ``n_*``: an annotation may not share a name with a field (``solved``)."""
    responded = Q(responded_at__isnull=False) | Q(status__in=RESPONDED_STATUSES)
    late = Q(responded_at__gt=F("response_due")) | Q(
        status=Status.ASSIGNED, response_due__lt=now
    )  # the same test as Voice.overdue() for a voice still 待响应
    return {
        "n_valid": Count("pk"),
        "n_responded": Count("pk", filter=responded),
        "n_solved": Count("pk", filter=Q(solved=True)),
        "n_satisfied": Count("pk", filter=Q(rating=Rating.SATISFIED)),
        "n_basically": Count("pk", filter=Q(rating=Rating.BASICALLY)),
        "n_unsatisfied": Count("pk", filter=Q(rating=Rating.UNSATISFIED)),
        "n_overdue_response": Count("pk", filter=late),
    }


def _row(key, label: str, counts: dict, medians: tuple, params: dict) -> RateRow:
    n = {name.removeprefix("n_"): value or 0 for name, value in counts.items()}
    valid = n["valid"]
    rated = n["satisfied"] + n["basically"] + n["unsatisfied"]
    pleased = n["satisfied"] * _dec(params["satisfied"]) + n["basically"] * _dec(
        params["basically"]
    )
    response = _ratio(n["responded"], valid)
    resolution = _ratio(n["solved"], valid)
    satisfaction = _ratio(pleased, valid)
    composite = None
    if valid:
        composite = (
            _dec(params["response"]) * response
            + _dec(params["resolution"]) * resolution
            + _dec(params["satisfaction"]) * satisfaction
        )
    return RateRow(
        key=key,
        label=label,
        valid=valid,
        responded=n["responded"],
        solved=n["solved"],
        satisfied=n["satisfied"],
        basically=n["basically"],
        unsatisfied=n["unsatisfied"],
        rated=rated,
        overdue_response=n["overdue_response"],
        response_rate=_round(response),
        resolution_rate=_round(resolution),
        satisfaction_rate=_round(satisfaction),
        satisfaction_among_rated=_round(_ratio(pleased, rated)),
        composite=_round(composite),
        median_response_hours=medians[0],
        median_resolution_hours=medians[1],
    )


def _ratio(part, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _dec(value) -> Decimal:
    """A coefficient from the rule (TOML or an override): 0.9 is Decimal("0.9"), not its float."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{RULE}: coefficients and weights must be numbers, not {value!r}")
    return Decimal(str(value))


# Medians in working hours -----------------------------------------------------------------
class _Median(Aggregate):
    """PostgreSQL's exact median; other databases get the median from the hours in Python."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _medians(valid: QuerySet, group_by: str | None) -> dict:
    """{group key: (median response hours, median resolution hours)} from one query, on the
    working hours each voice took (fixed when it was responded to and answered)."""
    key = GROUPS[group_by][0] if group_by else None
    keys = (key,) if key else ()
    if connection.vendor == "postgresql":
        medians = {"response": _Median("response_hours"), "resolution": _Median("resolution_hours")}
        if not key:
            row = valid.aggregate(**medians)
            return {None: (_round_hours(row["response"]), _round_hours(row["resolution"]))}
        rows = valid.values(key).annotate(**medians)
        return {
            _key(group_by, row[key]): (
                _round_hours(row["response"]),
                _round_hours(row["resolution"]),
            )
            for row in rows
        }
    timed = valid.exclude(response_hours__isnull=True, resolution_hours__isnull=True)
    response: dict = {}
    resolution: dict = {}
    for *group, responded, answered in timed.values_list(
        *keys, "response_hours", "resolution_hours"
    ):
        group = _key(group_by, group[0]) if key else None
        if responded is not None:
            response.setdefault(group, []).append(responded)
        if answered is not None:
            resolution.setdefault(group, []).append(answered)
    return {
        group: (_median(response.get(group)), _median(resolution.get(group)))
        for group in response.keys() | resolution.keys()
    }


def _round_hours(value) -> float | None:
    return round(value, 1) if value is not None else None


def _median(values: list[float] | None) -> float | None:
    return round(statistics.median(values), 1) if values else None


# Keys, labels and dates -------------------------------------------------------------------
def _key(group_by: str | None, value):
    """A group's key as rows carry it: "YYYY-MM" for a month, else the stored value."""
    if group_by == "month" and value is not None:
        return f"{timezone.localtime(value, _tz()):%Y-%m}"
    return value


def _label(group_by: str, key, name: str | None) -> str:
    if key is None:
        return NO_GROUP.get(group_by, "—")
    if group_by == "month":
        return _month_label(key)
    if group_by in CHOICES:
        choices = CHOICES[group_by]
        return choices(key).label if key in choices.values else str(key)
    return name or str(key)


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _tz():
    return timezone.get_default_timezone()


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    """A date is local midnight; a datetime must be aware (never guessed)."""
    if isinstance(value, dt.datetime):
        return local(value)
    return dt.datetime.combine(value, dt.time.min, tzinfo=_tz())
