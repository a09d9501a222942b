"""政策宣传 for the demo: three published items of the group's 党委 and union — a pinned 必读 article
with a picture (drawn with Pillow, nothing downloaded) and a three-question quiz that must be
passed before confirming, partly confirmed by the demo branch's members (``yuangong`` not yet:
the 工作台 shows 我的必读, and ``shuji`` sees whom to remind); a strategy article for every
employee; and a union's safety notice."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from dangqun.accounts.models import User
from dangqun.orgs.models import Org
from dangqun.people.models import Person
from dangqun.publicity import items, tally
from dangqun.publicity.models import Item, QuizResult, Receipt, Theme

BODY = """<h3>一、深刻认识全会的重大意义</h3>
<p>全会审议通过的建议，为今后五年发展指明了方向。各级党组织要把学习贯彻全会精神作为当前和今后一个时期的重要政治任务。</p>
<h3>二、结合企业实际抓好落实</h3>
<p>要把全会精神同企业发展战略结合起来，落实到提质增效、安全生产和服务职工群众的具体工作中。</p>
<ul><li>支部书记带头讲一次专题党课；</li><li>党员读原文、悟原理；</li><li>把学习成效体现在岗位业绩上。</li></ul>"""

QUESTIONS = [
    {
        "kind": "single",
        "stem": "学习贯彻全会精神要同什么结合起来？",
        "options": ["企业发展战略", "个人兴趣爱好", "其他单位做法"],
        "answer": [0],
    },
    {
        "kind": "true_false",
        "stem": "学习成效应体现在岗位业绩上。",
        "options": ["正确", "错误"],
        "answer": [0],
    },
    {
        "kind": "multiple",
        "stem": "以下哪些是文中提出的学习方式？",
        "options": ["支部书记讲专题党课", "党员读原文、悟原理", "统计在线时长排名"],
        "answer": [0, 1],
    },
]


def banner_png() -> bytes:
    image = Image.new("RGB", (960, 420), (190, 30, 45))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 930, 390), outline=(255, 215, 0), width=8)
    for row in range(4):
        draw.rectangle((90, 110 + row * 60, 870, 135 + row * 60), fill=(255, 236, 190))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _data(org: Org, **extra) -> dict:
    return {
        "org": org,
        "kind": "article",
        "required": False,
        "quiz_required": False,
        "pass_percent": 60,
        "pinned": False,
        "publish_at": None,
        "expires_at": None,
        "audience_who": "everyone",
        **extra,
    }


def seed_demo_publicity(branch: Org, today: dt.date) -> int:
    """The demo's items; returns how many were written."""
    party_root = Org.objects.get(path=branch.path[: Org.steplen])
    dangwei = User.objects.get(username="dangwei")
    theme = Theme.ensure_defaults()
    must = items.create(
        dangwei,
        _data(
            party_root,
            title="学习贯彻党的二十届四中全会精神",
            body=BODY,
            theme=theme["党的政策"],
            required=True,
            quiz_required=True,
            pinned=True,
            audience_who="members",
        ),
        images=[SimpleUploadedFile("学习宣传.png", banner_png(), content_type="image/png")],
    )
    for question in QUESTIONS:
        items.add_question(dangwei, must, question)
    items.publish(dangwei, must)
    strategy = items.create(
        dangwei,
        _data(
            party_root,
            title="集团“十五五”发展战略解读",
            body="集团将坚持高质量发展，聚焦主业、创新驱动、绿色转型。\n\n"
            "每位职工都是战略的参与者，欢迎通过“我要反映”提出意见建议。",
            theme=theme["企业战略"],
        ),
    )
    items.publish(dangwei, strategy)
    written = 2
    union_admin = User.objects.filter(username="gonghui").first()
    union_root = Org.objects.filter(system="union", depth=1).order_by("path").first()
    if union_admin is not None and union_root is not None:
        notice = items.create(
            union_admin,
            _data(
                union_root,
                kind="notice",
                title="冬季安全生产和职工健康提示",
                body="入冬以来气温下降，请注意防寒保暖、用电用气安全，上下班注意交通安全。",
                theme=theme["安全"],
            ),
        )
        items.publish(union_admin, notice)
        written += 1
    _partly_confirmed(must, branch)
    tally.rebuild(Item.objects.filter(created_by__in=[dangwei, union_admin]))  # written directly
    return written


def _partly_confirmed(item: Item, branch: Org) -> None:
    """Two of every three members of the demo branch opened the item, half of them passed the
    quiz and confirmed; the demo employee ``yuangong`` has not (written as a trusted seed)."""
    member = User.objects.get(username="yuangong").person_id
    people = list(
        Person.objects.filter(party_branch=branch, is_current_member=True)
        .exclude(pk=member)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    receipts, results = [], []
    for n, pk in enumerate(people):
        if n % 3 == 2:
            continue
        confirmed = n % 3 == 0
        receipts.append(
            Receipt(item=item, person_id=pk, opened_at=now, confirmed_at=now if confirmed else None)
        )
        if confirmed:
            results.append(
                QuizResult(
                    item=item,
                    person_id=pk,
                    correct=3,
                    total=3,
                    passed=True,
                    tries=1,
                    answered_at=now,
                )
            )
    Receipt.objects.bulk_create(receipts)
    QuizResult.objects.bulk_create(results)
