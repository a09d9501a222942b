"""组织生活 over the API: every endpoint and method for every kind of caller, the page's actions
with the page's rules and audit, check-in by code, planning, the radar, and pinned query counts."""

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from dangqun.accounts.services import create_token
from dangqun.api.tests.helpers import ApiClient
from dangqun.core.models import AuditLog
from dangqun.life import actions, appraisal, attendance, checkins, planning, recording
from dangqun.life.models import Attendee, Kind, Meeting, MeetingFile, Presence, Status

ROLES = ["anonymous", "outsider", "reader", "owner"]
MEETINGS = "/api/life/meetings/"


@pytest.fixture
def secretary(world, make_user):
    return make_user("secretary", role="branch_secretary", org=world.branch_a)


def schedule(world, secretary, kind=Kind.THEME_DAY, **extra) -> Meeting:
    return planning.schedule(
        secretary,
        world.branch_a,
        {"kind": kind, "topic": "学习党章", "starts_at": timezone.now(), "place": "三楼", **extra},
    )


def held(world, secretary) -> Meeting:
    meeting = schedule(world, secretary)
    recording.update(secretary, meeting, {"minutes": "学习了党章。"})
    return meeting


def finalised(world, secretary) -> Meeting:
    meeting = held(world, secretary)
    return recording.finalise(secretary, meeting)


def appraisal_meeting(world, secretary) -> Meeting:
    return schedule(world, secretary, kind=Kind.APPRAISAL)


def appraising(world, secretary) -> Meeting:
    meeting = appraisal_meeting(world, secretary)
    appraisal.open_appraisal(secretary, meeting)
    return meeting


