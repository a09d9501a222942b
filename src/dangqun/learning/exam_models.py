"""Question bank and exams (issue #17 §3): questions owned by an organiser's organisation, papers
(fixed, or drawn at random by rules), exams with a window and a server-side time limit, attempts
with the questions each person was given (and the order their options were shown in), and the
answers saved as the person goes. Imported by ``models`` so Django finds them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from dangqun.people.audience import AudienceFields


class Kind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    TRUE_FALSE = "true_false", "判断题"
    FILL = "fill", "填空题"


CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
TRUE_FALSE_OPTIONS = ["正确", "错误"]


class Question(models.Model):
    """One question of an organisation's bank. ``options`` are the choices as written (none for a
    fill-in); ``answer`` the indexes of the right options, or for a fill-in the accepted answers.
    Retired rather than deleted once an attempt has used it."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="题库所属组织", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("题型", max_length=16, choices=Kind.choices)
    stem = models.TextField("题干")
    stem_key = models.CharField(max_length=255, editable=False)  # duplicates are found by it
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.JSONField("答案", default=list)
    explanation = models.TextField("解析", blank=True)
    tags = models.CharField("标签", max_length=200, blank=True)  # "，"-separated
    difficulty = models.PositiveSmallIntegerField(
        "难度", default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    active = models.BooleanField("在用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "试题"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "stem_key"], name="learning_question_once")
        ]
        indexes = [models.Index(fields=["org", "active", "kind"], name="learning_question_idx")]

    def __str__(self) -> str:
        return self.stem[:40]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split("，") if t]


class PaperMode(models.TextChoices):
    FIXED = "fixed", "固定试卷"
    RANDOM = "random", "随机抽题"


class Paper(models.Model):
    """A paper: fixed questions with their points (``PaperItem``), or rules drawn per attempt:
    ``rules`` = [{"kind", "tag" ("" any), "count", "points"}], from the org's active questions."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("试卷名称", max_length=100)
    mode = models.CharField("组卷方式", max_length=8, choices=PaperMode.choices)
    rules = models.JSONField("抽题规则", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "试卷"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class PaperItem(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "question"], name="learning_paper_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.paper} · {self.question}"


class Exam(AudienceFields):
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("考试名称", max_length=100)
    paper = models.ForeignKey(
        Paper, verbose_name="试卷", on_delete=models.PROTECT, related_name="+"
    )
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    limit_minutes = models.PositiveSmallIntegerField(
        "答题时限（分钟）", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        "允许作答次数", default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    pass_mark = models.DecimalField("及格分", max_digits=5, decimal_places=1, default=Decimal(60))
    partial_credit = models.BooleanField(
        "多选题少选得部分分", default=False, help_text="少选且未错选：按选对的比例得分；错选不得分"
    )
    hours = models.DecimalField(
        "通过后计入学时",
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        help_text="0 表示不计学时；同一考试每人只计一次",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考试"
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    """One sitting of an exam by one person. ``items`` are the questions as given:
    [{"q": question id, "points": "2.0", "order": [original option index shown at each place]}].
    The deadline is fixed when it starts: min(started + limit, the exam's close)."""

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField("第几次")
    items = models.JSONField(default=list)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)  # graded after the deadline from what was saved
    score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    passed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "答卷"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "person", "number"], name="learning_attempt_once"
            )
        ]
        indexes = [models.Index(fields=["person", "exam"], name="learning_attempt_person_idx")]

    def __str__(self) -> str:
        return f"{self.exam} #{self.number}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """What the person answered at one place of the attempt, as shown: for choices the places
    they picked (mapped back through the attempt's order when graded), for a fill-in the text."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    response = models.JSONField(default=list)
    saved_at = models.DateTimeField(auto_now=True)
    points = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    correct = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="learning_answer_once")
        ]
        indexes = [models.Index(fields=["question"], name="learning_answer_question_idx")]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.position + 1}"
