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

Every rate is None when there is no valid voice. Each voice records the working hours it took
when it is responded to and answered (fixed then, as its deadlines); the medians are estimated from
a histogram of those hours (``tally.EDGES``), so that they can be summed like the counts.

Counts come from one of two places, with the same result: for a viewer who sees a whole enterprise
and a period of whole months, its monthly tallies (``tally``) plus one query over open voices for
responses late right now; otherwise one aggregate over the voices in the viewer's scope. Either way
the number of queries does not grow with the number of voices or groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangqun.core.dates import add_months
from dangqun.core.rules import get_rule
from dangqun.core.workcalendar import local
from dangqun.orgs.models import Org
from dangqun.voices import tally
from dangqun.voices.models import Category, Channel, Kind, Rating, Status, VoiceTally

RULE = "voices.rates"
PLACES = Decimal("0.0001")  # rates to four places: 61.20%
RESPONDED_STATUSES = (Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED)

GROUPS = ("handling_org", "unit", "category", "channel", "kind", "month")
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
    enterprise: str | None = None,
) -> list[RateRow]:
    """The rates of ``voices`` (already scoped to the viewer) submitted in ``[start, end)``.

    Dates mean local midnight. ``group_by`` is None (one 合计 row, even when empty) or one of
    ``GROUPS`` (one row per group holding a valid voice). ``now`` decides which unanswered voices
    are past their response deadline. ``enterprise`` (a top-level organisation's path) says that
    ``voices`` are all those raised in or handled by it: for whole months, counts then come from
    its monthly tallies instead of every voice.
    """
    if group_by is None:
        counts = _counts(voices, start, end, None, now, enterprise)
        return [_row(None, TOTAL, counts.get(None, {}), get_rule(RULE).params)]
    return table(voices, start, end, group_by, now=now, enterprise=enterprise)[0]


def table(
    voices: QuerySet,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    group_by: str,
    *,
    now: dt.datetime | None = None,
    enterprise: str | None = None,
) -> tuple[list[RateRow], RateRow]:
    """The rows of ``rates(…, group_by)`` and their 合计, counted once: every grouping splits the
    valid voices, so the total is the sum of the groups' counts and histograms."""
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {sorted(GROUPS)} or None, not {group_by!r}")
    counts = _counts(voices, start, end, group_by, now, enterprise)
    params = get_rule(RULE).params
    total = {name: sum(group.get(name, 0) for group in counts.values()) for name in tally.FIELDS}
    labels = _labels(group_by, [key for key, row in counts.items() if row.get("valid")])
    rows = [_row(key, label, counts[key], params) for key, (label, _) in labels.items()]
    rows.sort(key=lambda row: (row.key is None, labels[row.key][1]))  # 未交办/未分类 last
    return rows, _row(None, TOTAL, total, params)


def _counts(voices, start, end, group_by: str | None, now, enterprise: str | None) -> dict:
    """{group key: counts}, from the enterprise's tallies when they can serve, else the voices."""
    start, end = _moment(start), _moment(end)
    now = now or timezone.now()
    if enterprise is None or not (_first_of_month(start) and _first_of_month(end)):
        return _counted(voices, start, end, group_by, now)
    counts = _tallied(enterprise, start, end, group_by)
    for key, late in _late_now(voices, start, end, group_by, now).items():
        row = counts.setdefault(key, {})
        row["late_response"] = row.get("late_response", 0) + late
    return counts


def monthly_trend(
    voices: QuerySet, months: int, today: dt.date, *, enterprise: str | None = None
) -> list[RateRow]:
    """One row per calendar month for the ``months`` months up to ``today``'s (oldest first),
    months without valid voices included, for charts."""
    if months < 1:
        raise ValueError("months must be at least 1")
    first = add_months(today.replace(day=1), -(months - 1))
    end = add_months(today.replace(day=1), 1)
    found = {row.key: row for row in rates(voices, first, end, "month", enterprise=enterprise)}
    keys = [f"{add_months(first, i):%Y-%m}" for i in range(months)]
    return [found.get(key) or RateRow(key=key, label=_month_label(key)) for key in keys]