def png(name="照片.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Any  # (world, meeting) -> str
    body: Any = None  # world -> dict
    expected: tuple[int, int, int, int] = (401, 404, 403, 200)  # in the order of ROLES
    meeting: Any = schedule  # (world, secretary) -> Meeting
    multipart: bool = False


def step(name: str, body=None, expected=(401, 404, 403, 200), meeting=schedule, **kw) -> Case:
    return Case(
        f"step {name}",
        "post",
        lambda w, m: f"{MEETINGS}{m.pk}/{name}/",
        body,
        expected,
        meeting,
        **kw,
    )


YEAR = timezone.localdate().year
NO_PERSON = (401, 404, 400, 400)  # the service decides: an account without a person is refused

CASES = [
    Case("list", "get", lambda w, m: MEETINGS, expected=(401, 200, 200, 200)),
    Case("list held", "get", lambda w, m: MEETINGS + "?show=held", expected=(401, 200, 200, 200)),
    Case("detail", "get", lambda w, m: f"{MEETINGS}{m.pk}/", expected=(401, 404, 200, 200)),
    Case(
        "schedule",
        "post",
        lambda w, m: MEETINGS,
        lambda w: {
            "org": w.branch_a.pk,
            "kind": Kind.PARTY_LECTURE,
            "topic": "党课",
            "starts_at": "2026-03-01T09:00",
        },
        # the outsider keeps company B's meetings: company A's branch is not a choice → 400
        expected=(401, 400, 403, 201),
    ),
    Case(
        "plan a year",
        "post",
        lambda w, m: MEETINGS + "plan/",
        lambda w: {"org": w.branch_a.pk, "year": YEAR},
        expected=(401, 400, 400, 200),
    ),
    Case(
        "check in (no person)",
        "post",
        lambda w, m: f"{MEETINGS}{m.pk}/checkin/",
        None,  # the current code, filled in by the test
        expected=(401, 400, 400, 400),
    ),
    step("record", lambda w: {"topic": "改了", "starts_at": "2026-03-01T09:00", "minutes": "记"}),
    step("mark", lambda w: {"person": w.zhang.pk, "presence": "present"}),
    step("vote", lambda w: {"motion": "表决", "yes": 0, "no": 0, "abstain": 0}),
    step("cancel", lambda w: {"reason": "改期"}),
    step("files", lambda w: {"files": [png()]}, multipart=True),
    step("remove_file", lambda w: {"file": 0}, expected=(401, 404, 403, 400)),
    step("finalise", meeting=held),
    step("addendum", lambda w: {"text": "补记"}, meeting=finalised),
    step("leave", lambda w: {"reason": "出差"}, expected=NO_PERSON),
    step("appraisal_open", meeting=appraisal_meeting),
    step("appraisal_close", meeting=appraising),
    step("appraisal_self", lambda w: {"text": "自评"}, expected=NO_PERSON, meeting=appraising),
    step("appraisal_rate", lambda w: {"grades": {}}, expected=NO_PERSON, meeting=appraising),
    step(
        "appraisal_grade",
        lambda w: {"person": w.zhang.pk, "grade": "qualified"},
        expected=(401, 404, 403, 400),  # the counts are not shown yet
        meeting=appraising,
    ),
    step("unknown", expected=(404, 404, 404, 404)),  # no such address
    Case("radar", "get", lambda w, m: "/api/life/radar/", expected=(401, 200, 200, 200)),
    Case(
        "radar of a branch",
        "get",
        lambda w, m: f"/api/life/radar/?org={w.branch_a.pk}&year={YEAR}",
        expected=(401, 404, 200, 200),
    ),
    Case(
        "minutes pdf",
        "get",
        lambda w, m: f"{MEETINGS}{m.pk}/minutes/",
        expected=(401, 404, 200, 200),
    ),
    Case(
        "file download (no such file)",
        "get",
        lambda w, m: f"{MEETINGS}{m.pk}/files/999999/",
        expected=(401, 404, 404, 404),
    ),
    Case(
        "radar export",
        "get",
        lambda w, m: f"/api/life/radar/export/?org={w.branch_a.pk}",
        expected=(401, 404, 200, 200),
    ),
    Case(
        "annual record",
        "get",
        lambda w, m: f"/api/life/radar/record/?org={w.branch_a.pk}&year={YEAR}",
        expected=(401, 404, 200, 200),
    ),
    Case(
        "meetings delete (never)",
        "delete",
        lambda w, m: f"{MEETINGS}{m.pk}/",
        expected=(401, 405, 405, 405),
    ),
]


def _call(user, case: Case, world, meeting):
    url = case.url(world, meeting)
    body = case.body(world) if case.body else {}
    if case.name.startswith("check in"):
        body = {"code": checkins.checkin_code(meeting)}
    client = ApiClient(create_token(None, user) if user is not None else None)
    if case.method in ("get", "delete"):
        return getattr(client, case.method)(url)
    if case.multipart:
        return client.client.post(url, body, **client.headers)
    return client.post(url, body)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, secretary, case, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = case.meeting(world, secretary)
    user = None if role == "anonymous" else getattr(world, role)
    meetings_before = Meeting.objects.count()
    audit_before = AuditLog.objects.count()
    meeting_before = Meeting.objects.values().get(pk=meeting.pk)

    response = _call(user, case, world, meeting)

    expected = case.expected[ROLES.index(role)]
    assert response.status_code == expected, response.content.decode()
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Token"
    if expected >= 400 and case.method != "get":
        # a refused write changes nothing (the token made for the caller is the only audit row)
        assert Meeting.objects.count() == meetings_before
        assert Meeting.objects.values().get(pk=meeting.pk) == meeting_before
        assert AuditLog.objects.count() == audit_before + (user is not None)
        assert not Attendee.objects.filter(presence=Presence.PRESENT).exists()
    if expected in (403, 404) and response.headers.get("Content-Type") == "application/json":
        assert response.json()["detail"]  # a Chinese reason, not an empty body
    if expected == 400:
        assert all(isinstance(v, list) and v for v in response.json().values())
    if expected in (200, 201) and case.method == "post":
        assert AuditLog.objects.count() > audit_before + 1  # the change was audited


def test_every_action_of_the_table_is_in_the_matrix():
    in_matrix = {c.name.removeprefix("step ") for c in CASES if c.name.startswith("step ")}
    assert set(actions.ACTIONS) <= in_matrix


@pytest.fixture
def owner(world, api):
    client = api(world.owner)
    client.get("/api/me/")  # first use of the token records when it was used (one UPDATE)
    return client


def test_a_meeting_is_recorded_marked_and_finalised_through_the_api(world, secretary, owner):
    meeting = schedule(world, secretary)
    url = f"{MEETINGS}{meeting.pk}/"
    marked = owner.post(url + "mark/", {"person": world.zhang.pk, "presence": "present"})
    assert marked.status_code == 200
    leave = {"person": world.li.pk, "presence": "leave", "reason": "出差"}
    assert owner.post(url + "mark/", leave).status_code == 200
    record = {"topic": "学习党章", "starts_at": "2020-01-01T14:30", "minutes": "学习了党章。"}
    assert owner.post(url + "record/", record).json()["status"] == Status.HELD
    body = owner.post(url + "finalise/").json()
    assert body["status"] == Status.FINALISED
    assert body["counts"] == {"expected": 2, "present": 1, "leave": 1, "guests": 0}
    people = {row["name"]: row["presence"] for row in body["attendees"]}
    assert people == {"张三": "present", "李四": "leave"}
    logged = AuditLog.objects.filter(actor=world.owner).values_list("action", flat=True)
    assert {"life.mark", "life.update", "life.finalise"} <= set(logged)


def test_a_refusal_is_a_400_with_the_rules_chinese_message(world, secretary, owner):
    meeting = schedule(world, secretary)
    url = f"{MEETINGS}{meeting.pk}/"
    refused = owner.post(url + "finalise/")
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["请先填写会议记录再定稿"]}
    stranger = owner.post(url + "mark/", {"person": world.zhao.pk, "presence": "present"})
    assert stranger.json() == {"person": ["该人员不在本次组织生活的名单中"]}
    unreadable = owner.post(url + "mark/", {"presence": "maybe"})
    assert unreadable.status_code == 400 and set(unreadable.json()) == {"person", "presence"}
    meeting = finalised(world, secretary)
    again = owner.post(
        f"{MEETINGS}{meeting.pk}/record/", {"topic": "x", "starts_at": "2020-01-01T14:30"}
    )
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": ["会议记录已定稿，不能修改；如需更正请添加补充说明"]
    }


