"""A year of 政策宣传 for the large data set (issue #18 §5): ~2,000 items of the group's party
organisations and unions (articles and notices over every theme, a share 必读, some with a
two-question quiz, a few withdrawn), and ~20,000,000 receipts — each item opened by part of its
audience, the 必读 ones confirmed by most who opened them, quiz results for those who confirmed
a quiz item. Deterministic per seed; rows go in with COPY on PostgreSQL (``core.bulk``).

Audiences: every item is drawn from an organisation's sub-tree with ``audience.people`` (its
ids read once per item); the share who open is chosen so that the receipts come to the number
asked for."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from dangqun.core.bulk import insert_dicts
from dangqun.orgs.models import Org, System
from dangqun.people import audience
from dangqun.people.audience import Who
from dangqun.publicity import tally
from dangqun.publicity.models import (
    Item,
    ItemKind,
    ItemStatus,
    Question,
    QuizResult,
    Receipt,
    Theme,
)
from dangqun.seed.bulk_development import bulk_actor

CHUNK = 50_000
REQUIRED = 0.3  # share of items marked 必读
WITH_QUIZ = 0.3  # share of 必读 items with a quiz
CONFIRM = 0.8  # share of openers of a 必读 item who confirm
WITHDRAWN = 0.02
TITLES = ["学习贯彻{}精神", "关于{}的通知", "{}专题解读", "{}工作提示", "{}知识问答"]
TOPICS = [
    "全会",
    "安全生产",
    "企业战略",
    "规章制度",
    "职工福利",
    "廉洁从业",
    "企业文化",
    "节能降耗",
]
BODY = "<p>{}。请各单位认真组织学习，结合实际抓好落实。</p>"


def seed_bulk_publicity(
    party: Org,
    *,
    items: int,
    receipts: int,
    seed: int,
    today: dt.date,
    progress: Callable[[str], None] = print,
) -> dict[str, int]:
    """Write ``items`` items from ``party``'s organisations (and the union's) over the year
    before ``today`` and about ``receipts`` receipts; returns the counts written."""
    rng = random.Random(f"{seed}:publicity")  # noqa: S311
    actor = bulk_actor()
    Theme.ensure_defaults()
    themes = list(Theme.objects.order_by("position"))
    senders = _senders(party)
    planned = [_plan(rng, senders, themes, actor, today, n) for n in range(items)]
    with transaction.atomic():
        ids = insert_dicts(Item, planned)
    progress(f"政策宣传：{len(ids)} 条内容")
    quiz_ids = [pk for pk, row in zip(ids, planned, strict=True) if row.pop("_quiz")]
    _questions(quiz_ids)
    audiences = _Audiences()  # one query per (sender, audience), not per item
    members = [audiences.of(row["org_id"], row["audience_who"]) for row in planned]
    total = sum(len(people) for people in members) or 1
    share = min(1.0, receipts / total)
    written = {"items": len(ids), "receipts": 0, "results": 0}
    required = {pk for pk, row in zip(ids, planned, strict=True) if row["required"]}
    quiz = set(quiz_ids)
    rows, results = [], []
    for pk, row, people in zip(ids, planned, members, strict=True):
        start = row["publish_at"]
        wanted = len(people) * share  # who opened it: that share of its audience, drawn at once
        count = int(wanted) + (rng.random() < wanted - int(wanted))
        for person in sorted(rng.sample(people, min(count, len(people)))):
            opened = start + dt.timedelta(minutes=rng.randrange(1, 60 * 24 * 20))
            confirmed = None
            if pk in required and rng.random() < CONFIRM:
                confirmed = opened + dt.timedelta(minutes=rng.randrange(1, 600))
                if pk in quiz:
                    results.append(
                        {"item_id": pk, "person_id": person, "correct": 2, "total": 2,
                         "passed": True, "tries": 1, "answers": {}, "answered_at": confirmed}
                    )  # fmt: skip
            rows.append(
                {"item_id": pk, "person_id": person, "opened_at": opened, "confirmed_at": confirmed}
            )
            if len(rows) >= CHUNK:
                written["receipts"] += _flush(Receipt, rows)
                written["results"] += _flush(QuizResult, results)
                progress(f"政策宣传：{written['receipts']} 条阅读回执")
    written["receipts"] += _flush(Receipt, rows)
    written["results"] += _flush(QuizResult, results)
    progress(f"政策宣传：{written['receipts']} 条阅读回执，{written['results']} 条测验结果")
    tally.rebuild(Item.objects.filter(pk__in=ids))  # the reach tallies, from what was written
    progress("政策宣传：阅读统计已生成")
    return written


def _flush(model, rows: list[dict]) -> int:
    count = len(rows)
    if rows:
        with transaction.atomic():
            insert_dicts(model, rows)
        rows.clear()
    return count


def _senders(party: Org) -> list[Org]:
    """The group 党委 often, its committees and a few branches sometimes, the union's root."""
    committees = list(
        Org.objects.filter(path__startswith=party.path, depth=party.depth + 1).order_by("path")
    )
    branches = list(
        Org.objects.filter(path__startswith=party.path, depth=party.depth + 2).order_by("path")[:50]
    )
    union = list(Org.objects.filter(system=System.UNION, depth=1).order_by("path")[:1])
    return [party] * 10 + committees + branches + union


