"""职代会提案: only representatives propose and second; enough seconders bring a proposal to 立案,
and from there it is handled like any voice."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangqun.core.models import AuditLog
from dangqun.voices import followup, handling, proposals, tally
from dangqun.voices.models import Channel, Kind, Seconder, Status, VoiceTally

pytestmark = pytest.mark.django_db
TEXT = {"title": "建议增设夜班班车", "content": "夜班下班后没有公交，建议增设一趟 23:30 的班车。"}


@pytest.fixture
def congress(world, mass):
    congress = proposals.save_congress(
        mass,
        None,
        {
            "org": world.company_a,
            "name": "第三届职工代表大会",
            "starts_on": datetime.date(2025, 1, 1),
        },
    )
    proposals.add_representatives(mass, congress, ["A0001", "A0002", "A0003"])
    return congress


@pytest.fixture
def accounts(world, make_user):
    return {
        "zhang": world.member,  # 张三, a representative
        "li": make_user("li", person=world.li),
        "wang": make_user("wang", person=world.wang),
        "zhao": make_user("zhao", person=world.zhao),  # not a representative
    }


def test_a_representative_proposes_and_two_seconders_bring_it_to_the_admins(
    world, mass, handler, congress, accounts
):
    submitted = proposals.submit(
        accounts["zhang"], TEXT, congress=congress, seconders=[world.li, world.wang]
    )
    voice = submitted.voice
    assert (voice.kind, voice.channel, voice.status) == (
        Kind.PROPOSAL,
        Channel.CONGRESS,
        "seconding",
    )
    assert voice.unit == world.dept_a and voice.person == world.zhang
    with pytest.raises(ValidationError, match="尚在征集附议"):
        handling.assign(mass, voice, handling_org=world.dept_a)

    proposals.second(accounts["li"], voice, agree=True)
    voice.refresh_from_db()
    assert voice.status == Status.SECONDING  # one of two
    assert not VoiceTally.objects.filter(valid__gt=0).exists()  # not yet in 三率
    proposals.second(accounts["wang"], voice, agree=True, note="同意")
    voice.refresh_from_db()
    assert voice.status == Status.SUBMITTED
    assert tally.rebuild() == []  # the monthly tallies followed, without a rebuild
    assert VoiceTally.objects.filter(dimension="kind", key="proposal").get().valid == 1

    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="已与公交公司协调，下月起开通。", solved=True)
    followup.rate(accounts["zhang"], voice, rating="satisfied")
    voice.refresh_from_db()
    assert voice.status == Status.CLOSED
    actions = list(voice.events.values_list("action", flat=True))
    assert actions[:4] == ["submit", "invite", "second", "second"]


def test_proposing_needs_a_representative_and_two_other_representatives(world, congress, accounts):
    with pytest.raises(ValidationError) as no_rep:
        proposals.submit(
            accounts["zhao"], TEXT, congress=congress, seconders=[world.li, world.wang]
        )
    assert "职工代表可以提出提案" in str(no_rep.value)

    with pytest.raises(ValidationError) as one:
        proposals.submit(accounts["zhang"], TEXT, congress=congress, seconders=[world.li])
    assert "至少 2 名" in str(one.value) and "一事一案" in str(one.value)  # cites the rule

    with pytest.raises(ValidationError) as outsider:
        proposals.submit(
            accounts["zhang"], TEXT, congress=congress, seconders=[world.li, world.zhao]
        )
    assert "赵六 不是第三届职工代表大会的职工代表" in str(outsider.value)

    with pytest.raises(ValidationError) as self_second:
        proposals.submit(
            accounts["zhang"], TEXT, congress=congress, seconders=[world.li, world.zhang]
        )
    assert "不能附议自己" in str(self_second.value)

    congress.accepting = False
    congress.save()
    with pytest.raises(ValidationError, match="不征集提案"):
        proposals.submit(
            accounts["zhang"], TEXT, congress=congress, seconders=[world.li, world.wang]
        )
    assert not congress.proposals.exists()


def test_seconding_once_only_by_those_asked_and_declines_can_be_replaced(
    world, make_user, mass, congress, accounts
):
    proposals.add_representatives(mass, congress, ["B0001"])
    voice = proposals.submit(
        accounts["zhang"], TEXT, congress=congress, seconders=[world.li, world.wang]
    ).voice
    with pytest.raises(PermissionDenied):
        proposals.second(accounts["zhao"], voice, agree=True)  # not asked
    proposals.second(accounts["li"], voice, agree=False)
    with pytest.raises(ValidationError, match="不能重复表态"):
        proposals.second(accounts["li"], voice, agree=True)
    with pytest.raises(PermissionDenied):
        proposals.invite(accounts["li"], voice, [world.zhao])  # only the proposer invites
    with pytest.raises(ValidationError, match="尚未邀请过"):
        proposals.invite(accounts["zhang"], voice, [world.li])
    proposals.invite(accounts["zhang"], voice, [world.zhao])
    proposals.second(accounts["wang"], voice, agree=True)
    proposals.second(accounts["zhao"], voice, agree=True)
    voice.refresh_from_db()
    assert voice.status == Status.SUBMITTED
    assert proposals.tally(voice) == {"invited": 0, "seconded": 2, "declined": 1}
    with pytest.raises(ValidationError, match="征集附议"):
        proposals.invite(accounts["zhang"], voice, [world.zhao])


def test_staff_enter_a_paper_proposal_with_its_signatures(world, mass, congress, outsider_mass):
    voice = proposals.submit(
        mass, TEXT, congress=congress, proposer=world.zhang, seconders=[world.li, world.wang]
    ).voice
    assert voice.status == Status.SUBMITTED
    assert set(voice.seconders.values_list("answer", "on_paper")) == {("seconded", True)}
    assert voice.user == world.member  # 张三's account sees it among their proposals
    with pytest.raises(PermissionDenied):
        proposals.submit(
            outsider_mass,
            TEXT,
            congress=congress,
            proposer=world.zhang,
            seconders=[world.li, world.wang],
        )


@pytest.fixture
def outsider_mass(world, make_user):
    return make_user("mass_b", role="mass_admin", org=world.company_b)


def test_representatives_are_added_by_employee_number_all_or_nothing(
    world, mass, congress, outsider_mass
):
    with pytest.raises(ValidationError, match="X9999"):
        proposals.add_representatives(mass, congress, ["B0001", "X9999"])
    assert not congress.representatives.filter(person=world.zhao).exists()
    added = proposals.add_representatives(mass, congress, ["B0001", "A0001", "B0001"])
    assert [p.employee_no for p in added] == ["B0001"]  # 张三 was already one
    rep = congress.representatives.get(person=world.zhao)
    assert rep.delegation == world.dept_b
    with pytest.raises(PermissionDenied):
        proposals.add_representatives(outsider_mass, congress, ["B0001"])
    with pytest.raises(PermissionDenied):
        proposals.remove_representative(outsider_mass, rep)
    proposals.remove_representative(mass, rep)
    assert AuditLog.objects.filter(action="voice.representative_removed").exists()


def test_refusing_a_proposal_needs_a_written_reason(world, mass, congress):
    voice = proposals.submit(
        mass, TEXT, congress=congress, proposer=world.zhang, seconders=[world.li, world.wang]
    ).voice
    with pytest.raises(ValidationError, match="理由"):
        handling.refuse(mass, voice, reason=" ")
    handling.refuse(mass, voice, reason="不属于职代会提案范围，已转为意见建议办理")
    voice.refresh_from_db()
    assert voice.status == Status.RETURNED


# Pages -----------------------------------------------------------------------------------
def test_the_pages_take_a_proposal_from_form_to_seconding(world, login, congress, accounts):
    client = login(accounts["zhang"])
    page = client.get("/voices/proposals/")
    assert "向第三届职工代表大会提出提案" in page.content.decode()
    form = client.get(f"/voices/proposals/new/{congress.pk}/").content.decode()
    assert "李四" in form and "张三（" not in form  # not offered to second their own
    reps = {r.person_id: r.pk for r in congress.representatives.all()}
    bad = client.post(
        f"/voices/proposals/new/{congress.pk}/", {**TEXT, "seconders": [reps[world.li.pk]]}
    )
    assert bad.status_code == 422 and "至少 2 名" in bad.content.decode()
    assert "夜班下班后没有公交" in bad.content.decode()  # what was typed is kept
    done = client.post(
        f"/voices/proposals/new/{congress.pk}/",
        {**TEXT, "seconders": [reps[world.li.pk], reps[world.wang.pk]]},
    )
    assert done.status_code == 302
    voice = congress.proposals.get()

    client = login(accounts["li"])
    assert TEXT["title"] in client.get("/voices/proposals/").content.decode()
    detail = client.get(f"/voices/{voice.pk}/").content.decode()
    assert "action-second" in detail
    assert client.post(f"/voices/{voice.pk}/second/", {"note": ""}).status_code == 302
    assert Seconder.objects.get(voice=voice, person=world.li).answer == "seconded"

    client = login(accounts["zhao"])  # neither asked nor in scope
    assert client.get(f"/voices/{voice.pk}/").status_code == 404
    assert client.get(f"/voices/proposals/new/{congress.pk}/").status_code == 404


def test_the_congress_page_keeps_representatives_and_paper_proposals(world, login, mass):
    client = login(mass)
    made = client.post(
        "/voices/congress/",
        {
            "org": world.company_a.pk,
            "name": "第四届职工代表大会",
            "starts_on": "2026-01-01",
            "accepting": "on",
        },
    )
    assert made.status_code == 302
    url = made["Location"]
    bad = client.post(url, {"form": "reps", "employee_nos": "A0001\nZ0000"})
    assert bad.status_code == 422 and "Z0000" in bad.content.decode()
    client.post(url, {"form": "reps", "employee_nos": "A0001，A0002\nA0003"})
    page = client.get(url).content.decode()
    assert "职工代表（3）" in page
    congress = proposals.congresses_kept_by(mass).get()
    reps = {r.person_id: r.pk for r in congress.representatives.all()}
    paper = client.post(
        url,
        {
            "form": "paper",
            "proposer": reps[world.zhang.pk],
            **TEXT,
            "seconders": [reps[world.li.pk], reps[world.wang.pk]],
        },
    )
    assert paper.status_code == 302, paper.context["paper_form"].errors
    assert congress.proposals.get().status == Status.SUBMITTED


def test_inviting_more_seconders_is_audited_in_the_same_transaction(
    world, mass, congress, accounts, monkeypatch
):
    proposals.add_representatives(mass, congress, ["B0001"])
    voice = proposals.submit(
        accounts["zhang"], TEXT, congress=congress, seconders=[world.li, world.wang]
    ).voice
    proposals.second(accounts["li"], voice, agree=False)

    def audit_down(*args, **kwargs):
        raise RuntimeError("audit down")

    with monkeypatch.context() as patch:
        patch.setattr(proposals.audit, "record", audit_down)
        with pytest.raises(RuntimeError):
            proposals.invite(accounts["zhang"], voice, [world.zhao])
    assert not voice.seconders.filter(person=world.zhao).exists()

    proposals.invite(accounts["zhang"], voice, [world.zhao])
    row = AuditLog.objects.get(action="voice.invite")
    assert (row.actor, row.object_id) == (accounts["zhang"], str(voice.pk))
    assert row.after == {"seconders": [world.zhao.employee_no]}


def test_a_paper_proposal_with_an_id_that_cannot_be_one_is_a_field_error(
    world, mass, congress, client
):
    """The proposer field is added after ``StyledForm.__init__``: it refuses a huge id in
    Chinese like every other model choice (SQLite overflowed: a 500)."""
    client.force_login(mass)
    rep = congress.representatives.get(person=world.li)
    page = client.post(
        f"/voices/congress/{congress.pk}/",
        {
            "form": "paper",
            "title": TEXT["title"],
            "content": TEXT["content"],
            "proposer": "99999999999999999999",
            "seconders": [str(rep.pk)],
        },
    )
    assert page.status_code == 422
    assert page.context["paper_form"].errors["proposer"] == [
        "选择一个有效的选项： 该选择不在可用的选项中。"
    ]
    assert not congress.proposals.exists()