# Counting every voice -------------------------------------------------------------------------
def _counted(voices: QuerySet, start, end, group_by: str | None, now) -> dict:
    """{group key: counts} from the voices themselves: one aggregate, histograms included."""
    valid = voices.filter(submitted_at__gte=start, submitted_at__lt=end)
    valid = valid.exclude(status__in=tally.EXCLUDED).order_by()
    responded = Q(responded_at__isnull=False) | Q(status__in=RESPONDED_STATUSES)
    late = Q(responded_at__gt=F("response_due")) | Q(
        status=Status.ASSIGNED, response_due__lt=now
    )  # the same test as Voice.overdue() for a voice still 待响应
    counts = {
        "valid": Count("pk"),
        "responded": Count("pk", filter=responded),
        "solved": Count("pk", filter=Q(solved=True)),
        "satisfied": Count("pk", filter=Q(rating=Rating.SATISFIED)),
        "basically": Count("pk", filter=Q(rating=Rating.BASICALLY)),
        "unsatisfied": Count("pk", filter=Q(rating=Rating.UNSATISFIED)),
        "late_response": Count("pk", filter=late),
    }
    for kind, fields in tally.HOUR_FIELDS.items():
        edges = (None, *tally.EDGES, None)
        for index, field in enumerate(fields):
            within = Q(**{f"{kind}_hours__isnull": False})
            if edges[index] is not None:
                within &= Q(**{f"{kind}_hours__gte": edges[index]})
            if edges[index + 1] is not None:
                within &= Q(**{f"{kind}_hours__lt": edges[index + 1]})
            counts[field] = Count("pk", filter=within)
    # Aliased: an annotation may not share a name with a field (``solved``).
    aliased = {f"n_{name}": value for name, value in counts.items()}
    if group_by is None:
        row = valid.aggregate(**aliased)
        return {None: _unaliased(row)}
    field = _group_field(group_by)
    if group_by == "month":
        valid = valid.annotate(month=TruncMonth("submitted_at", tzinfo=_tz()))
    return {
        _key(group_by, row[field]): _unaliased(row)
        for row in valid.values(field).annotate(**aliased)
    }


def _unaliased(row: dict) -> dict:
    return {name.removeprefix("n_"): value or 0 for name, value in row.items() if name[:2] == "n_"}


def _group_field(group_by: str) -> str:
    return group_by if group_by in ("month", *CHOICES) else f"{group_by}_id"


# Reading the monthly tallies --------------------------------------------------------------------
def _tallied(enterprise: str, start, end, group_by: str | None) -> dict:
    """{group key: counts} summed from the enterprise's tallies of the months in [start, end)."""
    dimension = group_by if group_by in tally.DIMENSIONS else "channel"  # every voice has one
    rows = VoiceTally.objects.filter(
        root=enterprise,
        dimension=dimension,
        month__gte=timezone.localtime(start, _tz()).date(),
        month__lt=timezone.localtime(end, _tz()).date(),
    ).order_by()
    sums = {f"n_{name}": Sum(name) for name in tally.FIELDS}
    if group_by is None:
        return {None: _unaliased(rows.aggregate(**sums))}
    field = "month" if group_by == "month" else "key"
    result = {}
    for row in rows.values(field).annotate(**sums):
        if group_by == "month":
            key = f"{row['month']:%Y-%m}"
        elif group_by in CHOICES:
            key = row["key"]
        else:
            key = int(row["key"]) if row["key"] else None
        result[key] = _unaliased(row)
    return result


def _late_now(voices: QuerySet, start, end, group_by: str | None, now) -> dict:
    """{group key: voices waiting for a response past its deadline now} (tallies cannot know the
    clock): open voices only, through their partial index."""
    waiting = voices.filter(
        status=Status.ASSIGNED,
        response_due__lt=now,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).filter(Q(responded_at__isnull=True) | Q(responded_at__lte=F("response_due")))
    waiting = waiting.order_by()  # a voice responded late is in the tallies' count already
    if group_by is None:
        return {None: waiting.count()}
    field = _group_field(group_by)
    if group_by == "month":
        waiting = waiting.annotate(month=TruncMonth("submitted_at", tzinfo=_tz()))
    return {
        _key(group_by, row[field]): row["n"]
        for row in waiting.values(field).annotate(n=Count("pk"))
    }


