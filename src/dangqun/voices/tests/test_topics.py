"""Hot topics (voices/topics.py): phrases rather than function or greeting words, clusters with a
representative voice, the trend against the previous period of equal length, any period, and
never a word or a voice from outside the viewer's scope."""

import datetime as dt
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from dangqun.voices import topic_words, topics
from dangqun.voices.models import Status, TopicWords, Voice
from dangqun.voices.periods import PeriodError, Window, parse_days, read_window

pytestmark = pytest.mark.django_db
MARCH = Window(dt.date(2025, 3, 1), dt.date(2025, 4, 1), "2025年3月")
GREETINGS = {"关于", "提案", "留言", "群众", "居民", "尊敬", "作为", "工作", "领导", "您好", "反映"}
GREETINGS |= {"问题", "希望", "一名", "职工"}


def add(unit, title, content, day, month=3):
    return Voice.objects.create(
        title=title,
        content=content,
        status=Status.CLOSED,
        unit=unit,
        query_code_hash=uuid.uuid4().hex,
        submitted_at=dt.datetime(2025, month, day, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
    )


def every_term(found) -> set[str]:
    return {word for t in found.topics for term in t.terms for word in term.split()}


CANTEEN = "尊敬的领导您好！作为一名职工，我反映食堂饭菜的问题：食堂饭菜太咸，希望改进工作。"
BUS = "尊敬的领导：群众和居民都反映早班车太挤，早班车天天满员，希望加开。"


def test_the_stop_list_is_data_with_its_source():
    text = topic_words.STOPWORDS_FILE.read_text(encoding="utf-8")
    assert text.startswith("#") and "Where they come from" in text and "issue #15" in text
    words = topic_words.read_words(topic_words.STOPWORDS_FILE)
    assert GREETINGS - {"职工", "一名"} <= words
    assert "Where" not in words  # comments are not words


def test_segmenting_keeps_words_and_clause_breaks():
    stored = topic_words.segment("食堂", "职工食堂的饭菜。2025年 班车")
    assert stored == "食堂 | 职工食堂 饭菜 | 班车"  # title, content, a number: breaks
    assert topic_words.terms(stored) >= {"职工食堂 饭菜", "饭菜", "班车"}
    assert "饭菜 班车" not in topic_words.terms(stored)  # a break ends a phrase
    assert topic_words.terms("尊敬 领导 食堂 问题 饭菜") == {"食堂", "饭菜"}  # stop word breaks


def test_function_and_greeting_words_never_appear_phrases_do(world):
    for day in range(1, 7):
        add(world.dept_a, "关于食堂的留言", CANTEEN, day)
        add(world.dept_a, "关于班车的提案", BUS, day + 10)
    found = topics.hot_topics(Voice.objects.all(), MARCH)
    assert not GREETINGS & every_term(found)
    labels = [t.label for t in found.topics]
    assert "食堂饭菜" in labels[0] + labels[1] and any("早班车" in label for label in labels)
    assert any(" " in term for t in found.topics for term in t.terms)  # a phrase
    assert sorted(t.voices for t in found.topics) == [6, 6]
    assert found.total == 12 and not found.sampled


def test_each_topic_has_its_representative_voice(world):
    canteen = [add(world.dept_a, "食堂饭菜太咸", CANTEEN, day) for day in range(1, 5)]
    bus = [add(world.dept_a, "早班车太挤", BUS, day) for day in range(5, 9)]
    found = topics.hot_topics(Voice.objects.all(), MARCH)
    by_label = {t.terms[0]: t for t in found.topics}
    canteen_topic = next(t for t in found.topics if "食堂" in t.label)
    bus_topic = next(t for t in found.topics if "班车" in t.label)
    assert canteen_topic.representative_id in {v.pk for v in canteen}
    assert bus_topic.representative_id in {v.pk for v in bus}
    assert canteen_topic.representative_title == "食堂饭菜太咸"
    assert len(by_label) == 2


def test_the_trend_against_the_previous_period_of_equal_length(world):
    for day in range(1, 3):  # February: the canteen twice, parking five times
        add(world.dept_a, "食堂饭菜太咸", CANTEEN, day, month=2)
    for day in range(1, 6):
        add(world.dept_a, "停车位紧张", "厂区停车位紧张，下班车辆拥堵。", day, month=2)
    for day in range(1, 7):  # March: the canteen six times, parking once, the bus is new
        add(world.dept_a, "食堂饭菜太咸", CANTEEN, day)
    add(world.dept_a, "停车位紧张", "厂区停车位紧张，下班车辆拥堵。", 9)
    for day in range(10, 14):
        add(world.dept_a, "早班车太挤", BUS, day)
    found = topics.hot_topics(Voice.objects.all(), MARCH)
    assert found.previous_window == Window(dt.date(2025, 2, 1), MARCH.start, "2025年2月")
    assert found.previous_total == 7
    trends = {t.terms[0].split()[0]: (t.voices, t.previous, t.trend) for t in found.topics}
    canteen = next(v for k, v in trends.items() if "食堂" in k or "饭菜" in k)
    bus = next(v for k, v in trends.items() if "班车" in k)
    assert canteen == (6, 2, topics.UP)
    assert bus == (4, 0, topics.NEW)
    assert topics.trend(1, 5) == topics.DOWN and topics.trend(10, 9) == topics.FLAT


def test_a_word_nearly_every_voice_holds_is_dropped(world):
    matters = ["食堂排队", "班车拥挤", "宿舍漏水", "停车困难", "加班调休"]
    for n in range(topics.COMMON_MIN_VOICES):
        matter = matters[n % len(matters)]
        add(world.dept_a, matter, f"厂区{matter}的事，厂区里都知道。", 1 + n % 28)
    found = topics.hot_topics(Voice.objects.all(), MARCH)
    assert "厂区" not in {term for t in found.topics for term in t.terms}
    assert len(found.topics) == len(matters)


def test_a_large_period_is_read_as_an_even_sample_with_scaled_counts(world):
    for day in range(1, 29):  # the canteen in the first half of the month, the bus after
        add(world.dept_a, "食堂饭菜太咸", CANTEEN, 1 + (day - 1) // 2)
        add(world.dept_a, "早班车太挤", BUS, 15 + (day - 1) // 2)
    found = topics.hot_topics(Voice.objects.all(), MARCH, size=10)
    assert found.sampled and found.read == 10 and found.total == 56
    assert sorted(t.voices for t in found.topics) == [28, 28]


def test_words_are_stored_once_and_the_stop_list_applies_when_read(
    world, django_assert_num_queries
):
    voice = add(world.dept_a, "食堂饭菜太咸", CANTEEN, 2)
    topics.hot_topics(Voice.objects.all(), MARCH)
    assert "食堂 饭菜" in TopicWords.objects.get(voice=voice).words
    # stored: the ids of both periods, their words and the representatives' titles
    with django_assert_num_queries(3):
        topics.hot_topics(Voice.objects.all(), MARCH)
    assert topic_words.fill_new() == 0
    later = add(world.dept_a, "早班车太挤", BUS, 3)
    assert topic_words.fill_new() == 1 and TopicWords.objects.filter(voice=later).exists()


def test_scope_a_handler_never_sees_topics_or_voices_outside_it(world):
    add(world.dept_a, "食堂饭菜太咸", CANTEEN, 2)
    add(world.dept_a, "食堂饭菜太咸", CANTEEN, 3)
    for day in range(4, 8):
        add(world.dept_b, "宿舍热水不足", "宿舍热水器坏了，洗澡没有热水。", day)
    mine = Voice.objects.filter(unit=world.dept_a)
    found = topics.hot_topics(mine, MARCH)
    assert found.total == 2
    assert not {"宿舍", "热水"} & every_term(found)
    assert {t.representative_id for t in found.topics} <= set(mine.values_list("pk", flat=True))


def test_any_range_of_days_and_its_previous_range():
    window = parse_days("2025-03-10", "2025-03-19")
    assert (window.start, window.end) == (dt.date(2025, 3, 10), dt.date(2025, 3, 20))
    assert window.previous().start == dt.date(2025, 2, 28)
    assert window.label == "2025-03-10 至 2025-03-19"
    year = read_window({"start": "2025-01", "end": "2025-12"})
    assert year.previous().start == dt.date(2024, 1, 1) and year.months == 12
    for since, until, message in [
        ("2025-3-1", "", "日期格式不正确"),
        ("2025-03-02", "2025-03-01", "开始日期不能晚于结束日期"),
        ("2020-01-01", "2025-01-01", "统计区间不能超过 36 个月"),
    ]:
        with pytest.raises(PeriodError, match=message):
            parse_days(since, until)


def test_the_period_is_in_local_time_and_a_voice_counts_once(world):
    shanghai = ZoneInfo("Asia/Shanghai")

    def at(month, day, hour, minute=0):
        return dt.datetime(2025, month, day, hour, minute, tzinfo=shanghai)

    text = "食堂午餐价格上涨，食堂饭菜价格太贵，食堂午餐价格上涨。"
    for when in [at(3, 1, 0, 10), at(3, 31, 23, 30), at(4, 1, 0, 5), at(2, 28, 23, 59)]:
        voice = add(world.dept_a, "食堂午餐价格上涨", text, 1)
        Voice.objects.filter(pk=voice.pk).update(submitted_at=when)
    found = topics.hot_topics(Voice.objects.all(), MARCH)
    assert found.total == 2 and found.previous_total == 1
    [topic] = found.topics
    assert topic.voices == 2 and topic.previous == 1  # repeated words count the voice once
    assert topic.trend == topics.UP
    assert (
        topics.hot_topics(Voice.objects.all(), parse_days("2025-05-01", "2025-05-31")).topics == []
    )


def test_the_command_stores_every_voices_words_once(world):
    voices = [add(world.dept_a, "食堂饭菜太咸", CANTEEN, day) for day in range(1, 4)]
    out = StringIO()
    call_command("index_voice_topics", stdout=out)
    assert "已为 3 条呼声分词" in out.getvalue()
    assert TopicWords.objects.filter(voice__in=voices).count() == 3
    call_command("index_voice_topics", stdout=out)
    assert "已为 0 条呼声分词" in out.getvalue()
