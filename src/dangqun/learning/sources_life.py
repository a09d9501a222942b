"""学时 from 组织生活 (rule ``life.study_hours``): a member present at a finalised 党课 or 主题党日
earns the rule's hours for it, on the meeting's day. 组织生活 tells the ledger when a meeting is
finalised (``life.recording.after_finalised``); the nightly check catches anything else (a rule
changed, a meeting's record amended)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from dangqun.core.rules import get_rule
from dangqun.learning import ledger, sources
from dangqun.learning.models import Source
from dangqun.life import recording
from dangqun.life.models import Attendee, Kind, Presence, Status

KINDS = {Kind.PARTY_LECTURE: Source.PARTY_LECTURE, Kind.THEME_DAY: Source.THEME_DAY}


def _credits(kind: str):
    def derive(ids, year):
        rule = get_rule("life.study_hours")
        if kind not in rule.params:
            return []
        hours = Decimal(str(rule[kind]))
        rows = Attendee.objects.filter(
            presence=Presence.PRESENT, meeting__status=Status.FINALISED, meeting__kind=kind
        )
        if ids is not None:
            rows = rows.filter(meeting_id__in=list(ids))
        if year is not None:
            rows = rows.filter(meeting__starts_at__year=year)
        label = Kind(kind).label
        return (
            sources.Credit(
                source_id=meeting_id,
                person_id=person_id,
                on=ledger.local_day(starts_at),
                hours=hours,
                title=f"{label}：{topic}" if topic else label,
                org_id=org_id,
            )
            for meeting_id, person_id, starts_at, topic, org_id in rows.values_list(
                "meeting_id",
                "person_id",
                "meeting__starts_at",
                "meeting__topic",
                "meeting__org_id",
            ).iterator(chunk_size=5000)
        )

    return derive


def _meeting_page(meeting_id: int) -> str:
    return reverse("life:detail", args=[meeting_id])


for _kind, _source in KINDS.items():
    sources.register(_source, _credits(_kind), link=_meeting_page)


def _finalised(meeting) -> None:
    source = KINDS.get(meeting.kind)
    if source is not None:
        ledger.sync(source, [meeting.pk])


if _finalised not in recording.after_finalised:
    recording.after_finalised.append(_finalised)
