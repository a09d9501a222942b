"""Smart help while handling: voices that may say the same (for 合并重复) and the categories the
model suggests for a new one (the 3 most likely, the first pre-filled when confident enough)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from dangqun.core.rules import get_rule
from dangqun.voices.models import Status, Voice
from dangqun.voices.services import visible_to

DUPLICATE_DAYS = 30
PREFILL_RULE = "voices.suggestions"  # params.prefill: the confidence to pre-fill at


def duplicate_candidates(user, voice: Voice, limit: int = 5) -> list:
    """Voices that may say the same, from the same unit or handling unit, within 30 days either
    side of this one, that the user may see: for 合并重复."""
    # import here: smart loads jieba and scikit-learn, which most processes never need
    from dangqun.voices import smart

    window = datetime.timedelta(days=DUPLICATE_DAYS)
    nearby = Q(unit=voice.unit_id)
    if voice.handling_org_id:
        nearby |= Q(handling_org=voice.handling_org_id)
    queryset = (
        visible_to(user)
        .filter(nearby)
        .exclude(pk=voice.pk)
        .exclude(status__in=(Status.MERGED, Status.RETURNED, Status.SECONDING))
    )
    end = min(timezone.now(), voice.submitted_at + window)
    days = (end - (voice.submitted_at - window)).days
    text = smart.voice_text(voice.title, voice.content)
    return smart.near_duplicates(text, queryset=queryset, now=end, days=days, limit=limit)


@dataclass(frozen=True)
class Suggested:
    """The most likely categories (``classifier.Suggestion``), most likely first, and the one to
    pre-fill: the first when its confidence reaches ``threshold`` (rule ``voices.suggestions``;
    switched off, nothing is pre-filled), else None."""

    top: list = field(default_factory=list)
    prefill: object = None
    threshold: float | None = None


def prefill_threshold() -> float | None:
    """The confidence at which the first suggestion is pre-filled; None when the rule is off."""
    rule = get_rule(PREFILL_RULE)
    return float(rule.params["prefill"]) if rule.enabled else None


def suggest_categories(title: str, content: str) -> Suggested:
    """The categories learned from this organisation's handled voices for a text (title may be
    empty; a long body is cut, see ``classifier.MAX_TEXT``)."""
    # import here: the classifier loads jieba and scikit-learn, which most processes never need
    from dangqun.voices import classifier

    top = classifier.suggest(title, content)
    threshold = prefill_threshold()
    confident = bool(top) and threshold is not None and top[0].confidence >= threshold
    return Suggested(top=top, prefill=top[0] if confident else None, threshold=threshold)


def suggest_category(title: str, content: str):
    """The most likely category (``classifier.Suggestion``), or None."""
    top = suggest_categories(title, content).top
    return top[0] if top else None
