"""Smart help: category suggestion learned from handled voices and hot topics (near duplicates:
``test_duplicates.py``), on a small synthetic history (voices are written directly: only their text, category, status and
time matter here)."""

import datetime as dt
import random
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import joblib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dangqun.voices import smart
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


# ---- category suggestion ---------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_suggested_before_a_model_is_trained(data_dir, history):
    assert smart.suggest_category("食堂的晚饭太咸了，希望改进。") is None
    assert smart.model_info() is None


@pytest.mark.django_db
def test_training_cross_validates_then_saves_the_model(data_dir, history):
    report = smart.train(folds=3)

    assert (report.samples, report.categories, report.skipped) == (60, 4, {})
    assert 0.8 <= report.accuracy <= 1
    assert 0.8 <= report.macro_f1 <= 1
    assert report.seconds >= 0
    path = data_dir / "models" / "voice_category.joblib"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    payload = joblib.load(path)
    assert sorted(payload["category_ids"]) == sorted(c.pk for c in history.values())
    assert payload["samples"] == 60
    assert dt.datetime.fromisoformat(payload["trained_at"]) <= timezone.now()
    assert smart.model_info()["samples"] == 60


@pytest.mark.django_db
def test_a_new_voice_gets_the_category_its_words_belong_to(data_dir, history):
    smart.train(folds=3)

    canteen = smart.suggest_category("食堂饭菜越来越贵\n职工食堂的午餐价格又涨了，分量还少。")
    assert canteen.category == history["食堂"]
    assert 0 < canteen.confidence <= 1
    shuttle = smart.suggest_category("班车晚点\n早班车这周天天晚点，上班都迟到了。")
    assert shuttle.category == history["班车"]
    assert smart.suggest_category("") is None
    assert smart.suggest_category("qqqq") is None  # shares nothing with what was learned


@pytest.mark.django_db
def test_a_deactivated_category_is_not_suggested(data_dir, history):
    smart.train(folds=3)
    history["食堂"].active = False
    history["食堂"].save(update_fields=["active"])

    assert smart.suggest_category("职工食堂的午餐价格又涨了，分量还少。") is None


@pytest.mark.django_db
def test_only_categories_an_admin_confirmed_are_learned(data_dir, world, history):
    parking = Category.objects.create(name="停车")
    for i, status in enumerate([Status.SUBMITTED, Status.RETURNED, Status.MERGED] * 4):
        add(world, "停车位不够", f"地下车库停车位太少了{i}", category=parking, status=status)
    retired = Category.objects.create(name="考勤", active=False)
    for i in range(6):
        add(world, "打卡机故障", f"打卡机经常故障{i}", category=retired)
    training = Category.objects.create(name="培训")
    for i in range(2):
        add(world, "培训机会少", f"技能培训名额太少{i}", category=training)
    add(world, "没有类别", "食堂午餐价格上涨太快")  # no category: not learned

    report = smart.train(folds=3)

    assert (report.samples, report.categories) == (60, 4)
    assert report.skipped == {"培训": 2}
    learned = set(joblib.load(smart.model_path())["category_ids"])
    assert learned == {c.pk for c in history.values()}


@pytest.mark.django_db
def test_limit_learns_from_the_newest_voices_only(data_dir, world, history):
    Voice.objects.filter(category=history["食堂"]).update(
        submitted_at=timezone.now() - dt.timedelta(days=400)
    )
    report = smart.train(folds=3, limit=45)
    assert (report.samples, report.categories) == (45, 3)
    assert history["食堂"].pk not in joblib.load(smart.model_path())["category_ids"]


@pytest.mark.django_db
def test_a_retrained_model_replaces_the_cached_one(data_dir, history):
    text = "职工食堂的午餐价格又涨了，分量还少。"
    smart.train(folds=3)
    assert smart.suggest_category(text).category == history["食堂"]

    smart.train(Voice.objects.exclude(category=history["食堂"]), folds=3)

    assert smart.model_info()["samples"] == 45
    suggestion = smart.suggest_category(text)
    assert suggestion is None or suggestion.category != history["食堂"]


@pytest.mark.django_db
def test_an_unreadable_or_foreign_model_file_is_ignored(data_dir, history):
    path = smart.model_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a model")
    assert smart.suggest_category("食堂午餐太贵") is None

    smart.train(folds=3)
    payload = joblib.load(path)
    joblib.dump({**payload, "sklearn": "0.1"}, path)
    assert smart.suggest_category("食堂午餐太贵") is None
    joblib.dump({**payload, "format": 99}, path)
    assert smart.suggest_category("食堂午餐太贵") is None
    joblib.dump(payload, path)
    assert smart.suggest_category("食堂午餐太贵").category == history["食堂"]


