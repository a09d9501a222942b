"""政策宣传 (issue #18 §1): items (articles and notices) sent by an organisation to an audience,
with their images and attachments, each person's ``Receipt`` (first opened, confirmed 已阅读 for a
必读 item), an optional short quiz (questions of the learning app's kinds) and its result per
person. Themes are data. Nothing counts reading time and nobody is ranked (domain rules §8)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from dangqun.core import filestore
from dangqun.learning.exam_models import Kind
from dangqun.people.audience import AudienceFields

TITLE_MAX = 120
BODY_MAX = 50_000
REASON_MAX = 200


DEFAULT_THEMES = [
    "党的政策",
    "企业战略",
    "规章制度",
    "企业文化",
    "工会",
    "安全",
    "廉洁",
    "先进典型",
]


class Theme(models.Model):
    """党的政策, 企业战略, 规章制度, 企业文化, 工会, 安全…: data, ordered, never deleted (retired)."""

    name = models.CharField("主题", max_length=20, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "宣传主题"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure_defaults(cls) -> dict[str, Theme]:
        """The shipped themes (migration ``0002_themes`` writes them; a flushed test database
        or a seed may need them again), by name."""
        for position, name in enumerate(DEFAULT_THEMES, start=1):
            cls.objects.get_or_create(name=name, defaults={"position": position})
        return {t.name: t for t in cls.objects.all()}


class ItemKind(models.TextChoices):
    ARTICLE = "article", "文章"
    NOTICE = "notice", "通知"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Item(AudienceFields):
    """An article or notice. Published with a time (``publish_at``, maybe in the future: 待发布
    until then, derived); expired after ``expires_at`` (out of the lists, still readable);
    withdrawn with a reason (kept, shown as withdrawn)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="发布单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=ItemKind.choices)
    title = models.CharField("标题", max_length=TITLE_MAX)
    body = models.TextField("正文", blank=True)  # sanitised HTML (``content.clean``)
    theme = models.ForeignKey(
        Theme, verbose_name="主题", on_delete=models.PROTECT, related_name="items"
    )
    required = models.BooleanField("必读", default=False)
    quiz_required = models.BooleanField("须通过测验才能确认", default=False)
    pass_percent = models.PositiveSmallIntegerField(
        "测验及格线（%）",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    pinned = models.BooleanField("置顶", default=False)
    publish_at = models.DateTimeField("发布时间", null=True, blank=True)
    expires_at = models.DateTimeField("下架时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=REASON_MAX, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)  # 必读's bell notice sent
    # its ``ReachTally`` rows written (``tally.rebuild``); until then reach is counted live
    reach_counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "宣传内容"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="publicity_item_live_idx"),
            models.Index(fields=["org", "status"], name="publicity_item_org_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return (
            self.status == ItemStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ItemStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def shown_status(self) -> str:
        if self.is_scheduled:
            return "待发布"
        if self.status == ItemStatus.PUBLISHED and self.is_expired:
            return "已过期"
        return self.get_status_display()


def item_file_path(row, filename: str) -> str:
    return filestore.random_path("publicity", row.extension or "bin")


class ItemFile(filestore.StoredFileFields):
    """An image (shown in the article, scaled) or an attachment (downloaded) of an item."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=item_file_path, max_length=200)
    preview = models.FileField(max_length=200, blank=True)

    class Meta:
        verbose_name = "宣传内容附件"
        ordering = ["id"]


class Receipt(models.Model):
    """One person's reading of one item: first opened, confirmed (必读). Once per person and item."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="receipts")
    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField("首次打开")
    confirmed_at = models.DateTimeField("确认已阅读", null=True, blank=True)

    class Meta:
        verbose_name = "阅读回执"
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="publicity_receipt_once")
        ]
        indexes = [models.Index(fields=["person", "item"], name="publicity_receipt_person_idx")]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.person_id}"


class Question(models.Model):
    """A quiz question of an item, of the learning app's kinds (graded by ``learning.grading``):
    ``options`` as written, ``answer`` the right options' indexes (a fill-in: accepted texts)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField("题型", max_length=16, choices=Kind.choices)
    stem = models.CharField("题干", max_length=500)
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.JSONField("答案", default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "测验题"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.stem[:40]


class QuizResult(models.Model):
    """A person's latest quiz answer on an item; ``passed`` stays true once earned."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="results")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    correct = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)
    tries = models.PositiveSmallIntegerField(default=0)
    answers = models.JSONField(default=dict)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "测验结果"
        constraints = [
            models.UniqueConstraint(fields=["item", "person"], name="publicity_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.person_id}: {self.correct}/{self.total}"


def _placement(null: bool = True) -> models.ForeignKey:
    """One organisation of a tally row's placement: a plain id, no constraint, no index."""
    return models.ForeignKey(
        "orgs.Org",
        null=null,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )


class ReachTally(models.Model):
    """How far an item reached, per placement of its audience (``tally.py``, decision 0039):
    the people of one unit, party branch, union and league organisation (``placed`` spells the
    four ids, 0 for none) — so figures under an enterprise or a party organisation, within any
    scope, are sums of a few thousand rows. ``delivered`` is the audience, recounted; the other
    counts are added by the reader's own transaction and recounted with it."""

    # (item, placed) is the key: its index serves every read and write, no other is kept; no
    # database constraints either (derived rows, millions of them, rewritten every night)
    pk = models.CompositePrimaryKey("item", "placed")
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    placed = models.CharField(max_length=80)  # "unit.branch.union.league", 0 for none
    unit = _placement(null=False)
    party_branch = _placement()
    union_org = _placement()
    league_org = _placement()
    delivered = models.IntegerField(default=0)
    opened = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    passed = models.IntegerField(default=0)

    class Meta:
        verbose_name = "阅读情况统计"

    def __str__(self) -> str:
        return f"{self.item_id}/{self.placed}"
