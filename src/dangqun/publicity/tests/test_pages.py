"""The pages: a member's flow (list, reading page records the receipt, quiz, 已阅读), the
publisher's (new with bad input refused in Chinese, publish, withdraw without a reason refused),
the permission matrix over every page, and pinned query counts."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dangqun.publicity.models import Item, ItemFile, ItemStatus, QuizResult, Receipt


def _png():
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "blue").save(out, "PNG")
    return SimpleUploadedFile("图.png", out.getvalue(), content_type="image/png")


def test_member_reads_passes_quiz_and_confirms(world, client, quiz_item):
    client.force_login(world.member)
    page = client.get(reverse("publicity:mine")).content.decode()
    assert "学习贯彻全会精神" in page and "必读" in page
    read = client.get(reverse("publicity:read", args=[quiz_item.pk]))
    assert read.status_code == 200
    assert Receipt.objects.filter(person=world.zhang).count() == 1
    assert 'id="confirm-form"' not in read.content.decode()  # the quiz first
    form = {f"q{q.pk}": str(q.answer[0]) for q in quiz_item.questions.all()}
    client.post(reverse("publicity:quiz", args=[quiz_item.pk]), form)
    assert QuizResult.objects.get().passed
    read = client.get(reverse("publicity:read", args=[quiz_item.pk])).content.decode()
    assert 'id="confirm-form"' in read
    client.post(reverse("publicity:act", args=[quiz_item.pk, "confirm"]))
    assert Receipt.objects.get().confirmed_at is not None


def test_quiz_without_answers_is_refused_in_chinese(world, client, quiz_item):
    client.force_login(world.member)
    page = client.post(reverse("publicity:quiz", args=[quiz_item.pk]), {})
    assert page.status_code == 422
    assert "请回答第 1 题" in page.content.decode()
    assert not QuizResult.objects.exists()


def test_publisher_creates_with_image_and_publishes(world, client, theme):
    client.force_login(world.owner)
    data = {
        "org": world.committee_a.pk,
        "kind": "article",
        "theme": theme.pk,
        "title": "企业战略解读",
        "body": "<p>正文</p><script>alert(1)</script>",
        "pass_percent": 60,
        "audience_who": "everyone",
        "images": [_png()],
    }
    made = client.post(reverse("publicity:new"), data)
    assert made.status_code == 302
    item = Item.objects.get()
    assert item.body == "<p>正文</p>" and ItemFile.objects.count() == 1
    client.post(reverse("publicity:act", args=[item.pk, "publish"]))
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    image = client.get(reverse("publicity:file", args=[ItemFile.objects.get().pk]))
    assert image.status_code == 200 and image["Content-Type"].startswith("image/")


def test_bad_input_on_the_form_is_chinese_and_writes_nothing(world, client, theme):
    client.force_login(world.owner)
    fake = SimpleUploadedFile("照片.jpg", b"just text", content_type="image/jpeg")
    page = client.post(
        reverse("publicity:new"),
        {
            "org": world.committee_a.pk,
            "kind": "article",
            "theme": theme.pk,
            "title": "",
            "pass_percent": 60,
            "audience_who": "everyone",
            "images": [fake],
        },
    )
    assert page.status_code == 422
    assert "请填写标题" in page.content.decode()
    page = client.post(
        reverse("publicity:new"),
        {
            "org": world.committee_a.pk,
            "kind": "article",
            "theme": theme.pk,
            "title": "标题",
            "pass_percent": 60,
            "audience_who": "everyone",
            "images": [fake],
        },
    )
    assert page.status_code == 422
    assert "不是图片" in page.content.decode()
    assert not Item.objects.exists() and not ItemFile.objects.exists()


def test_withdraw_without_reason_is_refused(world, client, make_item):
    item = make_item()
    client.force_login(world.owner)
    client.post(reverse("publicity:act", args=[item.pk, "withdraw"]), {"reason": ""})
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    client.post(reverse("publicity:act", args=[item.pk, "withdraw"]), {"reason": "已过时"})
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    page = client.get(reverse("publicity:read", args=[item.pk])).content.decode()
    assert "已过时" in page


# The permission matrix -----------------------------------------------------------------------
def _urls(item):
    return {
        "mine": reverse("publicity:mine"),
        "read": reverse("publicity:read", args=[item.pk]),
        "quiz": reverse("publicity:quiz", args=[item.pk]),
        "manage": reverse("publicity:manage"),
        "new": reverse("publicity:new"),
        "item": reverse("publicity:item", args=[item.pk]),
        "edit": reverse("publicity:edit", args=[item.pk]),
        "poster": reverse("publicity:poster", args=[item.pk]),
        "qr": reverse("publicity:qr", args=[item.pk]),
        "waiting": reverse("publicity:waiting", args=[item.pk]),
    }


EXPECTED = {
    # page: (outsider, reader, owner, member)
    "mine": (200, 200, 200, 200),
    "read": (404, 200, 200, 200),
    "quiz": (404, 200, 200, 200),
    "manage": (200, 200, 200, 403),
    "new": (200, 403, 200, 403),
    "item": (404, 200, 200, 403),
    "edit": (404, 403, 200, 403),
    "poster": (404, 200, 200, 403),
    "qr": (404, 200, 200, 200),
    "waiting": (404, 404, 200, 403),  # the reader may not remind: no list
}


@pytest.mark.parametrize("page", list(EXPECTED))
def test_permission_matrix(world, client, quiz_item, page):
    url = _urls(quiz_item)[page]
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for who, status in zip(("outsider", "reader", "owner", "member"), EXPECTED[page], strict=True):
        client.force_login(getattr(world, who))
        assert client.get(url).status_code == status, (page, who)


def test_outsider_cannot_act(world, client, make_item):
    item = make_item()
    client.force_login(world.outsider)
    assert client.post(reverse("publicity:act", args=[item.pk, "withdraw"])).status_code == 404
    client.force_login(world.reader)
    answer = client.post(reverse("publicity:act", args=[item.pk, "withdraw"]), {"reason": "x"})
    assert answer.status_code == 403


# Pinned query counts ---------------------------------------------------------------------------
# reach is read from the tallies: one query for all the list's items (it was one per item),
# one for the item's total, one per unit, one by day over the receipts; the names of who has not
# confirmed in a fragment loaded after the page
PINNED = {"mine": 9, "read": 14, "manage": 8, "item": 12, "waiting": 8}


@pytest.mark.parametrize("page", list(PINNED))
def test_query_counts(
    world, client, quiz_item, make_item, make_user, django_assert_num_queries, page
):
    for n in range(3):
        make_item(title=f"第{n}条", required=False)
    who = world.member if page in ("mine", "read") else world.owner
    if page == "waiting":
        make_user("li", person=world.li)
    client.force_login(who)
    url = _urls(quiz_item)[page]
    client.get(url)  # warm the session and any first-use caches
    with django_assert_num_queries(PINNED[page]):
        assert client.get(url).status_code == 200


def test_question_form_refuses_bad_answers_in_chinese(world, client, make_item):
    from dangqun.publicity.models import Question

    item = make_item(publish=False)
    client.force_login(world.owner)
    url = reverse("publicity:act", args=[item.pk, "add_question"])
    bad = {"kind": "single", "stem": "哪一个？", "options": "甲\n乙", "answer": "C"}
    page = client.post(url, bad, follow=True).content.decode()
    assert "答案应为选项字母" in page
    client.post(url, {**bad, "kind": "true_false", "answer": "对"})
    assert not Question.objects.exists()
    client.post(url, {**bad, "kind": "multiple", "answer": "AB"})
    assert Question.objects.get().answer == [0, 1]


def test_expired_item_leaves_the_list_but_stays_readable(world, client, make_item):
    import datetime as dt

    from django.utils import timezone

    item = make_item(required=False)
    client.force_login(world.member)
    client.get(reverse("publicity:read", args=[item.pk]))
    Item.objects.filter(pk=item.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert item.title not in client.get(reverse("publicity:mine")).content.decode()
    assert client.get(reverse("publicity:read", args=[item.pk])).status_code == 200


def test_item_page_counts_who_waits_and_loads_their_names_after(world, client, make_item):
    item = make_item()  # 必读 to company A's members: 张三 and 李四
    client.force_login(world.member)
    client.post(reverse("publicity:act", args=[item.pk, "confirm"]))
    client.force_login(world.owner)
    page = client.get(reverse("publicity:item", args=[item.pk])).content.decode()
    assert "本范围尚未确认（1 人）" in page and "李四" not in page
    assert reverse("publicity:waiting", args=[item.pk]) in page
    names = client.get(reverse("publicity:waiting", args=[item.pk])).content.decode()
    assert "李四" in names and "张三" not in names and 'id="remind-all"' in names
