"""问卷调查's 工作台 cards: 待填问卷 (the open surveys waiting for me), for organisers 问卷进行中 (the
response rate of the open surveys they run; a slow card — it counts audiences) and, for readers,
员工满意度指数 (the latest quarter's index against the one before, with its trend; slow)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from dangqun.core.cards import Card, Number, Shown, register
from dangqun.people import audience
from dangqun.surveys import satisfaction, services
from dangqun.surveys.models import Participation, Status

SHOWN_MAX = 5


def _has_person(user) -> bool:
    return getattr(user, "person_id", None) is not None


def _waiting(user, today) -> Shown | None:
    done = Participation.objects.filter(person_id=user.person_id).values("survey_id")
    waiting = [s for s in services.assigned_to(user).exclude(pk__in=done) if s.is_answerable(today)]
    if not waiting:
        return None
    url = reverse("surveys:index")
    return Shown(
        "surveys.waiting",
        "待填问卷",
        [Number("待填写", len(waiting), url, "warning")],
        f"有 {len(waiting)} 份问卷等您填写，匿名问卷不记录填写人",
    )


def _running(user, today) -> Shown | None:
    rows = list(
        services.kept_by(user)
        .filter(status=Status.OPEN)
        .select_related("org")
        .order_by("-id")[:SHOWN_MAX]
    )
    if not rows:
        return None
    numbers = []
    for survey in rows:
        invited = audience.people(survey).count()
        answered = survey.participations.count()
        rate = f"{round(answered * 100 / invited)}%" if invited else "—"
        numbers.append(Number(survey.title[:12], rate, reverse("surveys:detail", args=[survey.pk])))
    return Shown(
        "surveys.running", "问卷进行中", numbers, "各问卷的填写率（已填人数 / 调查对象人数）"
    )


def _index(user, today) -> Shown | None:
    try:
        index = satisfaction.compute(user, last=today)
    except ValidationError:
        return None
    shown = [c for c in index.whole.cells if c.index is not None]
    if not shown:
        return None
    url = reverse("surveys:satisfaction")
    latest = shown[-1]
    numbers = [Number(latest.short, str(latest.index), url)]
    if len(shown) > 1:
        change = latest.index - shown[-2].index
        numbers.append(Number(f"较{shown[-2].short}", f"{change:+}", url))
    numbers.append(Number("答卷", latest.responses, url))
    chart = {
        "kind": "line",
        "labels": [c.short for c in index.whole.cells],
        "series": [
            {
                "name": "满意度指数",
                "data": [None if c.index is None else float(c.index) for c in index.whole.cells],
            }
        ],
    }
    text = f"{index.org.name}员工满意度指数（0–100），按季度；点开看各单位及群众呼声满意率、解决率"
    return Shown("surveys.index", "员工满意度指数", numbers, text, chart=chart)


register(Card("surveys.waiting", "待填问卷", shows=_has_person, compute=_waiting, order=28))
register(
    Card(
        "surveys.running", "问卷进行中", shows=services.reads, compute=_running, order=66, slow=True
    )
)
register(
    Card(
        "surveys.index", "员工满意度指数", shows=services.reads, compute=_index, order=67, slow=True
    )
)
