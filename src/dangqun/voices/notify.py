"""Who hears about a voice, and when: assignment, a question, an answer, a rating, a request for
more time, deadlines drawing near or passed (rule ``voices.reminders``).

A notice names the voice by its number and state, never its content or who raised it: it may
also go out by e-mail. Each function is called inside the act's transaction.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.accounts.roles import HANDLE_VOICES, MANAGE_VOICES
from dangqun.core.rules import get_rule
from dangqun.notices.services import holders, notify
from dangqun.voices.models import OPEN_STATUSES, Identity, Status, Voice, VoiceEvent

LOOK_BACK = datetime.timedelta(days=3)


def _url(voice: Voice) -> str:
    return reverse("voices:detail", args=[voice.pk])


def _at(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M") if moment else ""


def _handlers(voice: Voice):
    if voice.handling_org is None:
        return []
    return holders(HANDLE_VOICES, voice.handling_org, nearest=True)


def _supervisors(voice: Voice):
    org = voice.handling_org or voice.unit
    return holders(MANAGE_VOICES, org, nearest=True)


def _person(voice: Voice):
    return [voice.user] if voice.user_id and voice.identity != Identity.ANONYMOUS else []


def assigned(voice: Voice, *, again: str = "") -> None:
    """A unit has a voice to take: newly assigned, transferred to it, or reopened."""
    what = again or "交办"
    notify(
        _handlers(voice),
        kind="voice.assigned",
        title=f"{voice.number}（{what}）待您单位响应，时限 {_at(voice.response_due)}",
        url=_url(voice),
    )


def info_asked(voice: Voice) -> None:
    notify(
        _person(voice),
        kind="voice.info",
        title=f"您反映的 {voice.number} 需要补充信息",
        url=_url(voice),
    )


def answered(voice: Voice) -> None:
    notify(
        _person(voice),
        kind="voice.answered",
        title=f"您反映的 {voice.number} 已答复，请评价",
        url=_url(voice),
    )


def rated(voice: Voice) -> None:
    notify(
        [voice.handler] if voice.handler_id else _handlers(voice),
        kind="voice.rated",
        title=f"{voice.number} 已评价：{voice.get_rating_display()}",
        url=_url(voice),
    )


def extension_asked(voice: Voice) -> None:
    notify(
        _supervisors(voice),
        kind="voice.extension",
        title=f"{voice.number} 的承办单位申请延期，请审批",
        url=_url(voice),
    )


def extension_decided(voice: Voice, *, approved: bool) -> None:
    result = f"已批准，办结时限 {_at(voice.resolution_due)}" if approved else "未批准"
    notify(
        [voice.handler] if voice.handler_id else _handlers(voice),
        kind="voice.extension_decided",
        title=f"{voice.number} 的延期申请{result}",
        url=_url(voice),
    )


def seconding_asked(voice: Voice, people) -> None:
    notify(
        User.objects.filter(person__in=people),
        kind="proposal.second",
        title=f"职工代表 {voice.person.name if voice.person_id else ''} 请您附议提案：{voice.title}"[
            :200
        ],
        url=_url(voice),
    )


# Deadlines --------------------------------------------------------------------------------
def remind_deadlines(now: datetime.datetime | None = None) -> dict[str, int]:
    """Run every few minutes: warn before a deadline, and when one passes, warn the unit and
    report to its supervisor once (a ``超时上报`` event on the voice). Safe to run twice."""
    now = now or timezone.now()
    rule = get_rule("voices.reminders")
    soon_response = now + datetime.timedelta(hours=rule["response_hours"])
    soon_resolution = now + datetime.timedelta(hours=rule["resolution_hours"])
    # A deadline passed long ago was reported then (the task runs every few minutes); looking
    # back a few days covers a stopped worker without re-reading every old overdue voice.
    since = now - LOOK_BACK
    counts = {"soon": 0, "overdue": 0}
    candidates = Voice.objects.filter(
        Q(status=Status.ASSIGNED, response_due__range=(since, soon_response))
        | Q(status__in=OPEN_STATUSES, resolution_due__range=(since, soon_resolution))
    ).select_related("handling_org", "unit", "handler")
    for voice in candidates:
        for which, due, label in _deadlines(voice, soon_response, soon_resolution):
            key = f"voice:{voice.pk}:{which}:{due:%Y%m%d%H%M}"
            if due > now:
                counts["soon"] += bool(
                    notify(
                        _handlers(voice),
                        kind="voice.due_soon",
                        title=f"{voice.number} 将于 {_at(due)} 到{label}，请抓紧办理",
                        url=_url(voice),
                        key=key + ":soon",
                    )
                )
            else:
                counts["overdue"] += _overdue(voice, due, label, key)
    return counts


def _deadlines(voice: Voice, soon_response, soon_resolution):
    due = voice.response_due
    if voice.status == Status.ASSIGNED and due and due <= soon_response:
        yield "response", due, "响应时限"
    if voice.resolution_due and voice.resolution_due <= soon_resolution:
        yield "resolution", voice.resolution_due, "办结时限"


def _overdue(voice: Voice, due, label: str, key: str) -> int:
    notify(
        _handlers(voice),
        kind="voice.overdue",
        title=f"{voice.number} 已超过{label}（{_at(due)}），请尽快办理",
        url=_url(voice),
        key=key + ":late",
    )
    with transaction.atomic():
        Voice.objects.select_for_update().filter(
            pk=voice.pk
        ).first()  # one report, even if run twice
        done = VoiceEvent.objects.filter(voice=voice, action=VoiceEvent.Action.ESCALATE, due=due)
        if done.exists():
            return 0
        _escalate(voice, due, label, key)
    return 1


def _escalate(voice: Voice, due, label: str, key: str) -> None:
    VoiceEvent.objects.create(
        voice=voice,
        action=VoiceEvent.Action.ESCALATE,
        actor_label="系统",
        org=voice.handling_org,
        note=f"超过{label}，已报上级督办",
        due=due,
    )
    notify(
        _supervisors(voice),
        kind="voice.escalated",
        title=f"{voice.number} 超过{label}（承办：{voice.handling_org.name if voice.handling_org else '未交办'}），请督办",
        url=_url(voice),
        key=key + ":escalated",
    )