def test_outside_the_scope_is_not_found(world, secretary, api):
    meeting = schedule(world, secretary)
    outsider = api(world.outsider)
    assert outsider.get(f"{MEETINGS}{meeting.pk}/").status_code == 404
    response = outsider.post(f"{MEETINGS}{meeting.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 404 and response.json()["detail"] == "组织生活不存在或无权查看"
    assert meeting.pk not in ids(outsider.get(MEETINGS + "?show=all"))
    assert outsider.get(f"/api/life/radar/?org={world.branch_a.pk}").status_code == 404


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_is_the_pages_list(world, secretary, api):
    upcoming = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "下月", "starts_at": timezone.now() + dt.timedelta(30)},
    )
    done = held(world, secretary)
    owner = api(world.owner)
    assert ids(owner.get(MEETINGS)) == [upcoming.pk]
    assert ids(owner.get(MEETINGS, {"show": "held"})) == [done.pk]
    assert set(ids(owner.get(MEETINGS, {"show": "all"}))) == {upcoming.pk, done.pk}
    assert ids(owner.get(MEETINGS, {"show": "all", "org": world.branch_b.pk})) == []
    assert ids(owner.get(MEETINGS, {"show": "all", "org": world.committee_a.pk})) != []
    assert owner.get(MEETINGS, {"show": "soon"}).status_code == 400
    # a member without a 组织生活 role sees the meetings they are expected at
    assert ids(api(world.member).get(MEETINGS)) == [upcoming.pk]
    row = owner.get(MEETINGS).json()["results"][0]
    assert (row["expected"], row["present"], row["org_name"]) == (2, 0, world.branch_a.name)


def test_a_member_asks_for_leave_and_checks_in_with_the_code(world, secretary, api, make_user):
    meeting = schedule(world, secretary)
    member = api(world.member)
    url = f"{MEETINGS}{meeting.pk}/"
    assert member.get(url).status_code == 200
    assert member.post(url + "leave/", {"reason": ""}).json() == {"reason": ["请填写请假事由"]}
    assert member.post(url + "leave/", {"reason": "出差"}).status_code == 200
    stale = member.post(url + "checkin/", {"code": "0000000000"})
    assert stale.status_code == 403
    assert stale.json()["detail"] == "签到码已过期，请扫描会场当前显示的二维码"
    chinese = member.post(url + "checkin/", {"code": "签到码"})  # found by schemathesis: was a 500
    assert chinese.status_code == 403 and chinese.json() == stale.json()
    code = checkins.checkin_code(meeting)
    first = member.post(url + "checkin/", {"code": code}).json()
    assert first["first"] is True and first["attendee"]["presence"] == Presence.PRESENT
    assert member.post(url + "checkin/", {"code": code}).json()["first"] is False
    assert AuditLog.objects.filter(action="life.check_in", actor=world.member).count() == 1
    # without the code nothing shows, not even whether the meeting exists
    assert member.post(f"{MEETINGS}999999/checkin/", {"code": code}).status_code == 403
    # someone not on the list (another company's employee) checks in as 列席
    guest = api(make_user("zhao", person=world.zhao))
    assert guest.get(url).status_code == 404
    came = guest.post(url + "checkin/", {"code": code}).json()
    assert came["attendee"]["role"] == "guest" and came["first"] is True


def test_planning_a_year_through_the_api_matches_the_page(world, owner):
    response = owner.post(MEETINGS + "plan/", {"org": world.branch_a.pk, "year": YEAR})
    assert response.status_code == 200 and len(response.json()["created"]) == 22
    again = owner.post(MEETINGS + "plan/", {"org": world.branch_a.pk, "year": YEAR})
    assert again.json() == {"created": []}
    assert AuditLog.objects.filter(action="life.plan").count() == 2


