"""Demo voices: categories handled by real departments, and half a year of voices in every state,
with the events and deadlines the services would have written (so the inbox, a voice's page and
the rates have something true to show)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from dangqun.orgs.models import Kind, Org, System
from dangqun.people.models import Person
from dangqun.voices import proposals
from dangqun.voices.deadlines import deadline
from dangqun.voices.models import (
    Category,
    Channel,
    Identity,
    Rating,
    Status,
    Urgency,
    Voice,
    VoiceEvent,
)
from dangqun.voices.models import Kind as VoiceKind
from dangqun.voices.services import code_hash, hours_taken, new_query_code

A = VoiceEvent.Action

# (category, urgency, a title and content people write)
TOPICS = [
    (
        "食堂餐饮",
        Urgency.NORMAL,
        "食堂午餐品种少",
        "午餐连续几周品种重复，希望增加面食和素菜窗口。",
    ),
    ("食堂餐饮", Urgency.NORMAL, "食堂价格上涨", "部分菜品涨价明显，希望公示成本和价格调整依据。"),
    ("班车交通", Urgency.URGENT, "早班车太挤", "7 点班车经常满员站着，希望高峰期加开一班。"),
    ("班车交通", Urgency.NORMAL, "班车线路调整建议", "新小区入住员工多，建议班车增加一个停靠点。"),
    ("薪酬福利", Urgency.COMPLEX, "夜班津贴标准", "夜班津贴多年未调整，希望研究提高标准。"),
    ("薪酬福利", Urgency.NORMAL, "体检项目", "建议年度体检增加甲状腺和颈椎检查项目。"),
    (
        "劳动安全",
        Urgency.EMERGENCY,
        "车间通风设备故障",
        "三号车间排风机停转，气味很大，请尽快维修。",
    ),
    ("劳动安全", Urgency.URGENT, "劳保用品发放不及时", "手套和口罩已经两周没有补发。"),
    ("工作环境", Urgency.NORMAL, "办公楼空调温度", "三楼空调制冷不足，下午闷热。"),
    ("培训发展", Urgency.COMPLEX, "技能等级认定", "希望开展电工技能等级认定培训并给予考试假。"),
]
ANSWERS = [
    "已调研并采纳，下月起执行，感谢您的建议。",
    "已安排维修并完成，后续将加强巡检。",
    "经研究，按现行制度暂不调整，已将原因说明，并纳入明年预算统筹考虑。",
]


def _departments(root: Org):
    return Org.objects.filter(
        system=System.ENTERPRISE, kind=Kind.DEPARTMENT, path__startswith=root.path
    ).order_by("path")


def first_department(root: Org) -> Org:
    """The department that handles the first category (the demo handler works there)."""
    return _departments(root).first() or root


def seed_demo_voices(rng: random.Random, root: Org, mass_user, member_user, count: int = 120):
    """Categories mapped to the group's first departments, then ``count`` voices."""
    units = list(_departments(root)[:40]) or [root]
    categories = {}
    for index, name in enumerate(dict.fromkeys(t[0] for t in TOPICS)):
        urgency = next(t[1] for t in TOPICS if t[0] == name)
        categories[name] = Category.objects.create(
            name=name, handling_org=units[index % len(units)], urgency=urgency
        )
    people = list(Person.objects.filter(unit__in=units).values_list("pk", "name", "unit_id")[:400])
    now = timezone.now()
    voices, events = [], []
    for n in range(count):
        name, urgency, title, content = rng.choice(TOPICS)
        category = categories[name]
        submitted = now - datetime.timedelta(days=rng.uniform(0, 180), hours=rng.uniform(0, 9))
        identity = rng.choices(list(Identity), weights=[5, 2, 3])[0]
        person = rng.choice(people) if people and identity != Identity.ANONYMOUS else None
        voice = Voice(
            kind=rng.choice([VoiceKind.SUGGESTION, VoiceKind.REQUEST, VoiceKind.QUESTION]),
            channel=rng.choice([Channel.WEB, Channel.QR, Channel.QR, Channel.PHONE, Channel.BOX]),
            identity=identity,
            title=title,
            content=content,
            category=category,
            urgency=urgency,
            unit_id=person[2] if person else rng.choice(units).pk,
            person_id=person[0] if person else None,
            contact_name=person[1] if person else "",
            submitted_at=submitted,
            query_code_hash=code_hash(new_query_code()),
        )
        if n == 0 and member_user is not None and member_user.person_id:
            voice.user, voice.person_id, voice.identity = (
                member_user,
                member_user.person_id,
                "named",
            )
            voice.unit_id = member_user.person.unit_id
        steps = [(A.SUBMIT, None, submitted, "", None)]
        stage = rng.choices(
            ["submitted", "assigned", "in_progress", "answered", "closed"], weights=[1, 1, 2, 1, 8]
        )[0]
        if submitted > now - datetime.timedelta(days=2):
            stage = "submitted"
        if stage != "submitted":
            assigned = submitted + datetime.timedelta(hours=rng.uniform(0.2, 6))
            voice.handling_org = category.handling_org
            voice.assigned_at = assigned
            voice.response_due = deadline(assigned, urgency, "response")
            voice.resolution_due = deadline(assigned, urgency, "resolution")
            steps.append((A.ASSIGN, mass_user, assigned, "", voice.handling_org))
            voice.status = Status.ASSIGNED
        if stage in ("in_progress", "answered", "closed"):
            late = rng.random() < 0.15
            due = voice.response_due
            responded = (
                due + datetime.timedelta(hours=3) if late else assigned + (due - assigned) / 2
            )
            voice.responded_at = min(responded, now)
            voice.response_hours = hours_taken(voice.assigned_at, voice.responded_at)
            voice.status = Status.IN_PROGRESS
            steps.append((A.RESPOND, None, voice.responded_at, "", voice.handling_org))
        if stage in ("answered", "closed"):
            spent = (voice.resolution_due - voice.responded_at) * rng.uniform(0.2, 1.2)
            voice.answered_at = min(voice.responded_at + spent, now)
            voice.resolution_hours = hours_taken(voice.assigned_at, voice.answered_at)
            voice.answer = rng.choice(ANSWERS)
            voice.solved = voice.answer != ANSWERS[2]
            voice.status = Status.ANSWERED
            steps.append((A.ANSWER, None, voice.answered_at, voice.answer, voice.handling_org))
        if stage == "closed":
            weights = [6, 3, 1] if voice.solved else [1, 3, 4]
            voice.rating = rng.choices(list(Rating), weights=weights)[0]
            voice.rated_at = min(
                voice.answered_at + datetime.timedelta(hours=rng.uniform(1, 48)), now
            )
            voice.closed_at = voice.rated_at
            voice.status = Status.CLOSED
            steps.append((A.RATE, None, voice.rated_at, Rating(voice.rating).label, None))
        voices.append(voice)
        events.append(steps)
    Voice.objects.bulk_create(voices)
    VoiceEvent.objects.bulk_create(
        VoiceEvent(
            voice=voice,
            action=action,
            actor=actor,
            actor_label="反映人" if action in (A.SUBMIT, A.RATE) else ("" if actor else org.name),
            org=org,
            note=note,
            at=at,
        )
        for voice, steps in zip(voices, events, strict=True)
        for action, actor, at, note, org in steps
    )
    return len(voices)


