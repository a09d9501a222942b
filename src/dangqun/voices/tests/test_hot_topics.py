"""本月热点 without noise: function, greeting and form words (the list in data/topic_stopwords.txt)
and words that nearly every voice of the month holds are not topics."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from dangqun.voices import smart
from dangqun.voices.models import Status, Voice

pytestmark = pytest.mark.django_db
MARCH = dt.date(2025, 3, 1)


def add(world, title, content, day):
    Voice.objects.create(
        title=title,
        content=content,
        status=Status.CLOSED,
        unit=world.dept_a,
        query_code_hash=uuid.uuid4().hex,
        submitted_at=dt.datetime(2025, 3, day, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
    )


def test_the_word_list_is_data_with_its_source():
    text = smart.TOPIC_STOPWORDS_FILE.read_text(encoding="utf-8")
    assert text.startswith("#") and "Where they come from" in text
    words = smart.read_words(smart.TOPIC_STOPWORDS_FILE)
    assert {"关于", "提案", "留言", "群众", "居民", "尊敬", "作为", "工作"} <= words
    assert "Where" not in words  # comments are not words
    assert smart.STOPWORDS <= smart.TOPIC_STOPWORDS


def test_greetings_and_form_words_are_not_topics(world):
    add(world, "关于食堂的提案", "尊敬的领导：作为一名职工，关于食堂饭菜的留言，希望改进工作。", 2)
    add(world, "关于班车的提案", "尊敬的领导：群众和居民都反映班车太挤，工作日尤其如此。", 3)
    topics = dict(smart.hot_topics(Voice.objects.all(), month=MARCH, top=50))
    assert "食堂" in topics and "班车" in topics
    assert not {"关于", "提案", "留言", "群众", "居民", "尊敬", "作为", "工作", "领导"} & set(
        topics
    )


def test_a_word_nearly_every_voice_holds_is_dropped_once_there_are_enough(world):
    matters = ["食堂排队", "班车拥挤", "宿舍漏水", "停车困难", "加班调休"]
    for n in range(smart.COMMON_MIN_VOICES):
        matter = matters[n % len(matters)]
        add(world, matter, f"厂区{matter}的事，厂区里都知道。", 1 + n % 28)
    topics = dict(smart.hot_topics(Voice.objects.all(), month=MARCH, top=50))
    assert "厂区" not in topics  # in all 20 voices: what every voice says
    assert topics["排队"] == 4 and topics["班车"] == 4  # the matters stay
    # with fewer voices a word they all share may well be the topic: kept
    Voice.objects.filter(pk__in=Voice.objects.order_by("pk").values("pk")[:10]).delete()
    assert "厂区" in dict(smart.hot_topics(Voice.objects.all(), month=MARCH, top=50))