def test_files_are_uploaded_checked_and_listed(world, secretary, owner, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = schedule(world, secretary)
    url = f"{MEETINGS}{meeting.pk}/files/"
    done = owner.client.post(url, {"files": [png()]}, **owner.headers)
    assert done.status_code == 200
    [row] = done.json()["files"]
    assert row["name"] == "照片.png" and row["url"] == f"{MEETINGS}{meeting.pk}/files/{row['id']}/"
    downloaded = owner.get(row["url"])
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content)
    assert owner.get(row["url"], {"preview": "1"}).status_code == 200
    assert api(world.outsider).get(row["url"]).status_code == 404
    fake = SimpleUploadedFile("假.png", b"not a picture", content_type="image/png")
    refused = owner.client.post(url, {"files": [fake]}, **owner.headers)
    assert refused.status_code == 400 and "假.png" in refused.json()["files"][0]
    removed = owner.post(f"{MEETINGS}{meeting.pk}/remove_file/", {"file": row["id"]})
    assert removed.status_code == 200 and removed.json()["files"] == []
    assert not MeetingFile.objects.exists()


def test_the_radar_shows_findings_with_their_rules(world, owner):
    whole = owner.get("/api/life/radar/").json()
    assert whole["org"]["id"] == world.committee_a.pk and whole["year"] == YEAR
    assert whole["rows"] and {b["id"] for b in whole["branches"]} >= {world.branch_a.pk}
    branch = owner.get("/api/life/radar/", {"org": world.branch_a.pk, "year": YEAR - 1}).json()
    assert branch["rows"] is None and branch["year"] == YEAR - 1
    [result] = branch["branches"]
    assert result["due"] and result["findings"]
    finding = result["findings"][0]
    assert finding["rule"].startswith("life.") and finding["citation"] and finding["text"]
    assert not AuditLog.objects.filter(action__startswith="life.radar").exists()  # as the page


def test_the_radar_says_this_year_is_not_over(world, owner):
    today = timezone.localdate()
    this = owner.get("/api/life/radar/", {"year": YEAR}).json()
    assert (this["partial"], this["through"]) == (True, today.isoformat())
    last = owner.get("/api/life/radar/", {"year": YEAR - 1}).json()
    assert (last["partial"], last["through"]) == (False, f"{YEAR - 1}-12-31")


def test_exports_are_audited_as_on_the_page(world, owner):
    sheet = owner.get("/api/life/radar/export/", {"org": world.committee_a.pk, "year": YEAR})
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
    assert sheet["Content-Disposition"].endswith(f"life-radar-{world.committee_a.pk}-{YEAR}.xlsx")
    printed = owner.get("/api/life/radar/record/", {"org": world.branch_a.pk})
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    logged = AuditLog.objects.filter(actor=world.owner, action__startswith="life.")
    assert sorted(logged.values_list("action", flat=True)) == [
        "life.annual_record",
        "life.radar_export",
    ]
    assert api_status(world, "/api/life/radar/export/") == 403  # no 组织生活 role


def api_status(world, url) -> int:
    return ApiClient(create_token(None, world.member)).get(url).status_code


def test_queries_do_not_grow_with_meetings_or_attendees(
    world, secretary, owner, django_assert_num_queries
):
    meeting = held(world, secretary)
    with django_assert_num_queries(5) as listed:  # token, grants, org ids, count, rows
        owner.get(MEETINGS, {"show": "all"})
    # token, grants, org ids, the meeting, its attendees, its files
    with django_assert_num_queries(6) as detail:
        owner.get(f"{MEETINGS}{meeting.pk}/")
    owner.get("/api/life/radar/")  # the rules' overrides are cached from here on
    # token, grants, the organisation, the branches, terms, tallies, attendance, last held,
    # standings, the children rolled up into
    with django_assert_num_queries(10) as radar:
        owner.get("/api/life/radar/")
    for _ in range(5):
        more = schedule(world, secretary)
        attendance.mark(secretary, more, world.zhao, Presence.PRESENT)  # a guest more
    with django_assert_num_queries(len(listed.captured_queries)):
        assert owner.get(MEETINGS, {"show": "all"}).json()["count"] == 6
    with django_assert_num_queries(len(detail.captured_queries)):
        owner.get(f"{MEETINGS}{more.pk}/")
    with django_assert_num_queries(len(radar.captured_queries)):
        owner.get("/api/life/radar/")
