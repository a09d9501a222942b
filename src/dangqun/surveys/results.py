"""A survey's results within k: per question (choice counts and rates, a rating's mean and
distribution, NPS for 0–10, a matrix's item means, free text as topics), for the whole survey or
one unit, the units compared by rate, and the trend across waves of the same template. Every
group shown has at least k responses and none can be derived from the others (``protect``).
Figures come from the per-unit ``Tally`` rows (one query a survey), the group sizes from the
responses' unit index; only free text reads answers, at most ``TEXT_SAMPLE`` of them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count

from dangqun.orgs.models import Org
from dangqun.surveys import protect
from dangqun.surveys.models import (
    ANSWERED,
    TEXT_KINDS,
    Kind,
    Question,
    Response,
    Status,
    Survey,
    Tally,
)

UNIT_HIDDEN = "该单位答卷不足或可被推算，暂不显示"
TEXT_SAMPLE = 2000


@dataclass
class Row:
    label: str
    count: int
    rate: float | None  # 0–100; a matrix's row: its mean


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    satisfied: float | None = None  # share of 4–5 (rating, matrix) in percent
    nps: float | None = None
    topics: list[tuple[str, int]] = field(default_factory=list)
    # too few answered it in this group (skip logic, optional questions), or the rest could be
    # worked out from the groups shown: nothing of it is shown, not even how many answered
    hidden: bool = False

    def hide(self) -> QuestionResult:
        self.answered, self.rows, self.topics = None, [], []
        self.mean = self.satisfied = self.nps = None
        self.hidden = True
        return self

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
        return satisfied_rate(self.questions)

    @property
    def responses(self) -> int:
        """The responses of the group shown (the unit's, or the whole survey's)."""
        if self.unit is None:
            return self.total
        return next((u.responses for u in self.units if u.unit_id == self.unit.pk), 0)


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def satisfied_rate(found: list[QuestionResult]) -> float | None:
    parts = [q.satisfied for q in found if q.satisfied is not None]
    return round(sum(parts) / len(parts), 1) if parts else None


def summarise(
    question: Question, counts: Counter, texts: list[str] | None = None, k: int | None = None
) -> QuestionResult:
    """One question over one group's counts ``{(item, value): n}`` (the group meets k); hidden
    when fewer than ``k`` answered it, or answered one of a matrix's items."""
    answered = counts.get((ANSWERED, 0), 0)
    out = QuestionResult(question, answered=answered)
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        out.rows = [
            Row(o, counts.get((-1, i), 0), _rate(counts.get((-1, i), 0), answered))
            for i, o in enumerate(question.options)
        ]
    elif question.kind in (Kind.RATING, Kind.SCORE):
        low, high = question.scale
        scores = {s: counts.get((-1, s), 0) for s in range(low, high + 1)}
        out.rows = [Row(f"{s} 分", n, _rate(n, answered)) for s, n in scores.items()]
        if answered:
            out.mean = round(sum(s * n for s, n in scores.items()) / answered, 2)
        if question.kind == Kind.RATING:
            out.satisfied = _rate(scores[4] + scores[5], answered)
        elif answered:
            promoters = scores[9] + scores[10]
            detractors = sum(n for s, n in scores.items() if s <= 6)
            out.nps = round((promoters - detractors) * 100 / answered, 1)
    elif question.kind == Kind.MATRIX:
        cells = satisfied = total = 0
        for i, item in enumerate(question.items):
            scores = {s: counts.get((i, s), 0) for s in range(1, 6)}
            n = sum(scores.values())
            points = sum(s * c for s, c in scores.items())
            out.rows.append(Row(item, n, round(points / n, 2) if n else None))
            cells, total = cells + n, total + points
            satisfied += scores[4] + scores[5]
        out.satisfied = _rate(satisfied, cells)
        out.mean = round(total / cells, 2) if cells else None
    elif question.kind in TEXT_KINDS:
        # import here: topics loads jieba and scikit-learn, which most processes never need
        from dangqun.voices.topics import text_topics

        values = [t for t in texts or [] if isinstance(t, str)]
        out.answered = len(values)
        out.topics = text_topics(values) if values else []
    if k and too_few(question, out.answered, [r.count for r in out.rows], k):
        return out.hide()
    return out


def too_few(question: Question, answered: int, item_counts, k: int) -> bool:
    """Whether a question's figures in a group must be hidden: fewer than k answered it, or (a
    matrix) one of its items. The satisfaction index leaves out what this hides."""
    if 0 < answered < k:
        return True
    return question.kind == Kind.MATRIX and any(0 < n < k for n in item_counts)


def _table(survey: Survey) -> dict[int, Counter]:
    """unit key → {(question, item, value): n}: the survey's tally in one query."""
    table: dict[int, Counter] = defaultdict(Counter)
    rows = Tally.objects.filter(survey=survey).values_list(
        "unit_key", "question_id", "item", "value", "count"
    )
    for unit, q, i, v, n in rows:
        table[unit][(q, i, v)] += n
    return table


def _sizes(survey: Survey) -> Counter:
    """Responses per unit key. A closed wave's never change: they are counted once and cached
    (the trend reads every wave's on each view)."""
    if survey.status == Status.CLOSED:
        key = f"surveys:sizes:{survey.pk}:{survey.closed_at.timestamp() if survey.closed_at else 0}"
        return Counter(cache.get_or_set(key, lambda: dict(_count_sizes(survey)), 24 * 3600))
    return _count_sizes(survey)


def _count_sizes(survey: Survey) -> Counter:
    rows = (
        Response.objects.filter(survey=survey).values("unit_id").annotate(n=Count("pk")).order_by()
    )
    return Counter({(r["unit_id"] or 0): r["n"] for r in rows})


