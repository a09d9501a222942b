"""The pages of 发展党员: the board, a new case, the timeline with each step's form, and who may
open and change what."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.development.models import Case
from dangqun.development.tests.conftest import DATES

pytestmark = pytest.mark.django_db


def test_a_secretary_registers_an_application_by_employee_number(client, world, secretary):
    client.force_login(secretary)
    form = {"branch": world.branch_a.pk, "employee_no": "A0003", "applied_on": "2023-01-10"}
    page = client.post("/development/new/", form, follow=True).content.decode()
    case = Case.objects.get()
    assert "已登记入党申请" in page and case.person == world.wang
    wrong = client.post("/development/new/", {**form, "employee_no": "Z9999", "note": "留言"})
    assert wrong.status_code == 422
    text = wrong.content.decode()
    assert "找不到该工号的人员" in text and "留言" in text  # nothing typed is lost
    member = client.post("/development/new/", {**form, "employee_no": "A0001"})
    assert member.status_code == 422 and "张三已是党员" in member.content.decode()


def test_the_timeline_offers_the_next_step_and_shows_what_would_refuse_it(
    client, world, secretary, zhou
):
    from django.utils import timezone

    from dangqun.development import opening, recording, votes

    today = timezone.localdate()
    ago = {n: today - dt.timedelta(days=d) for n, d in {1: 60, 2: 50, 3: 40, 4: 35, 5: 30}.items()}
    case = opening.open_case(secretary, world.wang, world.branch_a, ago[1])
    recording.record_step(secretary, case, 2, ago[2])
    recording.record_step(secretary, case, 3, ago[3])
    recording.record_step(world.owner, case, 4, ago[4])
    recording.record_step(secretary, case, 5, ago[5], {"people": [zhou]})
    votes.assess(secretary, case, today, "表现良好")
    client.force_login(secretary)
    page = client.get(f"/development/{case.pk}/").content.decode()
    assert 'id="step-form-7"' in page and 'id="step-form-8"' not in page
    # 确定发展对象 needs a year as 积极分子 (40 days is always one whole month): the page
    # says so before anyone tries
    assert "确定为入党积极分子至今 1 个月" in page and "第十三条" in page
    assert "培养考察" in page  # the next assessment's deadline


def test_recording_a_step_on_the_page_and_a_refusal_that_keeps_the_form(
    client, world, case, walk, secretary
):
    from dangqun.people import services as people

    recent = people.create_person(  # a full member since 2024: not yet on 6 March 2023
        None,
        {
            "employee_no": "A0010",
            "name": "孙八",
            "unit": world.dept_a,
            "id_number": "110105199501010017",
        },
        {
            "branch": world.branch_a,
            "joined_on": dt.date(2022, 12, 1),
            "full_member_on": dt.date(2024, 1, 1),
        },
    )
    walk(case, 4)
    client.force_login(secretary)
    page = client.get(f"/development/{case.pk}/").content.decode()
    assert "孙八" in page and "李四" not in page  # only full members are offered
    refused = client.post(
        f"/development/{case.pk}/step/",
        {"number": 5, "s5-on": "2023-03-06", "s5-people": [recent.pk], "s5-note": "指定联系人"},
    )
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "孙八在 2023-03-06 不是正式党员" in text and "指定联系人" in text
    crafted = client.post(  # 李四, a 预备党员, is not even a choice
        f"/development/{case.pk}/step/",
        {"number": 5, "s5-on": "2023-03-06", "s5-people": [world.li.pk]},
    )
    assert crafted.status_code == 422
    done = client.post(
        f"/development/{case.pk}/step/",
        {"number": 5, "s5-on": "2023-03-06", "s5-people": [world.zhang.pk]},
        follow=True,
    )
    assert "已办理：指定培养联系人" in done.content.decode()
    case.refresh_from_db()
    assert case.step == 5 and case.helpers.get().person == world.zhang


def test_a_vote_and_an_assessment_on_the_page(client, world, case, walk, secretary):
    walk(case, 14)
    client.force_login(secretary)
    vote = {"held_on": "2024-05-20", "expected": 3, "present": 1, "written": 0, "yes": 1}
    page = client.post(
        f"/development/{case.pk}/vote/", {**vote, "step": 15, "no": 0, "abstain": 0}, follow=True
    ).content.decode()
    assert "不足法定人数" in page
    page = client.post(
        f"/development/{case.pk}/vote/",
        {**vote, "present": 3, "yes": 3, "step": 15, "no": 0, "abstain": 0},
        follow=True,
    ).content.decode()
    case.refresh_from_db()
    assert case.step == 15 and case.admitted_on == dt.date(2024, 5, 20)
    walk(case, 20)
    client.post(f"/development/{case.pk}/assess/", {"on": "2024-12-01", "text": "表现良好"})
    case.refresh_from_db()
    assert case.step == 21 and case.assessments.filter(step=21).count() == 1


def test_the_board_counts_stages_and_lists_what_is_due(
    client, world, case, walk, secretary, django_assert_num_queries
):
    walk(case, 3)  # the next assessment was due on 1 September 2023: overdue
    client.force_login(world.owner)
    page = client.get(f"/development/?org={world.committee_a.pk}").content.decode()
    assert 'id="stage-2">1<' in page
    assert "培养考察：2023-09-01" in page and 'bg-red-lt">1<' in page
    with CaptureQueriesContext(connection) as first:
        client.get(f"/development/?org={world.committee_a.pk}")
    for n in range(3):  # more cases do not mean more queries
        from dangqun.people import services as people

        person = people.create_person(
            None,
            {
                "employee_no": f"A01{n}",
                "name": f"申请人{n}",
                "unit": world.dept_a,
                "id_number": ["110105199501010017", "11010519960202002X", "110105199703030032"][n],
            },
        )
        from dangqun.development import opening

        opening.open_case(secretary, person, world.branch_a, DATES[1])
    with CaptureQueriesContext(connection) as more:
        client.get(f"/development/?org={world.committee_a.pk}")
    assert len(more) == len(first)


READ = ["", "{pk}/"]


@pytest.mark.parametrize(
    "who, board, case_page, new_page",
    [
        ("anonymous", 302, 302, 302),
        ("secretary", 200, 200, 200),
        ("owner", 200, 200, 200),  # the approving 党委
        ("reader", 200, 200, 403),  # the leader reads
        ("outsider", 200, 404, 200),  # another company's 党委: its own board, not this case
        ("member", 403, 404, 403),  # 张三, a plain member
    ],
)
def test_who_may_open_the_pages(client, world, secretary, case, who, board, case_page, new_page):
    users = {
        "secretary": secretary,
        **{n: getattr(world, n) for n in ("owner", "reader", "outsider", "member")},
    }
    if who != "anonymous":
        client.force_login(users[who])
    assert client.get("/development/").status_code == board
    assert client.get(f"/development/{case.pk}/").status_code == case_page
    assert client.get("/development/new/").status_code == new_page


@pytest.mark.parametrize("who, status", [("reader", 403), ("outsider", 404), ("member", 404)])
def test_nobody_else_changes_a_case(client, world, case, walk, who, status):
    walk(case, 2)
    client.force_login(getattr(world, who))
    for action, data in (
        ("step", {"number": 3, "s3-on": "2023-03-01"}),
        ("close", {"on": "2023-03-01", "reason": "x"}),
        ("assess", {"on": "2023-03-01", "text": "x"}),
    ):
        response = client.post(f"/development/{case.pk}/{action}/", data)
        assert response.status_code == status, (action, response.status_code)
    case.refresh_from_db()
    assert case.step == 2 and case.is_open


def test_the_applicant_sees_their_own_steps_but_not_the_file(
    client, world, case, walk, secretary, make_user
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangqun.core import uploads
    from dangqun.development import recording

    walk(case, 10)  # 政审 concluded, assessments written
    checked = uploads.check_all([SimpleUploadedFile("x.png", _png())])
    [row] = recording.add_files(secretary, case, 10, checked)
    client.force_login(make_user("wang", person=world.wang))
    page = client.get(f"/development/{case.pk}/").content.decode()
    assert "递交入党申请书" in page and "政治审查" in page and "step-form" not in page
    assert "政治历史清白" not in page and "表现良好" not in page and "x.png" not in page
    assert client.get(f"/development/{case.pk}/files/{row.pk}/").status_code == 404
    assert client.get(f"/development/{case.pk}/dossier.zip").status_code == 403


def test_a_leader_reads_but_does_not_export_the_dossier(client, world, case):
    client.force_login(world.reader)
    assert client.get(f"/development/{case.pk}/").status_code == 200
    assert client.get(f"/development/{case.pk}/dossier.zip").status_code == 403


def test_assessed_steps_are_not_recorded_without_an_assessment(
    client, world, case, walk, secretary
):
    walk(case, 5)
    client.force_login(secretary)
    assert (
        client.post(
            f"/development/{case.pk}/step/", {"number": 6, "s6-on": "2023-09-01"}
        ).status_code
        == 404
    )


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def test_the_case_page_does_not_query_per_step(client, world, case, walk, secretary):
    walk(case, 3)
    client.force_login(secretary)
    client.get(f"/development/{case.pk}/")
    with CaptureQueriesContext(connection) as early:
        client.get(f"/development/{case.pk}/")
    walk(case, 14)  # eleven more steps, two helpers, an assessment
    with CaptureQueriesContext(connection) as later:
        client.get(f"/development/{case.pk}/")
    assert len(early) == 12 and len(later) <= len(early), [q["sql"] for q in later]


def test_documents_come_with_a_step_and_later_and_leave_in_the_dossier(
    client, world, case, walk, secretary
):
    import io
    import zipfile

    import pypdf
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def scan(name):
        out = io.BytesIO()
        Image.new("RGB", (20, 20), "white").save(out, "PNG")
        return SimpleUploadedFile(name, out.getvalue())

    client.force_login(secretary)
    client.post(
        f"/development/{case.pk}/step/",
        {"number": 2, "s2-on": "2023-01-20", "s2-files": [scan("谈话记录.png")]},
    )
    client.post(
        f"/development/{case.pk}/files/", {"number": 1, "f1-files": [scan("入党申请书.png")]}
    )
    fake = SimpleUploadedFile("申请书.png", b"MZ\x90\x00" + b"\x00" * 100)
    refused = client.post(f"/development/{case.pk}/files/", {"number": 1, "f1-files": [fake]})
    assert refused.status_code == 422 and "申请书.png" in refused.content.decode()
    assert case.files.count() == 2
    page = client.get(f"/development/{case.pk}/").content.decode()
    assert "谈话记录.png" in page and "入党申请书.png" in page
    walk(case, 2)
    response = client.get(f"/development/{case.pk}/dossier.zip")
    assert response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(bundle.namelist()) == [
        "00-目录.pdf",
        "01-递交入党申请书/入党申请书.png",
        "02-党组织派人谈话/谈话记录.png",
    ]
    index = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(bundle.read("00-目录.pdf"))).pages
    )
    assert "王五发展党员材料目录" in index and "党组织派人谈话" in index
    from dangqun.core.models import AuditLog

    assert AuditLog.objects.filter(action="development.dossier").count() == 1
    client.force_login(world.outsider)
    assert client.get(f"/development/{case.pk}/dossier.zip").status_code == 404
    client.force_login(world.member)
    assert client.get(f"/development/{case.pk}/dossier.zip").status_code == 404


def test_a_vote_takes_its_date_and_counts_from_the_general_meeting_on_record(
    client, world, case, walk, secretary, zhou
):
    from django.utils import timezone

    from dangqun.life import attendance, planning, recording
    from dangqun.life.models import Kind

    walk(case, 14)
    starts = timezone.make_aware(dt.datetime(2024, 5, 20, 14, 30))
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.GENERAL_MEETING, "topic": "讨论接收预备党员", "starts_at": starts},
    )
    attendance.mark(secretary, meeting, world.zhang, "present")
    attendance.mark(secretary, meeting, world.li, "present")  # a 预备党员: no vote
    recording.update(secretary, meeting, {"minutes": "讨论王五入党问题"})
    client.force_login(secretary)
    page = client.get(f"/development/{case.pk}/").content.decode()
    assert "2024-05-20 讨论接收预备党员" in page
    form = {"step": 15, "meeting": meeting.pk, "written": 0, "yes": 1, "no": 0, "abstain": 0}
    client.post(f"/development/{case.pk}/vote/", form)
    [vote] = case.votes.all()
    # 张三 and 周七 are the full members expected; 张三 came (李四 came too, without a vote)
    assert (vote.held_on, vote.voting_expected, vote.voting_present) == (dt.date(2024, 5, 20), 2, 1)
    assert vote.meeting == meeting and not vote.quorate  # 1 of 2 is not more than half
    form = {**form, "meeting": "", "held_on": "2024-05-21", "expected": 2, "present": 2, "yes": 2}
    client.post(f"/development/{case.pk}/vote/", form)  # or typed by hand
    case.refresh_from_db()
    assert case.step == 15 and case.admitted_on == dt.date(2024, 5, 21)


def test_a_vote_without_a_meeting_needs_its_date_and_counts(client, world, case, walk, secretary):
    walk(case, 14)
    client.force_login(secretary)
    form = {"step": 15, "written": 0, "yes": 3, "no": 0, "abstain": 0}
    response = client.post(f"/development/{case.pk}/vote/", form)
    text = response.content.decode()
    assert response.status_code == 422 and "请填写支部大会日期" in text
    assert "请填写应到会有表决权的党员人数" in text and not case.votes.exists()
