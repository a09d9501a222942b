"""Smart help on the voice page: duplicates to merge and the learned category (the classifier:
``test_classifier.py``; near duplicates: ``test_duplicates.py``; hot topics: ``test_topics.py``),
on a small synthetic history (voices are written directly: only their text, category, status and
time matter here)."""

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dangqun.voices import classifier
from dangqun.voices.models import Category, Status, Voice

SHANGHAI = ZoneInfo("Asia/Shanghai")

TOPICS = {
    "食堂": (
        ["食堂", "餐厅", "食堂窗口", "职工食堂"],
        ["午餐价格上涨太快", "饭菜分量太少", "菜品口味单一", "餐具没洗干净", "排队打饭时间太长"],
    ),
    "班车": (
        ["班车", "通勤班车", "早班车", "厂区班车"],
        ["发车时间太早", "经常晚点", "座位不够坐", "站点设置太少", "线路绕得太远"],
    ),
    "薪酬": (
        ["工资", "绩效奖金", "加班费", "年终奖"],
        ["发放总是延迟", "核算有误差", "标准不透明", "多年没有调整", "扣款没有说明"],
    ),
    "宿舍": (
        ["宿舍", "员工宿舍", "宿舍楼", "单身公寓"],
        ["热水供应不稳定", "空调坏了没人修", "卫生间漏水", "门禁经常失灵", "住宿费上涨"],
    ),
}
OPENERS = ["", "我想反映一下，", "大家普遍反映", "最近", "本人是一线员工，", "我们班组的同事说"]
PLACES = ["", "一号厂区", "南区", "新园区", "老厂区"]
ASKS = ["希望尽快解决。", "建议公司重视。", "能否调整一下？", "请相关部门核实处理。", "盼回复。"]


def add(world, title, content, *, category=None, status=Status.CLOSED, at=None):
    return Voice.objects.create(
        title=title,
        content=content,
        category=category,
        status=status,
        unit=world.dept_a,
        query_code_hash=uuid.uuid4().hex,
        submitted_at=at or timezone.now() - dt.timedelta(days=1),
    )


def texts(name, count, seed):
    """``count`` varied voices about one category, from templates."""
    rnd = random.Random(seed)
    subjects, issues = TOPICS[name]
    for _ in range(count):
        subject, issue = rnd.choice(subjects), rnd.choice(issues)
        body = f"{rnd.choice(OPENERS)}{rnd.choice(PLACES)}{subject}{issue}，{rnd.choice(ASKS)}"
        yield f"{subject}{issue[:4]}", body


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def categories(world):
    return {name: Category.objects.create(name=name) for name in TOPICS}


@pytest.fixture
def history(world, categories):
    """15 handled voices in each of 食堂, 班车, 薪酬 and 宿舍, in every confirmed status."""
    statuses = [Status.CLOSED, Status.ANSWERED, Status.IN_PROGRESS, Status.ASSIGNED]
    for seed, (name, category) in enumerate(categories.items()):
        for i, (title, content) in enumerate(texts(name, 15, seed)):
            add(world, title, content, category=category, status=statuses[i % 4])
    return categories


# The platform around the model: the voice's page and the API ----------------------------------
def test_the_page_offers_duplicates_to_merge_and_prefills_the_learned_category(
    world, mass, login, raise_voice, data_dir
):
    from dangqun.voices import handling

    canteen = Category.objects.create(name="食堂", handling_org=world.dept_a)
    bus = Category.objects.create(name="班车", handling_org=world.dept_a)
    texts = {
        canteen: ["食堂饭菜太咸", "食堂午餐价格上涨", "食堂窗口排队太久", "食堂菜品单一"],
        bus: ["班车太挤", "班车晚点严重", "班车线路不合理", "早班车发车太早"],
    }
    for category, titles in texts.items():
        for n, title in enumerate(titles * 3):
            voice, _ = raise_voice(title=f"{title}{n}", content=f"{title}，希望改进。")
            handling.assign(mass, voice, handling_org=world.dept_a, category=category)
    classifier.train(folds=3)

    first, _ = raise_voice(title="食堂的饭菜越来越咸", content="最近食堂的饭菜太咸了，希望少放盐")
    again, _ = raise_voice(title="食堂饭菜太咸", content="最近食堂的饭菜太咸，希望少放盐")
    client = login(mass)
    page = client.get(f"/voices/{again.pk}/").content.decode()
    assert "可能重复的呼声" in page and first.title in page
    assert 'id="category-suggestion"' in page and "<strong>食堂</strong>" in page
    assert f'<option value="{canteen.pk}" selected>' in page
    merged = client.post(f"/voices/{again.pk}/merge/", {"into": first.pk})
    assert merged.status_code == 302
    again.refresh_from_db()
    assert again.status == Status.MERGED and again.merged_into == first
    refused = client.post(f"/voices/{first.pk}/merge/", {"into": first.pk})
    assert refused.status_code == 422 and "请选择另一条" in refused.content.decode()

    api = client.post(
        "/api/voices/suggest/", {"title": "食堂太咸", "content": "饭菜太咸"}, "application/json"
    )
    assert api.status_code == 200 and api.json()["category"] == canteen.pk
    assert 0 < api.json()["confidence"] <= 1
    stored = client.get(f"/api/voices/{first.pk}/suggestion/").json()
    assert stored["category"] == canteen.pk and stored["category_name"] == "食堂"
