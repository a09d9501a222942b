"""The small demo enterprise: deterministic, well-formed, and carrying exactly the deliberate warnings."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from dangqun.accounts.models import RoleGrant, User
from dangqun.core import crypto, idnumber
from dangqun.core.pinyin import search_key
from dangqun.orgs.checks import findings_for
from dangqun.orgs.models import BRANCH_KINDS, Kind, Org, Post, PostTitle, System, Term
from dangqun.people.models import (
    MemberEvent,
    PartyProfile,
    Person,
    PoliticalStatus,
    Standing,
)
from dangqun.seed.generator import build_plan, seed
from dangqun.seed.structure import largest_remainder
from dangqun.seed.tree import tree_problems

TODAY = datetime.date(2025, 6, 30)
SEED = 7


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = seed("small", SEED, today=TODAY)
        yield result
        transaction.set_rollback(True)


def fingerprint(plan):
    return (
        [(p.employee_no, p.name, p.id_number, p.phone, p.birth_date) for p in plan.people],
        [(o.name, o.kind, o.path) for o in plan.orgs],
        [(t.org, t.number, t.elected_on, t.has_committee) for t in plan.terms],
        [(p.org, p.person, p.title, p.started_on) for p in plan.posts],
        plan.expected,
    )


def test_same_seed_and_day_give_the_same_plan_and_another_seed_another():
    first = build_plan("small", SEED, TODAY)
    assert fingerprint(first) == fingerprint(build_plan("small", SEED, TODAY))
    other = build_plan("small", SEED + 1, TODAY)
    assert [p.name for p in other.people] != [p.name for p in first.people]
    assert {p.id_number for p in other.people} != {p.id_number for p in first.people}


def test_largest_remainder_hits_the_total_exactly():
    assert largest_remainder([1, 1, 1], 10) == [4, 3, 3]
    assert sum(largest_remainder([0.3, 2.7, 9.1, 5.5], 2000)) == 2000


@pytest.mark.django_db
def test_database_holds_what_the_plan_says(seeded):
    plan = seeded.plan
    rows = dict(Person.objects.values_list("employee_no", "name"))
    assert rows == {p.employee_no: p.name for p in plan.people}
    paths = dict(Org.objects.values_list("pk", "path"))
    assert {paths[seeded.org_pk[o.index]] for o in plan.orgs} == {o.path for o in plan.orgs}
    sample = Person.objects.get(pk=seeded.person_pk[plan.people[123].index])
    assert sample.reveal_id_number() == plan.people[123].id_number


@pytest.mark.django_db
def test_id_numbers_are_valid_consistent_and_stored_like_set_id_number(seeded):
    people = list(Person.objects.all())
    assert len({p.id_number_hash for p in people}) == len(people)
    for person in people:
        value = person.reveal_id_number()
        parsed = idnumber.parse(value)
        assert parsed.birth_date == person.birth_date
        assert parsed.gender == person.gender
        assert person.id_number_hash == crypto.keyed_hash(value)
        assert person.id_number_masked == idnumber.mask(value)
        assert person.name_pinyin == search_key(person.name)
        assert person.phone.isdigit() and len(person.phone) == 11 and person.phone[0] == "1"


@pytest.mark.django_db
def test_tree_paths_are_what_treebeard_expects(seeded):
    assert Org.objects.find_problems() == ([], [], [], [], [])
    assert tree_problems() == {}
    group = Org.objects.get(pk=seeded.org_pk[seeded.plan.roots[System.ENTERPRISE]])
    child = Org.objects.add_child(
        group, {"name": "新设部门", "kind": Kind.COMPANY, "system": "enterprise"}
    )
    assert child.path.startswith(group.path) and Org.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_counts_are_in_the_promised_ranges(seeded):
    assert 2000 <= Person.objects.count() <= 2100
    current = PartyProfile.objects.filter(left_on__isnull=True)
    assert 650 <= current.count() <= 760
    assert 35 <= Org.objects.filter(kind__in=BRANCH_KINDS).count() <= 50
    assert Org.objects.filter(kind=Kind.COMPANY).count() == 3
    joints = Org.objects.filter(kind=Kind.JOINT_BRANCH)
    assert joints.count() == 2
    assert all(joint.covered_units.count() == 3 for joint in joints)
    kinds = Counter(Org.objects.values_list("kind", flat=True))
    for kind in (Kind.GENERAL_BRANCH, Kind.PARTY_GROUP, Kind.UNION_BRANCH, Kind.UNION_GROUP):
        assert kinds[kind] > 0
    for kind in (Kind.LEAGUE_COMMITTEE, Kind.LEAGUE_BRANCH, Kind.WOMEN_COMMITTEE):
        assert kinds[kind] > 0
    assert current.filter(full_member_on__isnull=True).exists()
    assert current.filter(lost_contact_on__isnull=False).exists()
    assert current.exclude(floating_to="").exists()
    assert current.filter(standing=Standing.SUSPENDED).exists()
    left = PartyProfile.objects.filter(left_reason="transferred_out")
    assert left.exists()
    assert MemberEvent.objects.filter(type=MemberEvent.Type.TRANSFER_OUT).count() == left.count()
    assert Person.objects.filter(union_org__isnull=False).count() > 0.9 * Person.objects.count()
    youngest = datetime.date(TODAY.year - 29, TODAY.month, TODAY.day)
    league = Person.objects.filter(league_org__isnull=False)
    assert league.exists() and not league.filter(birth_date__lte=youngest).exists()


@pytest.mark.django_db
def test_political_status_and_history_match_the_profile(seeded):
    events = Counter(MemberEvent.objects.values_list("person_id", "type"))
    for profile in PartyProfile.objects.select_related("person"):
        expected = (
            PoliticalStatus.PARTY_MEMBER if profile.full_member_on else PoliticalStatus.PROBATIONARY
        )
        assert profile.person.political_status == expected
        assert events[(profile.person_id, MemberEvent.Type.JOINED)] == 1
        assert events[(profile.person_id, MemberEvent.Type.CONFIRMED)] == (
            1 if profile.full_member_on else 0
        )
        assert (profile.joined_on - profile.person.birth_date).days >= 18 * 365
    assert not Person.objects.filter(
        political_status__in=[PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY],
        party_profile__isnull=True,
    ).exists()


@pytest.mark.django_db
def test_every_electing_org_has_a_term_and_leaders_from_its_own_members(seeded):
    electing = Org.objects.exclude(kind__in=[Kind.PARTY_GROUP, Kind.UNION_GROUP]).exclude(
        system=System.ENTERPRISE
    )
    with_terms = set(Term.objects.values_list("org_id", flat=True))
    assert set(electing.values_list("pk", flat=True)) <= with_terms
    branch_of = dict(PartyProfile.objects.values_list("person_id", "branch__path"))
    for post in Post.objects.filter(org__system=System.PARTY).select_related("org"):
        assert branch_of[post.person_id].startswith(post.org.path) or (
            post.title == PostTitle.GROUP_LEADER
            and branch_of[post.person_id] == post.org.path[: -Org.steplen]
        )
    titles = set(Post.objects.values_list("org__kind", "title"))
    assert (Kind.UNION_COMMITTEE, PostTitle.CHAIR) in titles
    assert (Kind.LEAGUE_COMMITTEE, PostTitle.SECRETARY) in titles
    assert (Kind.BRANCH, PostTitle.SECRETARY) in titles


@pytest.mark.django_db
def test_exactly_the_deliberate_violations_show(seeded):
    findings = findings_for(Org.objects.active(), today=TODAY)
    shown: dict[str, set[int]] = {}
    for finding in findings:
        shown.setdefault(finding.finding.rule.id, set()).add(finding.org_id)
    expected = {
        rule: {seeded.org_pk[index] for index in indices}
        for rule, indices in seeded.plan.expected.items()
    }
    assert set(expected) == {
        "org.branch_required",
        "org.branch_size",
        "org.committee_required",
        "org.committee_size",
        "org.term_expired",
        "org.term_ending",
    }
    assert all(expected.values())
    assert shown == expected


@pytest.mark.django_db
def test_demo_accounts_have_their_roles(seeded, client):
    grants = {
        (g.user.username, g.role, g.org.kind)
        for g in RoleGrant.objects.select_related("user", "org")
    }
    assert grants == {
        ("admin", "system_admin", Kind.GROUP),
        ("security", "security_admin", Kind.GROUP),
        ("auditor", "audit_admin", Kind.GROUP),
        ("dangwei", "party_admin", Kind.PARTY_COMMITTEE),
        ("shuji", "branch_secretary", Kind.BRANCH),
        ("qungong", "mass_admin", Kind.GROUP),
        ("chengban", "handler", Kind.DEPARTMENT),
        ("gonghui", "union_admin", Kind.UNION_COMMITTEE),
        ("tuanwei", "league_admin", Kind.LEAGUE_COMMITTEE),
        ("lingdao", "leader", Kind.GROUP),
        ("lingdao", "leader", Kind.PARTY_COMMITTEE),
    }
    roots = RoleGrant.objects.exclude(role__in=["branch_secretary", "handler"])
    assert {g.org.depth for g in roots} == {1}
    shuji = User.objects.get(username="shuji")
    branch = shuji.grants.get().org
    assert Post.objects.filter(
        org=branch, person=shuji.person, title=PostTitle.SECRETARY, ended_on__isnull=True
    ).exists()
    yuangong = User.objects.get(username="yuangong")
    assert not yuangong.grants.exists()
    assert yuangong.person.party_profile.is_current and yuangong.person.is_party_member
    assert client.login(username="dangwei", password="dangqun123")


@pytest.mark.django_db
def test_demo_voices_are_in_every_state_and_reach_the_demo_handler(seeded, client):
    from dangqun.voices.models import Status, Voice
    from dangqun.voices.services import visible_to

    assert Voice.objects.exclude(kind="proposal").count() == 120
    assert {Status.SUBMITTED, Status.IN_PROGRESS, Status.CLOSED} <= set(
        Voice.objects.values_list("status", flat=True)
    )
    for voice in Voice.objects.exclude(status__in=(Status.SUBMITTED, Status.SECONDING)):
        assert voice.submitted_at <= voice.assigned_at <= voice.response_due
        assert voice.events.first().action == "submit"
    from dangqun.voices import tally

    assert tally.rebuild() == []  # the 三率 tallies match the demo voices
    handler = User.objects.get(username="chengban")
    assert visible_to(handler).exists()
    assert not visible_to(handler).exclude(handling_org=handler.grants.get().org).exists()
    yuangong = User.objects.get(username="yuangong")
    assert visible_to(yuangong).filter(user=yuangong).exclude(kind="proposal").count() == 1
    # the 职代会 demo: one proposal waits for the demo employee's 附议, one of theirs for others'
    client.force_login(yuangong)
    page = client.get("/voices/proposals/").content.decode()
    assert (
        "关于改善一线班组休息室条件的提案" in page and "关于建立青年职工导师带徒制度的提案" in page
    )


@pytest.mark.django_db
def test_seed_refuses_a_database_with_people(seeded):
    with pytest.raises(CommandError, match=r"已有 \d+ 名人员"):
        call_command("seed", "--scale", "small")


def test_seed_command_rejects_a_bad_date():
    with pytest.raises(CommandError):
        call_command("seed", "--today", "2025-13-01")


def test_the_demo_branch_has_a_year_of_organisation_life(seeded, client):
    from django.utils import timezone

    from dangqun.life.models import Meeting, Status

    shuji = User.objects.get(username="shuji")
    meetings = Meeting.objects.filter(org=shuji.grants.get().org)
    assert meetings.filter(planned=True).count() >= 20
    today = timezone.localdate()
    past = meetings.filter(starts_at__date__lt=today)
    if today.month > 1:  # something of this year is already behind us
        assert past.filter(status=Status.FINALISED).exists()
    client.force_login(shuji)
    assert client.get("/life/radar/").status_code == 200


def test_the_demo_branch_develops_members_at_every_stage(seeded, client):
    from dangqun.development.models import Case, Status
    from dangqun.development.steps import stage_of

    shuji = User.objects.get(username="shuji")
    cases = list(Case.objects.filter(branch=shuji.grants.get().org))
    assert sorted(stage_of(c.step) for c in cases) == [1, 2, 3, 5]
    probationary = next(c for c in cases if c.status == Status.PROBATIONARY)
    assert probationary.person.political_status == "cpc_probationary"
    client.force_login(User.objects.get(username="dangwei"))
    board = client.get("/development/")
    assert board.status_code == 200 and "发展党员" in board.content.decode()
    assert client.get(f"/development/{cases[0].pk}/").status_code == 200


def test_the_demo_has_an_open_order_from_a_request_voice(seeded, client):
    from dangqun.activities.models import OrderStatus, ServiceOrder
    from dangqun.voices.models import Kind

    order = ServiceOrder.objects.select_related("voice").get()
    assert order.status == OrderStatus.OPEN and order.voice.kind == Kind.REQUEST
    assert order.voice.status in ("assigned", "in_progress") and order.voice.resolution_due
    client.force_login(User.objects.get(username="qungong"))
    assert "退休职工上门帮扶" in client.get("/activities/orders/").content.decode()


def test_the_demo_has_study_materials_a_member_reads(seeded, client):
    from dangqun.learning.material_models import Material, MaterialFile, MaterialStatus, Study

    published = Material.objects.filter(status=MaterialStatus.PUBLISHED)
    assert published.count() == 3
    assert Material.objects.filter(status=MaterialStatus.DRAFT).count() == 1
    assert {f.content_type for f in MaterialFile.objects.all()} == {"application/pdf", "image/png"}
    assert Study.objects.exclude(note="").count() == 1
    client.force_login(User.objects.get(username="yuangong"))
    page = client.get("/learning/materials/").content.decode()
    assert "《中国共产党章程》学习摘编" in page and "二十大报告学习专栏" in page
    pdf_material = published.get(kind="document", files__content_type="application/pdf")
    file = client.get(f"/learning/materials/{pdf_material.pk}/file/")
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"


def test_the_demo_has_a_class_with_yuangong_part_way_and_an_external_training(seeded, client):
    from dangqun.learning import completion
    from dangqun.learning.class_models import ExternalTraining, TrainingClass

    employee = User.objects.get(username="yuangong")
    klass = TrainingClass.objects.get()
    standing = completion.standing(klass)
    got = standing.people[employee.person_id]
    assert (got.sessions, got.hours, standing.total_hours) == (2, 8, 12)
    assert not standing.completed(employee.person_id)
    assert ExternalTraining.objects.get().person_id == employee.person_id
    client.force_login(employee)
    page = client.get(f"/learning/classes/{klass.pk}/")
    assert page.status_code == 200 and "8 学时" in page.content.decode()
    client.force_login(User.objects.get(username="shuji"))
    assert "学习强国" in client.get("/learning/manage/external/").content.decode()


def test_the_demo_has_a_question_bank_and_an_exam_passed_by_some_and_failed_by_one(seeded, client):
    from dangqun.learning import ledger
    from dangqun.learning.exam_models import Attempt, Exam, Question
    from dangqun.learning.models import LedgerEntry, Source

    assert Question.objects.count() >= 50
    closed = Exam.objects.get(title="党章知识测试（第一期）")
    attempts = list(Attempt.objects.filter(exam=closed))
    scores = [(a.score, a.passed) for a in attempts]
    assert sum(a.passed for a in attempts) >= 2 and sum(not a.passed for a in attempts) == 1, scores
    yuangong = User.objects.get(username="yuangong")
    mine = Attempt.objects.get(exam=closed, person_id=yuangong.person_id)
    assert mine.passed
    assert max(a.score for a in attempts) == 100, scores  # SHARES has one who knows it all
    assert LedgerEntry.objects.filter(source=Source.EXAM, person_id=yuangong.person_id).exists()
    assert ledger.rebuild(closed.closes_at.year) == 0
    client.force_login(yuangong)
    page = client.get(f"/learning/exams/attempts/{mine.pk}/result/").content.decode()
    assert "（正确答案）" in page
    assert "党章学习月测试" in client.get("/learning/exams/").content.decode()


def test_the_demo_has_two_pulse_waves_a_branch_rating_and_a_survey_for_yuangong(seeded, client):
    from dangqun.surveys import results
    from dangqun.surveys.models import Status, Survey

    waves = list(Survey.objects.filter(template="pulse").order_by("wave"))
    assert [(s.wave, s.status) for s in waves] == [(1, Status.CLOSED), (2, Status.CLOSED)]
    found = results.results(waves[1])
    assert found.shown and len(found.units) >= 2
    first = found.waves[0]["units"]
    second = found.waves[1]["units"]
    rises = [u for u in second if u in first and second[u] - first[u] >= 20]
    assert len(rises) == 1  # one company's visible rise
    rating = Survey.objects.get(template="masses_rating")
    assert rating.status == Status.CLOSED and results.results(rating).shown
    employee = User.objects.get(username="yuangong")
    client.force_login(employee)
    page = client.get("/surveys/").content.decode()
    assert "职工之家建设测评" in page
    client.force_login(User.objects.get(username="qungong"))
    shown = client.get(f"/surveys/{waves[1].pk}/results/").content.decode()
    assert "各期变化" in shown and "不足 5 份，暂不显示" not in shown
