"""Shared fixtures: a small enterprise with an owner, a member, a read-only leader and an outsider."""

import datetime
import os

os.environ.setdefault("DANGQUN_FAST_HASHER", "1")
os.environ.setdefault("DANGQUN_HUEY_IMMEDIATE", "1")
os.environ.setdefault("DANGQUN_AXES_ENABLED", "0")

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example time limit: time is measured in bench/, never asserted in tests (on a loaded
# machine hypothesis's 200 ms default failed correct code).
hypothesis_settings.register_profile("dangqun", deadline=None)
hypothesis_settings.load_profile("dangqun")


def _apply_test_settings():
    """pytest-django imports the settings before this file runs, so the defaults above reach only
    subprocesses; apply the same choices to this process's settings directly."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers

    fast = "django.contrib.auth.hashers.MD5PasswordHasher"
    settings.PASSWORD_HASHERS = [fast, *(h for h in settings.PASSWORD_HASHERS if h != fast)]
    get_hashers.cache_clear()
    settings.AXES_ENABLED = False
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


_apply_test_settings()

VALID_IDS = [
    "11010519491231002X",
    "110105199001011232",
    "440308198506150029",
    "320102199212120017",
    "51010419770303004X",
    "330106200001010013",
]


@pytest.fixture
def make_user(db):
    from dangqun.accounts.models import User

    def make(username, *, role=None, org=None, person=None, password="pass-1234-word"):
        user = User.objects.create_user(username=username, password=password, first_name=username)
        if person is not None:
            user.person = person
            user.save(update_fields=["person"])
        if role:
            from dangqun.accounts.services import grant_role

            grant_role(None, user, role, org)
        return user

    return make


@pytest.fixture
def world(db, make_user):
    """Two companies, each with a 党委 and branches; people in each; users with each kind of scope."""
    from types import SimpleNamespace

    from dangqun.orgs import services as org_services
    from dangqun.people import services as people_services

    today = datetime.date.today()
    group = org_services.create_org(None, parent=None, name="示例集团", kind="group")
    company_a = org_services.create_org(None, parent=group, name="甲公司", kind="company")
    dept_a = org_services.create_org(None, parent=company_a, name="甲公司综合部", kind="department")
    company_b = org_services.create_org(None, parent=group, name="乙公司", kind="company")
    dept_b = org_services.create_org(None, parent=company_b, name="乙公司生产部", kind="department")
    committee = org_services.create_org(
        None, parent=None, name="集团党委", kind="party_committee", unit=group
    )
    committee_a = org_services.create_org(
        None, parent=committee, name="甲公司党委", kind="party_committee", unit=company_a
    )
    branch_a = org_services.create_org(
        None, parent=committee_a, name="甲公司综合部党支部", kind="branch", unit=dept_a
    )
    committee_b = org_services.create_org(
        None, parent=committee, name="乙公司党委", kind="party_committee", unit=company_b
    )
    branch_b = org_services.create_org(
        None, parent=committee_b, name="乙公司生产部党支部", kind="branch", unit=dept_b
    )

    def person(no, name, unit, id_number, branch=None, full=True):
        data = {
            "employee_no": no,
            "name": name,
            "unit": unit,
            "id_number": id_number,
            "phone": f"1380000{no[-4:]}",
        }
        profile = None
        if branch is not None:
            profile = {
                "branch": branch,
                "joined_on": datetime.date(2015, 7, 1),
                "full_member_on": datetime.date(2016, 7, 1) if full else None,
            }
        return people_services.create_person(None, data, profile)

    zhang = person("A0001", "张三", dept_a, VALID_IDS[1], branch_a)
    li = person("A0002", "李四", dept_a, VALID_IDS[2], branch_a, full=False)
    wang = person("A0003", "王五", dept_a, VALID_IDS[3])
    zhao = person("B0001", "赵六", dept_b, VALID_IDS[4], branch_b)

    return SimpleNamespace(
        today=today,
        group=group,
        company_a=company_a,
        company_b=company_b,
        dept_a=dept_a,
        dept_b=dept_b,
        committee=committee,
        committee_a=committee_a,
        committee_b=committee_b,
        branch_a=branch_a,
        branch_b=branch_b,
        zhang=zhang,
        li=li,
        wang=wang,
        zhao=zhao,
        # owner: party-affairs admin of company A's committee
        owner=make_user("owner", role="party_admin", org=committee_a),
        # read-only: leader over the same sub-tree
        reader=make_user("reader", role="leader", org=committee_a),
        # outsider: party-affairs admin of company B only
        outsider=make_user("outsider", role="party_admin", org=committee_b),
        # member: an employee with no role, linked to 张三
        member=make_user("member", person=zhang),
        auditor=make_user("auditor", role="audit_admin", org=group),
        sysadmin=make_user("sysadmin", role="system_admin", org=group),
    )


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