def _plan(rng, senders, themes, actor, today: dt.date, n: int) -> dict:
    org = rng.choice(senders)
    required = rng.random() < REQUIRED
    day = today - dt.timedelta(days=rng.randrange(1, 365))
    publish_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, rng.randrange(60))))
    topic = rng.choice(TOPICS)
    withdrawn = rng.random() < WITHDRAWN
    return {
        "org_id": org.pk,
        "kind": rng.choice([ItemKind.ARTICLE, ItemKind.NOTICE]),
        "title": rng.choice(TITLES).format(topic),
        "body": BODY.format(topic),
        "theme_id": rng.choice(themes).pk,
        "required": required,
        "quiz_required": False,
        "pass_percent": 60,
        "pinned": n % 400 == 0,
        "publish_at": publish_at,
        "expires_at": None,
        "status": ItemStatus.WITHDRAWN if withdrawn else ItemStatus.PUBLISHED,
        "withdrawn_at": publish_at + dt.timedelta(days=3) if withdrawn else None,
        "withdraw_reason": "内容已更新" if withdrawn else "",
        "announced_at": publish_at if required else None,
        "created_by_id": actor.pk if actor else None,
        "created_at": publish_at,
        "audience_who": Who.MEMBERS if org.system == System.PARTY and required else Who.EVERYONE,
        "_quiz": required and rng.random() < WITH_QUIZ,
    }


def _questions(item_ids: list[int]) -> None:
    rows = []
    for pk in item_ids:
        rows.append({"item_id": pk, "kind": "true_false", "stem": "应结合实际抓好落实。",
                     "options": ["正确", "错误"], "answer": [0], "position": 1})  # fmt: skip
        rows.append({"item_id": pk, "kind": "single", "stem": "学习要求是什么？",
                     "options": ["认真组织学习", "不必学习"], "answer": [0], "position": 2})  # fmt: skip
    with transaction.atomic():
        insert_dicts(Question, rows)


class _Audiences:
    """The people an item of a sender and an audience reaches (``people.audience``), read once per
    pair: the 2,000 items come from about 80 senders."""

    def __init__(self):
        self.found: dict[tuple[int, str], list[int]] = {}

    def of(self, org_id: int, who: str) -> list[int]:
        if (org_id, who) not in self.found:
            record = Item(
                org=Org.objects.get(pk=org_id), audience_who=who
            )  # unsaved: no chosen orgs
            people = audience.people(record).order_by("pk").values_list("pk", flat=True)
            self.found[(org_id, who)] = list(people)
        return self.found[(org_id, who)]
