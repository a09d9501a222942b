"""Smart help while handling: voices that may say the same (for 合并重复) and the category the
model suggests for a new one."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from dangqun.voices.models import Status, Voice
from dangqun.voices.services import visible_to

DUPLICATE_DAYS = 30
SUGGEST_CONFIDENCE = 0.5  # below this a suggested category is not pre-filled


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


def suggest_category(title: str, content: str):
    """The category the model learned from this organisation's handled voices, or None."""
    # import here: smart loads jieba and scikit-learn, which most processes never need
    from dangqun.voices import smart

    return smart.suggest_category(smart.voice_text(title, content))