# Rows -------------------------------------------------------------------------------------------
def rate_row(counts: dict, key=None, label: str = TOTAL, params: dict | None = None) -> RateRow:
    """The rates of one set of tally counts (as ``VoiceTally``'s fields; missing ones are 0),
    for other pages that show 三率 beside their own figures (``params``: the rule's, read once
    by a caller computing many)."""
    return _row(key, label, counts, params or get_rule(RULE).params)


def _row(key, label: str, n: dict, params: dict) -> RateRow:
    n = {name: n.get(name, 0) for name in tally.FIELDS}
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
        overdue_response=n["late_response"],
        response_rate=_round(response),
        resolution_rate=_round(resolution),
        satisfaction_rate=_round(satisfaction),
        satisfaction_among_rated=_round(_ratio(pleased, rated)),
        composite=_round(composite),
        median_response_hours=median_hours([n[f] for f in tally.HOUR_FIELDS["response"]]),
        median_resolution_hours=median_hours([n[f] for f in tally.HOUR_FIELDS["resolution"]]),
    )


def median_hours(histogram: list[int]) -> float | None:
    """The median estimated from a histogram over ``tally.EDGES``: linear within the bucket that
    holds it (as Prometheus' histogram_quantile); the open last bucket gives its lower edge."""
    total = sum(histogram)
    if not total:
        return None
    half, below = total / 2, 0
    for index, count in enumerate(histogram):
        if count and below + count >= half:
            low = tally.EDGES[index - 1] if index else 0.0
            if index == len(tally.EDGES):
                return float(low)
            high = tally.EDGES[index]
            return round(low + (high - low) * (half - below) / count, 1)
        below += count
    return None  # unreachable: the counts sum to total


def _ratio(part, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _dec(value) -> Decimal:
    """A coefficient from the rule (TOML or an override): 0.9 is Decimal("0.9"), not its float."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{RULE}: coefficients and weights must be numbers, not {value!r}")
    return Decimal(str(value))


# Keys, labels and dates -------------------------------------------------------------------
def _key(group_by: str | None, value):
    """A group's key as rows carry it: "YYYY-MM" for a month, else the stored value."""
    if group_by == "month" and value is not None:
        return f"{timezone.localtime(value, _tz()):%Y-%m}"
    return value


def _labels(group_by: str, keys: list) -> dict:
    """{key: (label, sort key)} for the groups found: organisations in tree order, categories by
    name, choices in the order they are listed, months in time order (one query at most)."""
    names: dict = {}
    if group_by in ("handling_org", "unit"):
        orgs = Org.objects.filter(pk__in=[k for k in keys if k is not None])
        names = {pk: (name, path) for pk, name, path in orgs.values_list("pk", "name", "path")}
    elif group_by == "category":
        categories = Category.objects.filter(pk__in=[k for k in keys if k is not None])
        names = {pk: (name, name) for pk, name in categories.values_list("pk", "name")}
    elif group_by in CHOICES:
        choices = CHOICES[group_by]
        order = {value: index for index, value in enumerate(choices.values)}
        names = {k: (choices(k).label, order[k]) for k in keys if k in order}
    labels = {}
    for key in keys:
        if key is None:
            labels[key] = (NO_GROUP.get(group_by, "—"), "")
        elif group_by == "month":
            labels[key] = (_month_label(key), key)
        else:
            labels[key] = names.get(key, (str(key), str(key)))
    return labels


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def _tz():
    return timezone.get_default_timezone()


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    """A date is local midnight; a datetime must be aware (never guessed)."""
    if isinstance(value, dt.datetime):
        return local(value)
    return dt.datetime.combine(value, dt.time.min, tzinfo=_tz())


def _first_of_month(moment: dt.datetime) -> bool:
    here = timezone.localtime(moment, _tz())
    return here.day == 1 and here.time() == dt.time.min
