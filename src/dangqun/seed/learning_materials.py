"""学习资料 for the demo: four published materials of the demo branch — a PDF of 党章 excerpts made
here with ``core/pdf.py`` (nothing is downloaded), a picture made with Pillow, a link to 共产党员网
and a draft — themes as tags, and ``yuangong`` having opened one and confirmed another with a
note (心得体会)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from dangqun.accounts.models import User
from dangqun.core import pdf
from dangqun.learning import materials, studies
from dangqun.orgs.models import Org

EXCERPTS = [
    "中国共产党党员是中国工人阶级的有共产主义觉悟的先锋战士。",
    "党员必须履行下列义务：认真学习马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、"
    "科学发展观、习近平新时代中国特色社会主义思想，学习党的路线、方针、政策和决议，学习党的基本知识，"
    "学习科学、文化、法律和业务知识，努力提高为人民服务的本领。",
    "党员必须严格遵守党的纪律，首先是党的政治纪律和政治规矩，模范遵守国家的法律法规。",
    "党员有权在党的会议上和党报党刊上，参加关于党的政策问题的讨论。",
]


def party_constitution_pdf() -> bytes:
    story = [pdf.text("《中国共产党章程》学习摘编", pdf.TITLE)]
    story.append(pdf.text("第一章 党员", pdf.HEADING))
    story += [pdf.text(line) for line in EXCERPTS]
    story.append(pdf.text("本摘编供支部学习使用，全文以正式出版物为准。", pdf.SMALL))
    return pdf.build("党章学习摘编", story)


def poster_png() -> bytes:
    """A plain picture: the 业务知识 card (drawn, not downloaded)."""
    image = Image.new("RGB", (720, 405), (178, 34, 34))
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, 696, 381), outline=(255, 215, 0), width=6)
    for row in range(5):
        draw.rectangle((60, 90 + row * 55, 660, 110 + row * 55), fill=(255, 240, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _create(user, branch: Org, **data):
    upload = data.pop("upload", None)
    fields = {
        "org": branch,
        "kind": "link",
        "url": "",
        "description": "",
        "due_on": None,
        "audience_who": "members",
        **data,
    }
    return materials.create(user, fields, upload)


def seed_demo_materials(branch: Org, today: dt.date) -> int:
    """The demo's study materials; returns how many were written."""
    secretary = User.objects.get(username="shuji")
    member = User.objects.get(username="yuangong")
    due = max(today, dt.date.today()) + dt.timedelta(days=14)
    made = [
        _create(
            secretary,
            branch,
            title="《中国共产党章程》学习摘编",
            kind="document",
            description="党员的义务和权利（第一章）。学完后点“已学”，可写几句心得体会。",
            tags=["党章党规"],
            due_on=due,
            upload=SimpleUploadedFile("党章学习摘编.pdf", party_constitution_pdf()),
        ),
        _create(
            secretary,
            branch,
            title="二十大报告学习专栏",
            url="https://www.12371.cn/",
            description="共产党员网的学习专栏。",
            tags=["二十大精神"],
            due_on=due + dt.timedelta(days=14),
        ),
        _create(
            secretary,
            branch,
            title="安全生产知识图解",
            kind="document",
            description="一图读懂本月安全生产要点。",
            tags=["业务知识"],
            upload=SimpleUploadedFile("安全生产知识图解.png", poster_png()),
        ),
    ]
    published = [materials.publish(secretary, m) for m in made]
    _create(
        secretary,
        branch,
        title="下月学习计划（草稿）",
        url="https://www.12371.cn/",
        tags=["党章党规"],
    )
    studies.open_material(member, published[1])
    studies.confirm(member, published[2], "要把安全生产要求落实到每个岗位、每道工序。")
    return len(made) + 1
