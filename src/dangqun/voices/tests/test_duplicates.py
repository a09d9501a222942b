"""Near duplicates across all of history (decision 0022): the MinHash index finds candidates, the
cosine decides; the index is kept in step with submitting, importing and the rebuild command."""

import datetime as dt
import random
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangqun.voices import duplicates, smart
from dangqun.voices.models import Status, Voice, VoiceBand

# Phrases of five matters; a text is some phrases of one matter, so texts of two matters share
# (almost) no character bigram.
MATTERS = {
    "食堂": "午餐价格上涨太快 饭菜分量越来越少 菜品口味单一 餐具没洗干净有油渍 排队打饭时间太长 "
    "晚餐供应时间太短 窗口师傅态度冷淡 清真窗口经常关闭 饮水机坏了没人修 餐桌椅子摇晃",
    "班车": "早班车发车时间太早 通勤班车经常晚点 座位不够坐只能站着 站点设置太少 线路绕得太远 "
    "司机开车太急刹车猛 车内空调不制冷 夜班下班后没有班车 刷卡机经常失灵 候车点没有遮雨棚",
    "薪酬": "工资发放总是延迟 绩效奖金核算有误差 加班费标准不透明 岗位工资多年没有调整 "
    "扣款没有书面说明 年终奖发放时间不确定 社保基数申报偏低 高温补贴没有按时发放",
    "宿舍": "宿舍楼热水供应不稳定 空调坏了没人修 卫生间地漏返臭 门禁卡经常失灵 住宿费上涨 "
    "楼道灯坏了很黑 洗衣机排队严重 宽带网速太慢 床板断裂存在安全隐患 晾衣区不够用",
    "安全": "车间通风设备噪音太大 劳保手套质量不合格 消防通道被货物堵塞 叉车在通道内超速行驶 "
    "安全帽佩戴检查流于形式 高处作业没有系挂安全带 应急照明灯不亮 危化品仓库标识模糊",
}
PHRASES = {name: text.split() for name, text in MATTERS.items()}
ALPHABET = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"


def add(world, title, content, *, status=Status.CLOSED, at=None, index=True, **fields):
    voice = Voice.objects.create(
        title=title,
        content=content,
        status=status,
        unit=world.dept_a,
        query_code_hash=uuid.uuid4().hex,
        submitted_at=at or timezone.now() - dt.timedelta(days=1),
        **fields,
    )
    if index:
        duplicates.index_voices([voice.pk])
    return voice


def matter_text(matter: str):
    """A voice about one matter: 5–10 of its phrases, in any order, joined by commas."""
    return st.lists(st.sampled_from(PHRASES[matter]), min_size=5, max_size=10, unique=True).map(
        lambda parts: "，".join(parts) + "。"
    )


@st.composite
def edited_copy(draw, text: str):
    """``text`` with its phrases reordered and up to 3 characters inserted, deleted or replaced."""
    parts = draw(st.permutations(text.rstrip("。").split("，")))
    chars = list("，".join(parts))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(chars) - 1))
        kind = draw(st.sampled_from("idr"))
        if kind == "i":
            chars.insert(at, draw(st.sampled_from(ALPHABET)))
        elif kind == "d":
            del chars[at]
        else:
            chars[at] = draw(st.sampled_from(ALPHABET))
    return "".join(chars)


def found(text: str, other: str) -> bool:
    """Would a check of ``text`` show ``other``: a shared band (a candidate) and cosine ≥ 0.45."""
    shared = set(duplicates.band_keys(text)) & set(duplicates.band_keys(other))
    cosine = duplicates.similarities(text, [other])[0]
    return bool(shared) and cosine >= duplicates.DUPLICATE_THRESHOLD


@given(
    st.sampled_from(list(MATTERS))
    .flatmap(matter_text)
    .flatmap(lambda text: st.tuples(st.just(text), edited_copy(text)))
)
@settings(max_examples=300, deadline=None)
def test_an_edited_copy_is_found(pair):
    original, copy = pair
    assert found(copy, original)
    assert found(original, copy)


@given(
    st.sampled_from(list(MATTERS)).flatmap(
        lambda matter: st.tuples(
            matter_text(matter),
            st.sampled_from([m for m in MATTERS if m != matter]).flatmap(matter_text),
        )
    )
)
@settings(max_examples=300, deadline=None)
def test_an_unrelated_text_is_not_found(pair):
    text, other = pair
    assert not found(text, other)


@pytest.mark.django_db
@given(data=st.data())
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_index_finds_an_edited_copy_among_stored_voices_and_nothing_unrelated(world, data):
    if not Voice.objects.exists():  # one corpus for all examples: 8 voices of each of 4 matters
        rnd = random.Random(4)
        for matter in list(MATTERS)[:4]:
            for _ in range(8):
                text = "，".join(rnd.sample(PHRASES[matter], rnd.randint(5, 8))) + "。"
                add(world, f"{matter}问题", text)
    stored = data.draw(st.sampled_from(list(Voice.objects.order_by("pk"))), label="stored")
    copy = data.draw(edited_copy(stored.content), label="copy")
    query = smart.voice_text(stored.title, copy)
    hits = duplicates.near_duplicates(query, queryset=Voice.objects.all(), limit=50)
    assert stored.pk in [v.pk for v, _ in hits]
    unrelated = data.draw(matter_text("安全"), label="unrelated")
    assert duplicates.near_duplicates(unrelated, queryset=Voice.objects.all()) == []


