"""政策宣传 over the API: the permission matrix (anonymous, outsider, reader, owner, member),
the reader's flow (list, detail without answers, opened, quiz, confirm), the publisher's (create
with bad input refused in Chinese, publish, withdraw without a reason refused, reach, remind),
and pinned query counts."""

from __future__ import annotations

import pytest

from dangqun.publicity.models import Item, QuizResult, Receipt


@pytest.fixture
def api(db):
    from dangqun.accounts.services import create_token
    from dangqun.api.tests.helpers import ApiClient

    return lambda user=None: ApiClient(create_token(None, user) if user is not None else None)


ROLES = ("anonymous", "outsider", "reader", "owner", "member")
CASES = [
    # name, method, url(item), body, expected in the order of ROLES
    ("list", "get", lambda i: "/api/publicity/items/", None, (401, 200, 200, 200, 200)),
    ("kept", "get", lambda i: "/api/publicity/items/?kept=1", None, (401, 200, 200, 200, 403)),
    ("detail", "get", lambda i: f"/api/publicity/items/{i.pk}/", None, (401, 404, 200, 200, 200)),
    (
        "reach",
        "get",
        lambda i: f"/api/publicity/items/{i.pk}/reach/",
        None,
        (401, 404, 200, 200, 403),
    ),
    (
        "opened",
        "post",
        lambda i: f"/api/publicity/items/{i.pk}/opened/",
        {},
        (401, 404, 403, 403, 200),
    ),
    (
        "withdraw",
        "post",
        lambda i: f"/api/publicity/items/{i.pk}/withdraw/",
        {"reason": "过时"},
        (401, 404, 403, 200, 403),
    ),
    (
        "remind",
        "post",
        lambda i: f"/api/publicity/items/{i.pk}/remind/",
        {},
        (401, 404, 403, 200, 403),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, api, make_user, make_item, case, role):
    make_user("li", person=world.li)  # someone who has not confirmed, to remind
    item = make_item()
    _name, method, url, body, expected = case
    client = api(None if role == "anonymous" else getattr(world, role))
    call = getattr(client, method)
    response = call(url(item)) if method == "get" else call(url(item), body)
    assert response.status_code == expected[ROLES.index(role)], response.content.decode()


def test_reader_flow(world, api, quiz_item):
    client = api(world.member)
    rows = client.get("/api/publicity/items/?show=required").json()["results"]
    assert [r["id"] for r in rows] == [quiz_item.pk]
    detail = client.get(f"/api/publicity/items/{quiz_item.pk}/").json()
    assert detail["questions"] and "answer" not in detail["questions"][0]
    assert detail["my_receipt"] is None
    client.post(f"/api/publicity/items/{quiz_item.pk}/opened/", {})
    refused = client.post(f"/api/publicity/items/{quiz_item.pk}/confirm/", {})
    assert refused.status_code == 400 and "测验" in refused.content.decode()
    answers = {f"q{q.pk}": str(q.answer[0]) for q in quiz_item.questions.all()}
    result = client.post(f"/api/publicity/items/{quiz_item.pk}/quiz/", answers).json()
    assert result["passed"] and QuizResult.objects.get().passed
    done = client.post(f"/api/publicity/items/{quiz_item.pk}/confirm/", {}).json()
    assert done["confirmed_at"] and Receipt.objects.count() == 1


def test_publisher_flow_and_bad_input(world, api, theme):
    client = api(world.owner)
    body = {
        "org": world.committee_a.pk,
        "kind": "notice",
        "theme": theme.pk,
        "title": "关于安全生产的通知",
        "body": "<p>请注意</p><script>alert(1)</script>",
        "pass_percent": 60,
        "audience_who": "everyone",
        "required": True,
    }
    bad = client.post("/api/publicity/items/", {**body, "title": ""})
    assert bad.status_code == 400 and "请填写标题" in bad.content.decode()
    assert not Item.objects.exists()
    made = client.post("/api/publicity/items/", body)
    assert made.status_code == 201, made.content.decode()
    item = made.json()
    assert item["body"] == "<p>请注意</p>" and item["status"] == "draft"
    published = client.post(f"/api/publicity/items/{item['id']}/publish/", {}).json()
    assert published["status"] == "published"
    refused = client.post(f"/api/publicity/items/{item['id']}/withdraw/", {"reason": ""})
    assert refused.status_code == 400 and "撤回原因" in refused.content.decode()
    reach = client.get(f"/api/publicity/items/{item['id']}/reach/").json()
    assert reach["total"]["delivered"] == 3  # 张三, 李四, 王五: company A's employees
    assert all("name" not in unit for unit in reach["units"])


@pytest.mark.parametrize(
    "url,who,count",
    [
        ("/api/publicity/items/", "member", 7),
        ("/api/publicity/items/?kept=1", "owner", 6),  # reach: one query for the page
    ],
)
def test_query_counts(world, api, make_item, django_assert_num_queries, url, who, count):
    for n in range(3):
        make_item(title=f"第{n}条")
    client = api(getattr(world, who))
    client.get(url)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


def test_create_multipart_with_images_and_a_fake_one(world, api, theme):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dangqun.publicity.models import ItemFile

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, "PNG")
    body = {
        "org": world.committee_a.pk,
        "kind": "article",
        "theme": theme.pk,
        "title": "配图文章",
        "pass_percent": 60,
        "audience_who": "members",
    }
    api_client = api(world.owner)
    client, headers = api_client.client, api_client.headers

    def post(data):
        return client.post("/api/publicity/items/", data, **headers)  # multipart

    fake = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    refused = post({**body, "images": [fake]})
    assert refused.status_code == 400 and "不是图片" in refused.content.decode()
    assert not Item.objects.exists()
    good = SimpleUploadedFile("y.png", out.getvalue(), content_type="image/png")
    made = post({**body, "images": [good]})
    assert made.status_code == 201, made.content.decode()
    assert made.json()["files"][0]["is_image"] and ItemFile.objects.count() == 1
