"""A small synthetic history of handled voices in four categories, made from templates: what the
category model, the voice page's smart help and the history tests learn from."""

import datetime as dt
import random
import uuid

from django.utils import timezone

from dangqun.voices.models import Status, Voice

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