def test_training_needs_two_categories_with_enough_examples():
    with pytest.raises(smart.NotEnoughData, match="类别不足"):
        smart.train_on(["食堂太贵", "食堂太咸", "食堂太挤", "班车晚点"], [1, 1, 1, 2], folds=3)
    with pytest.raises(ValueError):
        smart.train_on(["食堂太贵", "班车晚点"], [1, 2], folds=1)


def test_train_on_reports_what_it_skipped():
    texts_, labels = [], []
    for label, name in enumerate(["食堂", "班车"]):
        for title, content in texts(name, 9, label):
            texts_.append(f"{title}\n{content}")
            labels.append(label)
    report, pipeline = smart.train_on([*texts_, "宿舍漏水"], [*labels, 9], folds=3)
    assert (report.samples, report.categories, report.skipped) == (18, 2, {9: 1})
    assert list(pipeline.classes_) == [0, 1]


# ---- the command -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_the_report(data_dir, history):
    out = StringIO()
    call_command("train_voice_model", "--folds", "3", stdout=out)
    text = out.getvalue()
    for label in (
        "样本数：60",
        "类别数：4",
        "交叉验证准确率：",
        "宏平均F1：",
        "跳过的类别",
        "用时：",
    ):
        assert label in text
    assert smart.model_path().exists()


@pytest.mark.django_db
def test_the_command_fails_in_chinese_on_too_little_data(data_dir, world, categories):
    for title, content in texts("食堂", 15, 0):
        add(world, title, content, category=categories["食堂"])
    add(world, "班车晚点", "班车经常晚点", category=categories["班车"])

    with pytest.raises(CommandError, match="类别不足") as failure:
        call_command("train_voice_model", "--folds", "3", stdout=StringIO())
    assert failure.value.returncode != 0
    assert "模型未保存" in str(failure.value)
    assert not smart.model_path().exists()
    with pytest.raises(CommandError, match="折数至少为 2"):
        call_command("train_voice_model", "--folds", "1", stdout=StringIO())


# ---- hot topics ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hot_topics_count_voices_not_repetitions_within_the_month(world):
    def at(month, day, hour, minute=0):
        return dt.datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)

    add(
        world, "食堂菜价", "食堂午餐价格上涨，食堂饭菜价格太贵，希望食堂公示成本。", at=at(3, 10, 9)
    )
    add(world, "食堂排队", "食堂排队时间太长，建议增加窗口。", at=at(3, 31, 23, 30))
    add(world, "班车晚点", "班车经常晚点，能否增加班次？", at=at(3, 1, 0, 10))
    add(world, "食堂卫生", "食堂卫生差。", at=at(4, 1, 0, 5))  # April in Shanghai
    add(world, "食堂卫生", "食堂卫生差。", at=at(2, 28, 23, 59))  # February

    topics = smart.hot_topics(Voice.objects.all(), month=dt.date(2025, 3, 1), top=50)

    counts = dict(topics)
    assert topics[0] == ("食堂", 2)  # 增加 (also in two voices) is a stopword
    assert counts["价格"] == 1  # twice in one voice counts once
    assert counts["班车"] == 1
    assert "卫生" not in counts
    assert not {"希望", "建议", "能否"} & counts.keys()
    assert all(len(word) >= 2 for word in counts)
    assert [n for _, n in topics] == sorted((n for _, n in topics), reverse=True)
    assert len(smart.hot_topics(Voice.objects.all(), month=dt.date(2025, 3, 15), top=2)) == 2
    assert smart.hot_topics(Voice.objects.all(), month=dt.date(2025, 5, 1)) == []


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
    smart.train(folds=3)

    first, _ = raise_voice(title="食堂的饭菜越来越咸", content="最近食堂的饭菜太咸了，希望少放盐")
    again, _ = raise_voice(title="食堂饭菜太咸", content="最近食堂的饭菜太咸，希望少放盐")
    client = login(mass)
    page = client.get(f"/voices/{again.pk}/").content.decode()
    assert "可能重复的呼声" in page and first.title in page
    assert 'id="category-suggestion"' in page and "建议类别：食堂" in page
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
