"""The demo's 群众点单·党员接单: one of the demo's 求助 voices, 受理-ed, turned into an open service
order by the 群工管理员 (through the real services: audited like any other), for the whole
enterprise's volunteers and organisers to see and claim."""

from __future__ import annotations

from dangqun.activities import orders
from dangqun.orgs.models import Org
from dangqun.voices import handling
from dangqun.voices.models import Kind, Status, Voice

DESCRIPTION = (
    "一位独居的退休职工近期行动不便，需要志愿者上门帮助打扫卫生、代购生活用品，"
    "并陪同去社区卫生服务中心复查一次。请接单后与群众工作部联系具体时间。"
)


def seed_demo_order(root: Org, mass_user) -> orders.ServiceOrder | None:
    """The newest 求助/诉求 voice of the demo the mass admin manages, open or to be 受理-ed."""
    voices = Voice.objects.filter(kind=Kind.REQUEST, unit__path__startswith=root.path)
    voice = (
        voices.filter(status__in=(Status.ASSIGNED, Status.IN_PROGRESS)).order_by("-pk").first()
        or voices.filter(status=Status.SUBMITTED).order_by("-pk").first()
    )
    if voice is None or not orders.may_order(mass_user, voice):
        return None
    if voice.status == Status.SUBMITTED:
        handling_org = voice.category.handling_org if voice.category else voice.unit
        voice = handling.assign(mass_user, voice, handling_org=handling_org)
    data = {
        "org": root,
        "title": "退休职工上门帮扶",
        "description": DESCRIPTION,
        "place": "职工家中（接单后告知）",
        "service_type": "助老帮扶",
        "people_needed": 3,
        "wanted_by": voice.resolution_due,
    }
    return orders.create(mass_user, voice, data)
