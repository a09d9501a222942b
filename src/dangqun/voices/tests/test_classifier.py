"""The category suggestion (``voices.classifier``) on a small synthetic history: training only on
active, confirmed categories, the 3 most likely with confidences, the pre-fill threshold (rule
``voices.suggestions``), empty titles and long bodies, reading the model when a worker starts; and
the same through the page and the API."""

import datetime as dt
from io import StringIO

import joblib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dangqun.core.models import RuleOverride
from dangqun.voices import classifier, handling, suggestions
from dangqun.voices.models import Category, Status, Voice
from dangqun.voices.tests.history_helpers import add, texts

# ---- category suggestion ---------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_suggested_before_a_model_is_trained(data_dir, history):
    assert classifier.suggest_category("食堂的晚饭太咸了，希望改进。") is None
    assert classifier.model_info() is None


@pytest.mark.django_db
def test_training_cross_validates_then_saves_the_model(data_dir, history):
    report = classifier.train(folds=3)

    assert (report.samples, report.categories, report.skipped) == (60, 4, {})
    assert 0.8 <= report.accuracy <= 1
    assert 0.8 <= report.macro_f1 <= 1
    assert 0.8 <= report.top3 <= 1 and report.alpha in classifier.ALPHAS
    assert report.seconds >= 0
    path = data_dir / "models" / "voice_category.joblib"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    payload = joblib.load(path)
    assert sorted(payload["category_ids"]) == sorted(c.pk for c in history.values())
    assert payload["samples"] == 60
    assert dt.datetime.fromisoformat(payload["trained_at"]) <= timezone.now()
    assert classifier.model_info()["samples"] == 60


@pytest.mark.django_db
def test_a_new_voice_gets_the_category_its_words_belong_to(data_dir, history):
    classifier.train(folds=3)

    canteen = classifier.suggest_category("食堂饭菜越来越贵\n职工食堂的午餐价格又涨了，分量还少。")
    assert canteen.category == history["食堂"]
    assert 0 < canteen.confidence <= 1
    shuttle = classifier.suggest_category("班车晚点\n早班车这周天天晚点，上班都迟到了。")
    assert shuttle.category == history["班车"]
    assert classifier.suggest_category("") is None
    assert classifier.suggest_category("qqqq") is None  # shares nothing with what was learned


@pytest.mark.django_db
def test_a_deactivated_category_is_not_suggested(data_dir, history):
    classifier.train(folds=3)
    history["食堂"].active = False
    history["食堂"].save(update_fields=["active"])

    suggestion = classifier.suggest_category("职工食堂的午餐价格又涨了，分量还少。")
    assert suggestion is not None and suggestion.category != history["食堂"]


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

    report = classifier.train(folds=3)

    assert (report.samples, report.categories) == (60, 4)
    assert report.skipped == {"培训": 2}
    learned = set(joblib.load(classifier.model_path())["category_ids"])
    assert learned == {c.pk for c in history.values()}


@pytest.mark.django_db
def test_limit_learns_from_the_newest_voices_only(data_dir, world, history):
    Voice.objects.filter(category=history["食堂"]).update(
        submitted_at=timezone.now() - dt.timedelta(days=400)
    )
    report = classifier.train(folds=3, limit=45)
    assert (report.samples, report.categories) == (45, 3)
    assert history["食堂"].pk not in joblib.load(classifier.model_path())["category_ids"]


@pytest.mark.django_db
def test_a_retrained_model_replaces_the_cached_one(data_dir, history):
    text = "职工食堂的午餐价格又涨了，分量还少。"
    classifier.train(folds=3)
    assert classifier.suggest_category(text).category == history["食堂"]

    classifier.train(Voice.objects.exclude(category=history["食堂"]), folds=3)

    assert classifier.model_info()["samples"] == 45
    suggestion = classifier.suggest_category(text)
    assert suggestion is None or suggestion.category != history["食堂"]


@pytest.mark.django_db
def test_an_unreadable_or_foreign_model_file_is_ignored(data_dir, history):
    path = classifier.model_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a model")
    assert classifier.suggest_category("食堂午餐太贵") is None

    classifier.train(folds=3)
    payload = joblib.load(path)
    joblib.dump({**payload, "sklearn": "0.1"}, path)
    assert classifier.suggest_category("食堂午餐太贵") is None
    joblib.dump({**payload, "format": 99}, path)
    assert classifier.suggest_category("食堂午餐太贵") is None
    joblib.dump(payload, path)
    assert classifier.suggest_category("食堂午餐太贵").category == history["食堂"]


