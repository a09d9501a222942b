"""Fixtures of 群众点单·党员接单's tests (the activities conftest imports them)."""

import datetime as dt

import pytest
from django.utils import timezone

from dangqun.activities import volunteers as volunteering
from dangqun.voices import handling, intake
from dangqun.voices.models import Channel, Identity, Kind


@pytest.fixture
def mass(world, make_user):
    """群工管理员 of company A: manages and handles its voices, organises its activities."""
    return make_user("mass", role="mass_admin", org=world.company_a)


@pytest.fixture
def handler(world, make_user):
    return make_user("handler", role="handler", org=world.dept_a)


@pytest.fixture
def author(world):
    return world.member  # 张三's account


@pytest.fixture
def request_voice(world, author, django_capture_on_commit_callbacks):
    """张三 asks for help (实名, 诉求/求助), 受理-ed and handed to 甲公司综合部 by the mass admin."""

    def make(kind=Kind.REQUEST, assign_by=None):
        data = {
            "title": "独居老人需要陪同就医",
            "content": "我父亲独居，下周需要有人陪同去医院复查。",
        }
        with django_capture_on_commit_callbacks(execute=True):
            voice = intake.submit(
                author,
                {**data, "kind": kind},
                unit=world.dept_a,
                channel=Channel.WEB,
                identity=Identity.NAMED,
            ).voice
        if assign_by is not None:
            voice = handling.assign(assign_by, voice, handling_org=world.dept_a)
        return voice

    return make


def order_data(world, **data):
    return {
        "org": world.company_a,
        "title": "陪同就医",
        "description": "陪同一位独居老人到市医院复查，约半天。",
        "place": "市第一医院",
        "service_type": "助老",
        "people_needed": 2,
        **data,
    }


@pytest.fixture
def team_leader(world, employee, organiser):
    """李四: a registered volunteer leading branch A's 志愿服务队."""
    user = employee(world.li)
    volunteering.register(user, {"consent": True, "skills": "驾驶"})
    team = volunteering.create_team(organiser, {"org": world.branch_a, "name": "先锋志愿服务队"})
    team.leader = world.li
    team.save()
    return user, team


def soon(days=2, hours=3):
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    return starts, starts + dt.timedelta(hours=hours)
