"""Smart help while handling: voices from all of history that may say the same (for 合并重复),
the answers given to similar voices before (the best draft of the next), and the categories the
model suggests for a new one (the 3 most likely, the first pre-filled when confident enough)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from dangqun.core.rules import get_rule
from dangqun.voices.models import Status, Voice
from dangqun.voices.services import visible_to

PREFILL_RULE = "voices.suggestions"  # params.prefill: the confidence to pre-fill at
NOT_MERGEABLE = (Status.MERGED, Status.RETURNED, Status.SECONDING)
ANSWERED = (Status.ANSWERED, Status.CLOSED)


@dataclass
class Similar:
    duplicates: list = field(default_factory=list)  # (voice, score): may be merged with this one
    answered: list = field(default_factory=list)  # (voice, score): answered before, any unit


def similar_voices(user, voice: Voice, limit: int = 5) -> Similar:
    """One probe of the near-duplicate index (decision 0022) for the voices ``user`` may see:
    those of the same unit or handling unit that may repeat this one (for 合并重复), and those
    already answered, whose answers a handler may start from. Three queries."""
    # import here: duplicates loads jieba and scikit-learn, which most processes never need
    from dangqun.voices import duplicates, smart

    queryset = visible_to(user).exclude(status__in=NOT_MERGEABLE[:2])
    text = smart.voice_text(voice.title, voice.content)
    found = duplicates.near_duplicates(
        text,
        queryset=queryset,
        exclude=voice.pk,
        limit=limit * 3,
        extra=("status", "unit_id", "handling_org_id", "answer", "answered_at", "solved"),
    )
    nearby = {voice.unit_id, voice.handling_org_id} - {None}
    similar = Similar()
    for other, score in found:
        if other.status not in NOT_MERGEABLE and nearby & {other.unit_id, other.handling_org_id}:
            similar.duplicates.append((other, score))
        if other.status in ANSWERED and other.answer:
            similar.answered.append((other, score))
    similar.duplicates = similar.duplicates[:limit]
    similar.answered = similar.answered[:limit]
    return similar


def duplicate_candidates(user, voice: Voice, limit: int = 5) -> list:
    """Voices that may say the same, from the same unit or handling unit, from all of history,
    that the user may see: for 合并重复."""
    return similar_voices(user, voice, limit).duplicates


def answer_draft(user, voice: Voice, source_pk) -> str:
    """The answer of a voice the user may see, to start this voice's answer from ("" if none)."""
    try:
        source_pk = int(source_pk)
    except (TypeError, ValueError):
        return ""
    source = (
        visible_to(user)
        .filter(~Q(pk=voice.pk), pk=source_pk, status__in=ANSWERED)
        .values_list("answer", flat=True)
        .first()
    )
    return source or ""


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