PROPOSALS = [
    (
        "关于增设夜班通勤班车的提案",
        "夜班职工 23 点下班后已无公交，打车费用高、安全有隐患。建议增设 23:30 发车的通勤班车，线路覆盖主要生活区。",
    ),
    (
        "关于改善一线班组休息室条件的提案",
        "部分班组休息室没有空调和饮水设备，夏季高温时职工无处休息。建议年内完成一线休息室的空调和饮水机配置。",
    ),
    (
        "关于建立青年职工导师带徒制度的提案",
        "新入职青年职工上手慢、流失率高。建议建立导师带徒制度，明确带徒津贴和考核办法。",
    ),
]


def seed_demo_congress(root: Org, mass_user, member_user) -> None:
    """A 职代会 with representatives and proposals: one waits for the demo employee's 附议."""
    congress = proposals.save_congress(
        mass_user,
        None,
        {
            "org": root,
            "name": "第三届职工代表大会",
            "starts_on": datetime.date(timezone.localdate().year - 1, 3, 1),
            "accepting": True,
        },
    )
    units = _departments(root)[:20]
    reps = list(Person.objects.filter(unit__in=units).order_by("employee_no")[:30])
    member = member_user.person if member_user is not None else None
    numbers = [p.employee_no for p in reps] + ([member.employee_no] if member else [])
    proposals.add_representatives(mass_user, congress, numbers)
    (t1, c1), (t2, c2), (t3, c3) = ((t, c) for t, c in PROPOSALS)
    paper = {"title": t1, "content": c1}
    proposals.submit(mass_user, paper, congress=congress, proposer=reps[0], seconders=reps[1:3])
    if member is not None:  # waits for 员工's 附议, and one of theirs waits for others
        asked = {"title": t2, "content": c2}
        voice = proposals.submit(
            mass_user, asked, congress=congress, proposer=reps[3], seconders=[reps[4], member]
        ).voice
        # The demo employee has not signed yet: their 附议 is still asked for online.
        voice.seconders.filter(person=member).update(
            answer="invited", on_paper=False, answered_at=None
        )
        Voice.objects.filter(pk=voice.pk).update(status=Status.SECONDING)
        own = {"title": t3, "content": c3}
        proposals.submit(member_user, own, congress=congress, seconders=reps[5:7])