def test_training_needs_two_categories_with_enough_examples():
    with pytest.raises(classifier.NotEnoughData, match="类别不足"):
        classifier.train_on(["食堂太贵", "食堂太咸", "食堂太挤", "班车晚点"], [1, 1, 1, 2], folds=3)
    with pytest.raises(ValueError):
        classifier.train_on(["食堂太贵", "班车晚点"], [1, 2], folds=1)


def test_train_on_reports_what_it_skipped():
    texts_, labels = [], []
    for label, name in enumerate(["食堂", "班车"]):
        for title, content in texts(name, 9, label):
            texts_.append(f"{title}\n{content}")
            labels.append(label)
    report, pipeline = classifier.train_on([*texts_, "宿舍漏水"], [*labels, 9], folds=3)
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
        "前 3 个建议含正确类别：",
        "正则化系数（交叉验证选定）：",
        "跳过的类别",
        "用时：",
    ):
        assert label in text
    assert classifier.model_path().exists()


@pytest.mark.django_db
def test_the_command_fails_in_chinese_on_too_little_data(data_dir, world, categories):
    for title, content in texts("食堂", 15, 0):
        add(world, title, content, category=categories["食堂"])
    add(world, "班车晚点", "班车经常晚点", category=categories["班车"])

    with pytest.raises(CommandError, match="类别不足") as failure:
        call_command("train_voice_model", "--folds", "3", stdout=StringIO())
    assert failure.value.returncode != 0
    assert "模型未保存" in str(failure.value)
    assert not classifier.model_path().exists()
    with pytest.raises(CommandError, match="折数至少为 2"):
        call_command("train_voice_model", "--folds", "1", stdout=StringIO())


# ---- the 3 most likely, the threshold, long and untitled texts -------------------------------


@pytest.mark.django_db
def test_the_three_most_likely_active_categories_come_with_their_confidences(data_dir, history):
    report = classifier.train(folds=3)
    assert report.top3 == 1.0  # 4 categories: the right one is always among 3 on this history

    top = classifier.suggest("食堂饭菜越来越贵", "职工食堂的午餐价格又涨了，分量还少。")
    assert top[0].category == history["食堂"]
    assert len(top) == 3 and len({s.category for s in top}) == 3
    confidences = [s.confidence for s in top]
    assert confidences == sorted(confidences, reverse=True)
    assert 0 < sum(confidences) <= 1.0001

    history["食堂"].active = False
    history["食堂"].save(update_fields=["active"])
    top = classifier.suggest("食堂饭菜越来越贵", "职工食堂的午餐价格又涨了，分量还少。")
    assert history["食堂"] not in [s.category for s in top] and len(top) == 3


@pytest.mark.django_db
def test_training_reads_only_active_confirmed_voices(data_dir, world, history):
    retired = Category.objects.create(name="考勤", active=False)
    add(world, "打卡机故障", "打卡机经常故障", category=retired)
    add(world, "停车", "停车位不够", category=history["食堂"], status=Status.SUBMITTED)

    voices = classifier.training_voices()

    assert voices.count() == 60
    assert not voices.filter(category=retired).exists()
    assert classifier.training_voices(Voice.objects.filter(category=history["班车"])).count() == 15


@pytest.mark.django_db
def test_an_empty_title_and_a_long_body_are_suggested_from_the_body_start(data_dir, history):
    classifier.train(folds=3)
    # the canteen's words only after the first MAX_TEXT characters: not read
    body = "早班车这周天天晚点，上班都迟到了。" + "，" * 2000 + "职工食堂午餐价格上涨太快。" * 4000

    top = classifier.suggest("", body)

    assert top[0].category == history["班车"]
    assert len(classifier.model_text("", body)) == classifier.MAX_TEXT
    assert classifier.suggest("", "") == [] and classifier.suggest("   ", "\n") == []


@pytest.mark.django_db
def test_the_first_suggestion_is_prefilled_only_at_the_rules_confidence(data_dir, history):
    classifier.train(folds=3)
    title, body = "食堂饭菜越来越贵", "职工食堂的午餐价格又涨了，分量还少。"

    suggested = suggestions.suggest_categories(title, body)
    assert suggested.threshold == 0.5
    assert suggested.top[0].confidence >= 0.5 and suggested.prefill == suggested.top[0]

    RuleOverride.objects.create(rule_id="voices.suggestions", params={"prefill": 0.9999})
    suggested = suggestions.suggest_categories(title, body)
    assert suggested.prefill is None and len(suggested.top) == 3 and suggested.threshold == 0.9999

    override = RuleOverride.objects.get(rule_id="voices.suggestions")
    override.enabled = False
    override.save()
    suggested = suggestions.suggest_categories(title, body)
    assert suggested.prefill is None and suggested.threshold is None and suggested.top