@pytest.mark.django_db
def test_a_repeat_from_years_ago_is_found_in_two_queries(world, django_assert_num_queries):
    now = timezone.now()
    old = add(
        world, "食堂菜价", "午餐价格上涨太快，希望公示成本。", at=now - dt.timedelta(days=900)
    )
    merged = add(world, "食堂菜价", "午餐价格上涨太快，希望公示成本。", status=Status.MERGED)
    add(world, "班车座位", "晚上下班的班车座位不够，很多人只能站着。")
    add(world, "食堂卫生", "食堂餐具没洗干净，有油渍，希望加强卫生管理。")
    add(world, "没有索引", "午餐价格上涨太快，希望公示成本。", index=False)

    query = "食堂午餐涨价\n最近食堂午餐价格涨得太快了，建议公示一下成本。"
    unmerged = Voice.objects.exclude(status=Status.MERGED)
    with django_assert_num_queries(2):
        hits = duplicates.near_duplicates(query, queryset=unmerged)
    assert [v.pk for v, _ in hits] == [old.pk]
    assert duplicates.DUPLICATE_THRESHOLD <= hits[0][1] <= 1
    assert merged.pk not in [v.pk for v, _ in duplicates.near_duplicates(query, queryset=unmerged)]
    with django_assert_num_queries(0):
        assert duplicates.near_duplicates("，。！", queryset=Voice.objects.all()) == []


@pytest.mark.django_db
def test_near_duplicates_are_ranked_limited_and_exclude_the_voice_itself(world):
    same = "宿舍楼热水供应不稳定，晚上十点后经常没有热水。"
    exact = add(world, "宿舍热水", same)
    add(world, "热水问题", "员工宿舍晚上十点以后经常没有热水，热水供应很不稳定，请尽快维修。")
    longer = add(world, "宿舍热水", same + "已经一个月了。")

    found_ = duplicates.near_duplicates(f"宿舍热水\n{same}", queryset=Voice.objects.all(), limit=2)

    assert [v for v, _ in found_] == [exact, longer]
    assert found_[0][1] == pytest.approx(1) and found_[0][1] >= found_[1][1]
    hits = duplicates.near_duplicates(
        f"宿舍热水\n{same}", queryset=Voice.objects.all(), exclude=exact.pk
    )
    assert exact not in [v for v, _ in hits]


@pytest.mark.django_db
def test_the_index_follows_the_text_and_the_voice(world):
    voice = add(world, "班车晚点", "早班车经常晚点，导致迟到。")
    assert VoiceBand.objects.filter(voice=voice).count() == duplicates.BANDS
    before = set(VoiceBand.objects.filter(voice=voice).values_list("key", flat=True))
    Voice.objects.filter(pk=voice.pk).update(content="宿舍空调坏了很久没人修。")
    assert duplicates.index_voices([voice.pk, 999_999]) == 1  # a missing id is skipped
    after = set(VoiceBand.objects.filter(voice=voice).values_list("key", flat=True))
    assert len(after) == duplicates.BANDS and not before & after
    empty = add(world, "。", "！！")
    assert not VoiceBand.objects.filter(voice=empty).exists()
    voice.delete()
    assert not VoiceBand.objects.filter(voice_id=voice.pk).exists()


@pytest.mark.django_db
def test_submitting_indexes_the_voice_after_commit(
    world, raise_voice, django_capture_on_commit_callbacks
):
    voice, _ = raise_voice()  # the fixture runs what submitting enqueues, as Huey would
    assert VoiceBand.objects.filter(voice=voice).count() == duplicates.BANDS

    from dangqun.voices import intake

    with django_capture_on_commit_callbacks() as callbacks:
        pending = intake.submit(
            None,
            {"title": "班车", "content": "班车太挤"},
            unit=world.dept_a,
            channel="qr",
            identity="anonymous",
        )
    assert len(callbacks) == 1  # nothing indexed before the transaction commits
    assert not VoiceBand.objects.filter(voice=pending.voice).exists()
    callbacks[0]()
    assert VoiceBand.objects.filter(voice=pending.voice).count() == duplicates.BANDS


@pytest.mark.django_db
def test_the_command_rebuilds_the_index_in_batches_and_the_night_catches_up(world):
    voices = [add(world, f"食堂{n}", f"食堂第{n}个窗口排队太长。", index=False) for n in range(5)]
    out = StringIO()
    call_command("index_voice_duplicates", "--batch", "2", stdout=out)
    assert "重复检测索引已建立：5 条呼声" in out.getvalue()
    assert VoiceBand.objects.count() == 5 * duplicates.BANDS
    VoiceBand.objects.filter(voice=voices[0]).delete()
    old = add(
        world, "旧", "很久以前的呼声内容。", at=timezone.now() - dt.timedelta(days=30), index=False
    )
    assert duplicates.index_missing() == 1
    assert VoiceBand.objects.filter(voice=voices[0]).count() == duplicates.BANDS
    assert not VoiceBand.objects.filter(voice=old).exists()


def test_a_burst_of_submissions_asks_for_indexing_once(monkeypatch):
    """Issue #15 §5: under load one task indexes every voice submitted meanwhile, instead of a
    queue write and a task per voice; after the delay the next submission asks again."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    from dangqun.voices import tasks

    monkeypatch.setattr(HUEY, "_immediate", False)  # a real queue, kept in memory
    monkeypatch.setattr(HUEY, "storage", MemoryStorage(HUEY.name))
    monkeypatch.setattr(tasks, "_next_index_at", 0.0)
    clock = [1000.0]
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock[0])
    for _ in range(50):
        tasks.index_soon()
    queued = [HUEY.dequeue() for _ in range(HUEY.pending_count())]
    assert [task.name for task in queued] == ["index_new_voices"]
    assert queued[0].eta is not None  # runs a few seconds later, for all of them
    clock[0] += tasks.INDEX_DELAY
    tasks.index_soon()
    assert HUEY.pending_count() == 1
