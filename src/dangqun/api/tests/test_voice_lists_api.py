"""The staff inbox over the API: the same voices as the inbox page for each tab and for the overdue
view, read by the same people, a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangqun.api.tests.helpers import ids
from dangqun.voices import inbox, proposals
from dangqun.voices.models import Status, Voice

pytestmark = pytest.mark.django_db

INBOX = "/api/voices/inbox/"


@pytest.fixture
def mass(world, make_user):
    return make_user("mass", role="mass_admin", org=world.company_a)


@pytest.fixture
def handler(world, make_user):
    return make_user("handler", role="handler", org=world.dept_a)


@pytest.fixture
def users(world, mass, handler, make_user):
    return {
        "owner": mass,
        "reader": world.reader,  # the leader views company A's voices
        "handler": handler,  # handles them
        "outsider": make_user("mass_b", role="mass_admin", org=world.company_b),
        "party_admin": world.owner,  # nothing to do with voices
        "member": world.member,
    }


@pytest.fixture
def voices(world, api, mass):
    """Five voices 张三 raised: one 待受理, three 待响应 (one past its response deadline, one past
    its resolution deadline), one 不予受理."""
    raised = []
    for n in range(5):
        response = api(world.member).post("/api/voices/", {"title": f"呼声{n}", "content": "内容"})
        assert response.status_code == 201, response.content.decode()
        raised.append(response.json()["id"])
    client = api(mass)
    for voice_id in raised[1:4]:
        assign = {"handling_org": world.dept_a.pk, "urgency": "normal"}
        assert client.post(f"/api/voices/{voice_id}/assign/", assign).status_code == 200
    assert (
        client.post(f"/api/voices/{raised[4]}/refuse/", {"note": "不属于受理范围"}).status_code
        == 200
    )
    past = timezone.now() - dt.timedelta(days=1)
    Voice.objects.filter(pk=raised[2]).update(response_due=past)
    Voice.objects.filter(pk=raised[3]).update(resolution_due=past)
    return raised


@pytest.mark.parametrize("overdue", [False, True])
def test_each_tab_lists_the_pages_voices(client, api, mass, voices, overdue):
    client.force_login(mass)
    caller = api(mass)
    extra = {"overdue": "1"} if overdue else {}
    for tab in inbox.TABS:
        page = client.get("/voices/", {"show": tab, **extra})
        listed = [voice.pk for voice in page.context["page"]]
        assert ids(caller.get(INBOX, {"show": tab, **extra})) == listed, tab
    assert ids(caller.get(INBOX)) == voices[3::-1]  # open ones by default, newest first
    assert set(ids(caller.get(INBOX, {"overdue": "1"}))) == {voices[2], voices[3]}
    returned = ids(caller.get(INBOX, {"show": "closed"}))
    assert returned == [voices[4]] and Voice.objects.get(pk=voices[4]).status == Status.RETURNED


@pytest.mark.parametrize(
    "role, expected, listed",
    [
        ("anonymous", 401, None),
        ("outsider", 200, 0),  # another company's admin: none of ours
        ("reader", 200, 4),
        ("owner", 200, 4),
        ("handler", 200, 3),  # the voices assigned to their unit
        ("party_admin", 403, None),
        ("member", 403, None),  # 张三 reads his own under ?mine=1 of the voice list
    ],
)
def test_permission_matrix(api, users, voices, role, expected, listed):
    response = api(users.get(role)).get(INBOX)
    assert response.status_code == expected, response.content.decode()
    if expected == 403:
        assert response.json()["detail"] == "您没有查看群众呼声的权限"
    if listed is not None:
        assert response.json()["count"] == listed


def test_an_unknown_tab_is_refused(api, mass):
    response = api(mass).get(INBOX, {"show": "late"})
    assert response.status_code == 400
    assert response.json()["show"][0].startswith("页签应为 open、")


def test_the_inbox_does_not_query_per_voice(api, world, mass, voices):
    client = api(mass)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INBOX, {"show": "all"}).status_code == 200
        return len(captured)

    queries()  # the first call also notes when the token was used
    # token, grants, scope, count, ids, rows
    assert queries() == 6
    Voice.objects.bulk_create(
        [
            Voice(title=f"更多{n}", content="…", query_code_hash=f"more-{n}", unit=world.dept_a)
            for n in range(10)
        ]
    )
    assert queries() == 6


# 公开答复 ----------------------------------------------------------------------------------------
PUBLIC = "/api/voices/public/"


@pytest.fixture
def published(world, api, mass, handler, voices):
    """Two answered voices published in their public wording; one more answered, not published."""
    answered = voices[1:4]
    for voice_id in answered:
        assert api(handler).post(f"/api/voices/{voice_id}/respond/").status_code == 200
        answer = {"text": "已办理", "solved": "1"}
        assert api(handler).post(f"/api/voices/{voice_id}/answer/", answer).status_code == 200
    for n, voice_id in enumerate(answered[:2]):
        wording = {"title": f"公开{n}", "content": "食堂排队", "answer_text": "已增加窗口"}
        response = api(mass).post(f"/api/voices/{voice_id}/publish/", wording)
        assert response.status_code == 200, response.content.decode()
    return answered


def test_the_public_list_is_the_pages(client, api, world, published):
    client.force_login(world.member)
    page = client.get("/voices/public/")
    assert ids(api(world.member).get(PUBLIC)) == [voice.pk for voice in page.context["page"]]
    assert ids(api(world.member).get(PUBLIC)) == [published[1], published[0]]  # newest first


def test_a_public_voice_reads_its_public_wording_only(api, world, make_user, published):
    stranger = make_user("stranger")  # any employee with an account reads them
    data = api(stranger).get(f"{PUBLIC}{published[0]}/").json()
    assert data == {
        "id": published[0],
        "title": "公开0",
        "content": "食堂排队",
        "answer": "已增加窗口",
        "unit_name": "甲公司综合部",
        "category_name": None,
        "published_at": data["published_at"],
        "followers": 0,
    }
    assert api(stranger).get(f"{PUBLIC}{published[2]}/").status_code == 404  # not published
    assert api(None).get(PUBLIC).status_code == 401


def test_following_a_public_voice_once(api, world, published):
    url = f"{PUBLIC}{published[0]}/follow/"
    first = api(world.member).post(url)
    assert (first.status_code, first.json()) == (201, {"followers": 1, "message": "已关注"})
    again = api(world.member).post(url)
    assert (again.status_code, again.json()["message"]) == (200, "您已关注过这条呼声")
    assert api(world.member).get(f"{PUBLIC}{published[0]}/").json()["followers"] == 1
    assert api(world.member).post(f"{PUBLIC}{published[2]}/follow/").status_code == 404
    assert api(None).post(url).status_code == 401


def test_the_public_list_does_not_query_per_voice(api, world, published):
    client = api(world.member)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PUBLIC).status_code == 200
        return len(captured)

    queries()  # the first call also notes when the token was used
    assert queries() == 3  # token, count, rows with their followers
    Voice.objects.filter(pk=published[2]).update(public=True, published_at=timezone.now())
    assert queries() == 3


# 职代会提案 --------------------------------------------------------------------------------------
PROPOSALS = "/api/voices/proposals/"


@pytest.fixture
def proposal(world, mass, make_user):
    """张三 proposes to company A's congress and asks 李四 and 王五 to second it."""
    congress = proposals.save_congress(
        mass,
        None,
        {"org": world.company_a, "name": "第三届职工代表大会", "starts_on": dt.date(2025, 1, 1)},
    )
    proposals.add_representatives(mass, congress, ["A0001", "A0002", "A0003"])
    text = {"title": "建议增设夜班班车", "content": "夜班下班后没有公交。"}
    submitted = proposals.submit(
        world.member, text, congress=congress, seconders=[world.li, world.wang]
    )
    return congress, submitted.voice


