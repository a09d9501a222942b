"""员工满意度指数 (issue #18 §3): per unit and quarter, the index of the 员工满意度调查 pulse beside
群众呼声's 满意率 and 解决率 of the same unit and quarter.

- **Which pulse**: the waves of one organisation's 员工满意度调查 (template ``pulse``) — a series, as
  the results page's trend. A wave counts for the quarter its answering started in (``opens_on``,
  else the day it was opened); two waves in one quarter are pooled.
- **The index** (rule ``surveys.satisfaction_index``): each weighted item's answers on its scale
  turned into 0–100 (``(answer − lowest) ÷ (highest − lowest) × 100``) and averaged over who
  answered it; the index is the weighted mean of the items' scores, the weights of the items
  present. Computed in fractions, rounded once to one place at the end.
- **Within k**: a unit's figures come only from what the wave's results page shows — a unit the
  comparison shows (``protect``), without the items hidden there for it — and the whole row from
  waves of at least k responses; so the index shows nothing the results pages would not.
- **Units**: the unit each response counts for (the respondent's company, ``Org.company``). A
  voice counts for the same unit (``Voice.company``). The voices' rates come from 群众呼声's
  monthly tallies' "company" rows (rule ``voices.rates``) and are shown only to a reader who may
  see that unit's voices; the whole row's only when the pulse stands for a group or a company.

Reads: the series' waves, each wave's questions and tallies (closed waves' sizes are cached), the
voice tallies' company rows of the window, and the units' names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_VOICES, VIEW_VOICES
from dangqun.accounts.scope import Scope
from dangqun.core.dates import add_months
from dangqun.core.rules import get_rule
from dangqun.orgs.models import Kind as OrgKind
from dangqun.orgs.models import Org, System
from dangqun.surveys import protect, results, services
from dangqun.surveys.models import ANSWERED, SCALES, Question, Status, Survey
from dangqun.voices import metrics
from dangqun.voices.models import VoiceTally

RULE = "surveys.satisfaction_index"
TEMPLATE = "pulse"
QUARTER_CHOICES = (4, 8, 12)
DEFAULT_QUARTERS = 8
NO_SERIES = "还没有可查看的员工满意度调查"
VOICE_FIELDS = ("valid", "responded", "solved", "satisfied", "basically", "unsatisfied")
TENTH = Decimal("0.1")


# Quarters ---------------------------------------------------------------------------------------
def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def next_quarter(quarter: dt.date) -> dt.date:
    return add_months(quarter, 3)


def quarter_label(quarter: dt.date) -> str:
    return f"{quarter.year}年第{(quarter.month - 1) // 3 + 1}季度"


def quarter_short(quarter: dt.date) -> str:
    return f"{quarter.year % 100:02d}年{(quarter.month - 1) // 3 + 1}季度"


def quarters_to(last: dt.date, count: int) -> list[dt.date]:
    """``count`` quarters ending with the one holding ``last``, oldest first."""
    return [add_months(quarter_of(last), -3 * back) for back in range(count - 1, -1, -1)]


def wave_start(survey: Survey) -> dt.date:
    if survey.opens_on:
        return survey.opens_on
    moment = survey.opened_at or survey.created_at
    return timezone.localtime(moment).date()


# Results ----------------------------------------------------------------------------------------
@dataclass
class Cell:
    """One unit (or the whole) in one quarter. ``index`` None: no wave, or below k there."""

    quarter: dt.date
    responses: int = 0
    index: Decimal | None = None
    items: dict[str, Decimal] = field(default_factory=dict)  # item code → score 0–100
    # the whole: a wave ran but its answers may not be shown; a unit: shown, but each weighted
    # item too few answered (a unit a wave hides is not named at all)
    below_k: bool = False
    voices: int | None = None  # valid voices; None: not shown to this reader
    satisfaction_rate: Decimal | None = None  # 0–1, rule voices.rates
    resolution_rate: Decimal | None = None

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def short(self) -> str:
        return quarter_short(self.quarter)


@dataclass
class Line:
    unit_id: int | None  # None: the whole
    label: str
    cells: list[Cell]

    @property
    def latest(self) -> Cell | None:
        return next((c for c in reversed(self.cells) if c.index is not None), None)


@dataclass
class Index:
    org: Org  # whose pulse
    series: list[Org]  # every organisation whose pulse the reader may choose
    quarters: list[dt.date]
    k: int
    weights: dict[str, Fraction]
    item_labels: dict[str, str]
    waves: list[tuple[dt.date, Survey]]
    whole: Line
    units: list[Line]
    voices_shown: bool


def weights() -> dict[str, Fraction]:
    """Item code → weight (relative; only positive weights count)."""
    params = get_rule(RULE).params
    found = {}
    for code, value in params.items():
        weight = Fraction(str(value))
        if weight > 0:
            found[code] = weight
    return found


def series_orgs(user) -> list[Org]:
    """The organisations whose pulse the user may read (``services.kept_by``), highest first."""
    pulses = services.kept_by(user).filter(template=TEMPLATE).exclude(status=Status.DRAFT)
    return list(Org.objects.filter(pk__in=pulses.values("org_id")).order_by("path"))


def compute(user, org_id: int | None = None, count: int = DEFAULT_QUARTERS, last=None) -> Index:
    """The index of the chosen (else the highest) pulse series the user reads, for ``count``
    quarters ending with the one holding ``last`` (today)."""
    orgs = series_orgs(user)
    if not orgs:
        raise ValidationError(NO_SERIES)
    org = next((o for o in orgs if o.pk == org_id), orgs[0])
    count = count if count in QUARTER_CHOICES else DEFAULT_QUARTERS
    quarters = quarters_to(last or timezone.localdate(), count)
    end = next_quarter(quarters[-1])
    k = protect.min_group()
    wanted = weights()
    waves = [
        (quarter_of(wave_start(s)), s)
        for s in Survey.objects.filter(template=TEMPLATE, org=org)
        .exclude(status=Status.DRAFT)
        .order_by("wave", "pk")
    ]
    waves = [(q, s) for q, s in waves if quarters[0] <= q < end]
    pooled: dict[tuple[int | None, dt.date], _Pool] = defaultdict(_Pool)
    labels: dict[str, str] = {}
    for quarter, survey in waves:
        _add_wave(survey, quarter, k, wanted, pooled, labels)
    asked = {quarter for quarter, _ in waves}
    # only units some wave's results page shows: naming one that none shows would tell that
    # someone there answered
    unit_ids = sorted({u for u, _ in pooled if u is not None})
    unit_orgs = {o.pk: o for o in Org.objects.filter(pk__in=unit_ids).only("pk", "name", "path")}
    readers = _voice_readers(user, org, unit_orgs)
    voices = _voices(org, unit_orgs, readers, quarters) if readers else {}
    rates = get_rule(metrics.RULE).params

    def line(unit_id: int | None, label: str) -> Line:
        cells = []
        for quarter in quarters:
            pool = pooled.get((unit_id, quarter))
            cell = Cell(quarter)
            if pool is not None:
                cell.responses = pool.responses
                cell.items = {c: _round(s) for c, s in pool.scores().items()}
                cell.index = _round(pool.index(wanted))
                cell.below_k = cell.index is None  # shown, but every weighted item hidden
            elif unit_id is None and quarter in asked:
                cell.below_k = True  # the wave's results page says 不足 k too
            if unit_id in readers:
                row = metrics.rate_row(voices.get((unit_id, quarter), {}), params=rates)
                cell.voices = row.valid
                cell.satisfaction_rate = row.satisfaction_rate
                cell.resolution_rate = row.resolution_rate
            cells.append(cell)
        return Line(unit_id, label, cells)

    whole = line(None, f"{org.name}（全部）")
    units = [line(u, unit_orgs[u].name if u in unit_orgs else "未知单位") for u in unit_ids]
    units.sort(key=lambda row: row.label)
    return Index(
        org=org,
        series=orgs,
        quarters=quarters,
        k=k,
        weights=wanted,
        item_labels=labels,
        waves=waves,
        whole=whole,
        units=units,
        voices_shown=bool(readers),
    )


@dataclass
class _Pool:
    """One cell's answers, pooled over its waves: per item, the sum of answers on 0–1 and how
    many answered."""

    responses: int = 0
    points: dict[str, Fraction] = field(default_factory=lambda: defaultdict(Fraction))
    answered: Counter = field(default_factory=Counter)

    def scores(self) -> dict[str, Fraction]:
        return {c: self.points[c] * 100 / n for c, n in self.answered.items() if n}

    def index(self, wanted: dict[str, Fraction]) -> Fraction | None:
        scores = self.scores()
        total = sum(wanted[c] for c in scores)
        if not total:
            return None
        return sum(wanted[c] * s for c, s in scores.items()) / total


def _add_wave(survey, quarter, k, wanted, pooled, labels) -> None:
    """A wave's shown groups added to the quarter's pools."""
    sizes = results._sizes(survey)
    total = sum(sizes.values())
    units = {u: n for u, n in sizes.items() if u}
    if total < k:
        return
    questions = [q for q in survey.questions.all() if q.code in wanted and q.kind in SCALES]
    for q in questions:
        labels.setdefault(q.code, q.text)
    table = results._table(survey)
    shown = protect.shown(total, units, k)
    hiding = results._hiding(questions, table, shown, k)
    _pool(pooled[(None, quarter)], questions, sum(table.values(), Counter()), total, k, set())
    for u in shown:
        _pool(pooled[(u, quarter)], questions, table[u], sizes[u], k, hiding(u))


def _pool(pool: _Pool, questions: list[Question], counts: Counter, size: int, k, hidden) -> None:
    pool.responses += size
    split: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (qid, item, value), n in counts.items():
        if item != ANSWERED:
            split[qid].append((item, value, n))
    for q in questions:
        cells = split.get(q.pk, [])
        per_item = Counter()
        for item, _, n in cells:
            per_item[item] += n
        answered = counts.get((q.pk, ANSWERED, 0), 0)
        if q.pk in hidden or not answered or results.too_few(q, answered, per_item.values(), k):
            continue  # as the results page: hidden there, so left out here
        low, high = q.scale
        above_lowest = sum((value - low) * n for _, value, n in cells)  # integers: exact
        pool.points[q.code] += Fraction(above_lowest, high - low)
        pool.answered[q.code] += sum(per_item.values())  # a matrix: each item's answer


def _round(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(TENTH, rounding=ROUND_HALF_UP)


# 群众呼声 beside it ---------------------------------------------------------------------------------
def _base_unit(org: Org) -> Org:
    """The enterprise unit a pulse's organisation stands for (a 党委 its unit)."""
    if org.system != System.ENTERPRISE and org.unit_id:
        return org.unit
    return org