def _per_question(
    questions, counts: Counter, k: int, texts: dict[int, list] | None = None, hidden=frozenset()
) -> list[QuestionResult]:
    """Each question over one group's counts; those in ``hidden`` (ids) are hidden whatever
    their counts."""
    split: dict[int, Counter] = defaultdict(Counter)
    for (q, i, v), n in counts.items():
        split[q][(i, v)] = n
    found = [summarise(q, split[q.pk], (texts or {}).get(q.pk), k) for q in questions]
    return [r.hide() if r.question.pk in hidden else r for r in found]


def _answered_by_unit(questions, table: dict[int, Counter], units) -> dict[int, dict]:
    """question id → {unit: how many of the unit answered it}, for the units shown."""
    return {
        q.pk: {u: table[u].get((q.pk, ANSWERED, 0), 0) for u in units}
        for q in questions
        if q.kind not in TEXT_KINDS
    }


def _hiding(questions, table, shown_units, k):
    """``hidden(unit)``: the questions a unit's figures must leave out. With skip logic or
    optional questions fewer may answer a question than the unit's responses, and a question is
    shown for a unit only when ``protect`` would show that unit among the units' answer counts
    of it (so the whole group minus the units shown never leaves fewer than k answers of it)."""
    allowed = {}
    for q, by_unit in _answered_by_unit(questions, table, shown_units).items():
        total = sum(table[u].get((q, ANSWERED, 0), 0) for u in table)
        allowed[q] = protect.shown(total, by_unit, k)

    def hidden(unit) -> set[int]:
        return {q for q, units in allowed.items() if unit not in units}

    return hidden


def _texts(survey: Survey, questions, unit_key: int | None) -> dict[int, list]:
    """The free-text answers of a group, an even sample of at most ``TEXT_SAMPLE`` responses."""
    text_questions = [q for q in questions if q.kind in TEXT_KINDS]
    if not text_questions:
        return {}
    rows = Response.objects.filter(survey=survey)
    if unit_key is not None:
        rows = rows.filter(unit_id=unit_key or None)
    answers = list(rows.values_list("answers", flat=True)[:TEXT_SAMPLE])
    return {q.pk: [a[str(q.pk)] for a in answers if str(q.pk) in a] for q in text_questions}


def results(survey: Survey, unit_id: int | None = None, *, with_waves: bool = True) -> Results:
    """The results the page, the API and the export show. ``unit_id``: one unit's, only when
    that unit is shown in the comparison; otherwise a Chinese refusal."""
    k = protect.min_group()
    sizes = _sizes(survey)
    total = sum(sizes.values())
    shown_units = protect.shown(total, {u: n for u, n in sizes.items() if u}, k)
    found = Results(survey=survey, k=k, total=total)
    if unit_id is not None:
        if unit_id not in shown_units:
            raise ValidationError({"unit": UNIT_HIDDEN})
        found.unit = Org.objects.filter(pk=unit_id).first()
    found.shown = total >= k
    if not found.shown:
        return found
    questions = list(survey.questions.all())
    table = _table(survey)
    group = table[unit_id] if unit_id is not None else sum(table.values(), Counter())
    hiding = _hiding(questions, table, shown_units, k)
    hidden = hiding(unit_id) if unit_id is not None else set()
    texts = _texts(survey, questions, unit_id)
    found.questions = _per_question(questions, group, k, texts, hidden)
    names = dict(Org.objects.filter(pk__in=list(shown_units)).values_list("pk", "name"))
    scored = [q for q in questions if q.kind not in TEXT_KINDS]
    for u in sorted(shown_units, key=lambda u: names.get(u, "")):
        per = _per_question(scored, table[u], k, None, hiding(u))
        found.units.append(UnitRow(u, names.get(u, "未知单位"), sizes[u], satisfied_rate(per)))
    found.hidden_units = len([u for u in sizes if u]) - len(shown_units)
    if with_waves and survey.template:
        found.waves = waves(survey)
    return found


def waves(survey: Survey) -> list[dict]:
    """Each open or closed wave of the survey's template and organisation: its 综合满意率 overall
    and per shown unit (three queries a wave)."""
    k = protect.min_group()
    found = []
    series = Survey.objects.filter(template=survey.template, org=survey.org).exclude(
        status=Status.DRAFT
    )
    for wave in series.order_by("wave"):
        sizes = _sizes(wave)
        total = sum(sizes.values())
        row = {"wave": wave.wave, "pk": wave.pk, "responses": total, "rate": None, "units": {}}
        found.append(row)
        if total < k:
            continue
        questions = [q for q in wave.questions.all() if q.kind not in TEXT_KINDS]
        table = _table(wave)
        row["rate"] = satisfied_rate(_per_question(questions, sum(table.values(), Counter()), k))
        units = protect.shown(total, {u: n for u, n in sizes.items() if u}, k)
        hiding = _hiding(questions, table, units, k)
        for u in units:
            row["units"][u] = satisfied_rate(_per_question(questions, table[u], k, None, hiding(u)))
    return found


def trend_chart(found: Results) -> dict:
    """Waves on the x axis; the whole and every unit shown in each wave (a gap where not)."""
    if len(found.waves) < 2:
        return {}
    units = {u for w in found.waves for u in w["units"]}
    names = dict(Org.objects.filter(pk__in=list(units)).values_list("pk", "name"))
    series = [{"name": "全部", "data": [w["rate"] for w in found.waves]}]
    for u in sorted(units, key=lambda u: names.get(u, "")):
        series.append(
            {"name": names.get(u, "未知单位"), "data": [w["units"].get(u) for w in found.waves]}
        )
    return {"labels": [f"第 {w['wave']} 期" for w in found.waves], "series": series}