def test_proposals_as_the_page_shows_them(client, api, world, mass, make_user, proposal):
    congress, voice = proposal
    li = make_user("li", person=world.li)
    client.force_login(li)
    page = client.get("/voices/proposals/").context
    data = api(li).get(PROPOSALS).json()
    assert [row["id"] for row in data["asked"]] == [s.voice_id for s in page["asked"]]
    assert data["asked"][0] == {
        "id": voice.pk,
        "number": voice.number,
        "title": "建议增设夜班班车",
        "status": "seconding",
        "congress": congress.pk,
        "congress_name": "第三届职工代表大会",
        "proposer": "张三",
        "handling_org": None,
        "handling_org_name": None,
        "submitted_at": data["asked"][0]["submitted_at"],
    }
    assert [c["id"] for c in data["congresses"]] == [c.pk for c in page["congresses"]]
    assert data["mine"] == [] and data["kept"] == [] and data["citation"]
    own = api(world.member).get(PROPOSALS).json()
    assert [row["id"] for row in own["mine"]] == [voice.pk] and own["asked"] == []
    kept = api(mass).get(PROPOSALS).json()["kept"]
    assert [(c["id"], c["org_name"]) for c in kept] == [(congress.pk, "甲公司")]
    assert api(None).get(PROPOSALS).status_code == 401
    outsider = api(make_user("zhao", person=world.zhao)).get(PROPOSALS).json()
    assert (outsider["asked"], outsider["congresses"], outsider["mine"]) == ([], [], [])


def test_the_proposals_do_not_query_per_row(api, world, mass, proposal):
    congress, _ = proposal
    client = api(world.member)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PROPOSALS).status_code == 200
        return len(captured)

    queries()  # the first call also notes when the token was used
    # token, asked, mine, congresses, grants, kept
    assert queries() == 6
    text = {"title": "建议延长食堂供餐时间", "content": "夜班职工吃不上饭。"}
    proposals.submit(world.member, text, congress=congress, seconders=[world.li, world.wang])
    assert queries() == 6


def test_words_and_dates_filter_as_on_the_page(client, api, world, mass):
    """A hot topic's link: voices holding every word, submitted within the dates."""
    for title, content, day in [
        ("食堂饭菜太咸", "食堂的饭菜太咸了", 3),
        ("食堂排队", "饭菜不错但食堂排队久", 4),
        ("食堂饭菜", "食堂饭菜太咸", 20),
        ("班车", "班车太挤", 4),
    ]:
        voice_id = api(world.member).post("/api/voices/", {"title": title, "content": content})
        Voice.objects.filter(pk=voice_id.json()["id"]).update(
            submitted_at=dt.datetime(2025, 3, day, 10, tzinfo=dt.UTC)
        )
    query = {"show": "all", "q": "食堂 太咸", "since": "2025-03-01", "until": "2025-03-10"}
    found = ids(api(mass).get(INBOX, query))
    assert [Voice.objects.get(pk=pk).title for pk in found] == ["食堂饭菜太咸"]
    client.force_login(mass)
    assert [v.pk for v in client.get("/voices/", query).context["page"]] == found
    assert len(ids(api(mass).get(INBOX, {"show": "all", "q": "饭菜"}))) == 3
    refused = api(mass).get(INBOX, {"since": "2025-3-1"})
    assert refused.status_code == 400 and refused.json()["since"] == [
        "日期格式不正确（应如 2025-03-15）"
    ]