def _voice_readers(user, org: Org, units: dict[int, Org]) -> set:
    """The rows (unit ids, None for the whole) whose voices the user may read."""
    scope = Scope.of(user)

    def reads(target: Org) -> bool:
        return scope.can(VIEW_VOICES, target) or scope.can(MANAGE_VOICES, target)

    if not (scope.has(VIEW_VOICES) or scope.has(MANAGE_VOICES)):
        return set()
    found = {pk for pk, unit in units.items() if reads(unit)}
    base = _base_unit(org)
    if base.system == System.ENTERPRISE and base.kind != OrgKind.DEPARTMENT and reads(base):
        found.add(None)  # a department's voices count for its company: no whole row of its own
    return found


def _voices(org: Org, units: dict[int, Org], readers: set, quarters: list[dt.date]) -> dict:
    """(unit id or None for the whole, quarter) → the counts of the voices raised there, for
    the rows in ``readers``: the tallies' "company" rows of the months in the window, each unit's
    under its own enterprise (a voice handled in another enterprise is counted there too)."""
    base = _base_unit(org)
    roots = {unit.path[: Org.steplen] for unit in units.values()}
    if base.system == System.ENTERPRISE:
        roots.add(base.path[: Org.steplen])
    rows = VoiceTally.objects.filter(
        root__in=roots,
        dimension="company",
        month__gte=quarters[0],
        month__lt=next_quarter(quarters[-1]),
    ).values_list("root", "key", "month", *VOICE_FIELDS)
    rows = [(root, int(key) if key else None, month, v) for root, key, month, *v in rows]
    under: set = set()  # the whole: companies under the pulse's unit, in its enterprise
    if None in readers and base.system == System.ENTERPRISE:
        keys = {key for _, key, _, _ in rows if key is not None}
        under = set(
            Org.objects.filter(pk__in=keys, path__startswith=base.path).values_list("pk", flat=True)
        )
    own_root = {pk: unit.path[: Org.steplen] for pk, unit in units.items()}
    found: dict = defaultdict(lambda: dict.fromkeys(VOICE_FIELDS, 0))
    for root, unit, month, values in rows:
        counts = dict(zip(VOICE_FIELDS, values, strict=True))
        quarter = quarter_of(month)
        if unit in under and root == base.path[: Org.steplen]:
            _add(found[(None, quarter)], counts)
        if unit in readers and unit is not None and own_root.get(unit) == root:
            _add(found[(unit, quarter)], counts)
    return dict(found)


def _add(into: dict, counts: dict) -> None:
    for name in VOICE_FIELDS:
        into[name] += counts[name]
