"""A survey's results within k: per question (choice counts and rates, a rating's mean and
distribution, NPS for 0–10, a matrix's item means, free text as topics), for the whole survey or
one unit, the units compared by rate, and the trend across waves of the same template. Every
group shown has at least k responses and none can be derived from the others (``protect``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from dangqun.orgs.models import Org
from dangqun.surveys import protect
from dangqun.surveys.models import TEXT_KINDS, Kind, Question, Response, Status, Survey
from dangqun.voices.topics import text_topics

UNIT_HIDDEN = "该单位答卷不足或可被推算，暂不显示"


@dataclass
class Row:
    label: str
    count: int
    rate: float | None  # 0–100


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    satisfied: float | None = None  # share of 4–5 (rating, matrix) in percent
    nps: float | None = None
    topics: list[tuple[str, int]] = field(default_factory=list)

    @property
    def chart(self) -> dict:
        return {"labels": [r.label for r in self.rows], "counts": [r.count for r in self.rows]}


@dataclass
class UnitRow:
    unit_id: int | None
    label: str
    responses: int
    satisfied: float | None


@dataclass
class Results:
    survey: Survey
    k: int
    total: int
    unit: Org | None = None
    shown: bool = False
    questions: list[QuestionResult] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    hidden_units: int = 0
    waves: list[dict] = field(default_factory=list)

    @property
    def satisfied(self) -> float | None:
        return satisfied_rate([q for q in self.questions])


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _ratings(question: Question, value) -> list[int]:
    if question.kind == Kind.RATING:
        return [value]
    if question.kind == Kind.MATRIX:
        return list(value.values())
    return []


def satisfied_rate(results: list[QuestionResult]) -> float | None:
    parts = [q for q in results if q.satisfied is not None]
    if not parts:
        return None
    return round(sum(q.satisfied for q in parts) / len(parts), 1)


def summarise(question: Question, values: list, *, topics: bool = True) -> QuestionResult:
    """One question over the answers of one group (already known to meet k)."""
    out = QuestionResult(question, answered=len(values))
    n = len(values)
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        counts = Counter(i for v in values for i in (v if isinstance(v, list) else [v]))
        out.rows = [Row(o, counts[i], _rate(counts[i], n)) for i, o in enumerate(question.options)]
    elif question.kind in (Kind.RATING, Kind.SCORE):
        low, high = question.scale
        counts = Counter(values)
        out.rows = [Row(f"{s} 分", counts[s], _rate(counts[s], n)) for s in range(low, high + 1)]
        out.mean = round(sum(values) / n, 2) if n else None
        if question.kind == Kind.RATING:
            out.satisfied = _rate(sum(1 for v in values if v >= 4), n)
        else:
            promoters = sum(1 for v in values if v >= 9)
            detractors = sum(1 for v in values if v <= 6)
            out.nps = round((promoters - detractors) * 100 / n, 1) if n else None
    elif question.kind == Kind.MATRIX:
        flat = [s for v in values for s in v.values()]
        for i, item in enumerate(question.items):
            scores = [v.get(str(i)) for v in values if v.get(str(i)) is not None]
            mean = round(sum(scores) / len(scores), 2) if scores else None
            out.rows.append(Row(item, len(scores), mean))
        out.satisfied = _rate(sum(1 for s in flat if s >= 4), len(flat))
        out.mean = round(sum(flat) / len(flat), 2) if flat else None
    elif question.kind in TEXT_KINDS and topics:
        out.topics = text_topics([v for v in values if isinstance(v, str)])
    return out


def _rows(survey: Survey) -> list[tuple[int | None, dict]]:
    return list(Response.objects.filter(survey=survey).values_list("unit_id", "answers"))


def _by_question(questions, answers_list, *, topics=True) -> list[QuestionResult]:
    found = []
    for q in questions:
        key = str(q.pk)
        values = [a[key] for a in answers_list if key in a]
        found.append(summarise(q, values, topics=topics))
    return found


def units_shown(sizes: dict, total: int, k: int) -> set:
    return protect.shown(total, sizes, k)


def results(survey: Survey, unit_id: int | None = None, *, with_waves: bool = True) -> Results:
    """The results the page, the API and the export show. ``unit_id``: one unit's, only when
    that unit is shown in the comparison; otherwise a Chinese refusal."""
    k = protect.min_group()
    every = _rows(survey)
    rows = every
    total = len(every)
    questions = list(survey.questions.all())
    sizes = Counter(u for u, _ in rows)
    shown_units = protect.shown(total, dict(sizes), k)
    names = dict(Org.objects.filter(pk__in=[u for u in sizes if u]).values_list("pk", "name"))
    found = Results(survey=survey, k=k, total=total)
    if unit_id is not None:
        if unit_id not in shown_units:
            raise ValidationError({"unit": UNIT_HIDDEN})
        found.unit = Org.objects.filter(pk=unit_id).first()
        rows = [r for r in rows if r[0] == unit_id]
    found.shown = total >= k
    if not found.shown:
        return found
    found.questions = _by_question(questions, [a for _, a in rows])
    grouped = defaultdict(list)
    for u, a in every:
        grouped[u].append(a)
    for u in sorted(shown_units, key=lambda u: names.get(u, "")):
        per = _by_question(questions, grouped[u], topics=False)
        found.units.append(UnitRow(u, names.get(u, "未知单位"), sizes[u], satisfied_rate(per)))
    found.hidden_units = len(sizes) - len(shown_units)
    if with_waves and survey.template:
        found.waves = waves(survey)
    return found


def waves(survey: Survey) -> list[dict]:
    """Each closed or open wave of the survey's template and organisation: its 综合满意率 overall
    and per shown unit."""
    k = protect.min_group()
    found = []
    series = Survey.objects.filter(template=survey.template, org=survey.org).exclude(
        status=Status.DRAFT
    )
    for wave in series.order_by("wave"):
        rows = _rows(wave)
        if len(rows) < k:
            found.append(
                {
                    "wave": wave.wave,
                    "pk": wave.pk,
                    "responses": len(rows),
                    "rate": None,
                    "units": {},
                }
            )
            continue
        questions = list(wave.questions.all())
        sizes = Counter(u for u, _ in rows)
        shown_units = protect.shown(len(rows), dict(sizes), k)
        overall = satisfied_rate(_by_question(questions, [a for _, a in rows], topics=False))
        units = {}
        for u in shown_units:
            per = _by_question(questions, [a for x, a in rows if x == u], topics=False)
            units[u] = satisfied_rate(per)
        found.append(
            {
                "wave": wave.wave,
                "pk": wave.pk,
                "responses": len(rows),
                "rate": overall,
                "units": units,
            }
        )
    return found


def trend_chart(found: Results) -> dict:
    """Waves on the x axis; the whole and every unit shown in each wave (a gap where not)."""
    if len(found.waves) < 2:
        return {}
    units = {u for w in found.waves for u in w["units"]}
    names = dict(Org.objects.filter(pk__in=[u for u in units if u]).values_list("pk", "name"))
    series = [{"name": "全部", "data": [w["rate"] for w in found.waves]}]
    for u in sorted(units, key=lambda u: names.get(u, "")):
        series.append(
            {"name": names.get(u, "未知单位"), "data": [w["units"].get(u) for w in found.waves]}
        )
    return {"labels": [f"第 {w['wave']} 期" for w in found.waves], "series": series}
