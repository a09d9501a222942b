"""问卷调查 (issue #18 §2): a ``Survey`` sent to an audience (``people/audience.py``) with its
``Question`` rows, each person's ``Participation`` (only: they answered, so they cannot answer
twice) and the ``Response`` rows holding the answers. In an anonymous survey a response names no
person, no account, no address and no time finer than the day, and has a random UUID key, so
neither a column nor the order of keys ties it to a participation (decision 0037)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangqun.people.audience import AudienceFields


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class Kind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    RATING = "rating", "评分（1–5）"
    SCORE = "score", "推荐度（0–10）"
    MATRIX = "matrix", "矩阵评分（1–5）"
    SHORT = "short", "简答"
    LONG = "long", "详细回答"


CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
SCALES = {Kind.RATING: (1, 5), Kind.SCORE: (0, 10), Kind.MATRIX: (1, 5)}
TEXT_KINDS = (Kind.SHORT, Kind.LONG)


class Survey(AudienceFields):
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=120)
    description = models.TextField("说明", max_length=2000, blank=True)
    anonymous = models.BooleanField("匿名", default=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    opens_on = models.DateField("开始日期", null=True, blank=True)
    closes_on = models.DateField("截止日期", null=True, blank=True)
    template = models.CharField("模板", max_length=32, blank=True)
    wave = models.PositiveIntegerField("期次", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # how many responses the last ``unlink.shuffle`` rewrote (an anonymous survey's answers are
    # re-stored in random order, so no hidden row order or transaction id pairs them with people)
    shuffled = models.PositiveIntegerField(default=0, editable=False)
    # when the last shuffle read them: a closed survey shuffled ``unlink.SETTLE`` after closing
    # has all its answers shuffled and is not counted again
    shuffled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "问卷"
        ordering = ["-id"]
        indexes = [models.Index(fields=["template", "org", "wave"], name="surveys_wave_idx")]

    def __str__(self) -> str:
        return self.title

    def is_answerable(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == Status.OPEN
            and (self.opens_on is None or self.opens_on <= today)
            and (self.closes_on is None or today <= self.closes_on)
        )


class Question(models.Model):
    """One question. ``options``: the choices (single, multiple); ``items``: a matrix's rows;
    ``skip``: a single choice's jumps, ``{"<option index>": <later position>}``; ``code``: the
    template's item (工作本身, 薪酬…) that links waves and feeds the satisfaction index."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField("序号")
    kind = models.CharField("题型", max_length=16, choices=Kind.choices)
    text = models.CharField("题目", max_length=300)
    required = models.BooleanField("必答", default=True)
    options = models.JSONField("选项", default=list, blank=True)
    items = models.JSONField("评价项目", default=list, blank=True)
    skip = models.JSONField("跳题", default=dict, blank=True)
    code = models.CharField("指标", max_length=32, blank=True)

    class Meta:
        verbose_name = "问卷题目"
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.kind)


class Participation(models.Model):
    """That a person answered a survey — nothing else: no time, no response, and a random key,
    so the order of answering is not kept either (decision 0037)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="participations")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "参与记录"
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="surveys_answer_once")
        ]

    def __str__(self) -> str:
        return "参与记录"


class Response(models.Model):
    """One set of answers ``{"<question id>": value}``. ``unit``: the company the answer counts
    for (the respondent's unit at company level), ``day``: the day only. ``person`` only in a
    survey that is not anonymous."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = "问卷答卷"
        indexes = [models.Index(fields=["survey", "unit", "day"], name="surveys_response_idx")]

    def __str__(self) -> str:
        return "答卷"  # never the key or a person: an audit row or a log may print it


ANSWERED = -2  # a Tally's item for "answered this question"; -1: the question itself (no item)


class Tally(models.Model):
    """How many responses of a survey, in one unit (``unit_key``: the org id, 0 for none), gave
    ``value`` to a question (``item``: a matrix's row, -1 none, -2 the count of answers). Kept
    by ``answering.answer`` in the same transaction; ``tallies.rebuild`` recounts a survey. No
    person, no time: only counts (decision 0037)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    unit_key = models.BigIntegerField(default=0)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    item = models.SmallIntegerField(default=-1)
    value = models.SmallIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "问卷计数"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit_key", "question", "item", "value"], name="surveys_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.item}/{self.value}: {self.count}"