@pytest.mark.django_db
def test_warming_reads_the_model_before_the_first_suggestion(data_dir, history):
    assert classifier.warm() >= 0  # no model yet: nothing to read, no error
    classifier.train(folds=3)
    classifier._cache.update(key=None, payload=None)

    classifier.warm()

    assert classifier._cache["payload"] is not None
    classifier.model_path().write_bytes(b"broken")
    assert classifier.warm() >= 0  # a broken file is logged, the worker still starts


# ---- the page and the API ---------------------------------------------------------------------


def _learned(world, mass, raise_voice):
    """Two categories learned from 12 handled voices each; 食堂 has a default unit, 班车 none."""
    canteen = Category.objects.create(name="食堂", handling_org=world.dept_a)
    bus = Category.objects.create(name="班车")
    samples = {
        canteen: ["食堂饭菜太咸", "食堂午餐价格上涨", "食堂窗口排队太久", "食堂菜品单一"],
        bus: ["班车太挤", "班车晚点严重", "班车线路不合理", "早班车发车太早"],
    }
    for category, titles in samples.items():
        for n, title in enumerate(titles * 3):
            voice, _ = raise_voice(title=f"{title}{n}", content=f"{title}，希望改进。")
            handling.assign(mass, voice, handling_org=world.company_a, category=category)
    classifier.train(folds=3)
    return canteen, bus


@pytest.mark.django_db
def test_the_page_lists_the_suggestions_and_prefills_category_and_unit(
    world, mass, login, raise_voice, data_dir
):
    canteen, bus = _learned(world, mass, raise_voice)
    voice, _ = raise_voice(title="咸", content="最近食堂的饭菜太咸了，希望少放盐")
    client = login(mass)

    page = client.get(f"/voices/{voice.pk}/").content.decode()

    assert 'id="category-suggestions"' in page
    assert page.index("<strong>食堂</strong>") < page.index("<strong>班车</strong>")
    assert f'<option value="{canteen.pk}" selected>' in page
    assert f'<option value="{world.dept_a.pk}" selected>' in page  # the category's unit
    assert "已预填第一个类别及其默认承办单位" in page

    RuleOverride.objects.create(rule_id="voices.suggestions", params={"prefill": 0.9999})
    page = client.get(f"/voices/{voice.pk}/").content.decode()
    assert "<strong>食堂</strong>" in page and "置信度低于 1.00，未预填" in page
    assert f'<option value="{canteen.pk}" selected>' not in page

    chosen, _ = raise_voice(title="咸", content="最近食堂的饭菜太咸了", category=bus)
    page = client.get(f"/voices/{chosen.pk}/").content.decode()
    assert "反映人已选类别“班车”" in page and f'<option value="{bus.pk}" selected>' in page


@pytest.mark.django_db
def test_the_api_returns_the_top_three_and_what_to_prefill(
    world, mass, login, raise_voice, data_dir
):
    canteen, bus = _learned(world, mass, raise_voice)
    client = login(mass)

    body = {"title": "", "content": "早班车天天晚点，" * 300}
    found = client.post("/api/voices/suggest/", body, "application/json").json()

    assert [s["category"] for s in found["suggestions"]] == [bus.pk, canteen.pk]
    assert found["suggestions"][0]["category_name"] == "班车"
    assert found["prefill"] == bus.pk and found["threshold"] == 0.5
    assert (found["category"], found["confidence"]) == (
        bus.pk,
        found["suggestions"][0]["confidence"],
    )
    empty = client.post("/api/voices/suggest/", {"title": " ", "content": ""}, "application/json")
    assert empty.status_code == 400 and empty.json()["content"] == ["请填写标题或内容"]

    voice, _ = raise_voice(title="食堂太咸", content="饭菜太咸")
    stored = client.get(f"/api/voices/{voice.pk}/suggestion/").json()
    assert stored["suggestions"][0]["category"] == canteen.pk and "duplicates" in stored

    RuleOverride.objects.create(rule_id="voices.suggestions", params={"prefill": 0.9999})
    found = client.post("/api/voices/suggest/", body, "application/json").json()
    assert found["prefill"] is None and found["category"] == bus.pk


@pytest.mark.django_db
def test_without_a_model_the_api_suggests_nothing(world, mass, login, data_dir):
    found = login(mass).post("/api/voices/suggest/", {"content": "食堂太咸"}, "application/json")
    assert found.status_code == 200
    assert found.json() == {
        "suggestions": [],
        "prefill": None,
        "threshold": 0.5,
        "category": None,
        "category_name": None,
        "confidence": None,
    }
