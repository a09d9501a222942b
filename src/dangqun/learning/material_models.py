"""Study materials (issue #17 §2): a library of documents, links and videos an organiser assigns
to an audience, tagged by theme, with an optional due date; and each person's ``Study`` of one —
when they first opened it and when they confirmed having studied it (一键"已学"), with an
optional note (心得体会). Nothing counts time (rule ``activities.no_ranking``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangqun.core import filestore
from dangqun.people.audience import AudienceFields

NOTE_MAX = 1000


class MaterialKind(models.TextChoices):
    DOCUMENT = "document", "文件"
    LINK = "link", "链接"
    VIDEO = "video", "视频"


class MaterialStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Tag(models.Model):
    """A theme (党章党规, 二十大精神, 业务知识…): data, added as organisers name them."""

    name = models.CharField("主题", max_length=20, unique=True)

    class Meta:
        verbose_name = "学习主题"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Material(AudienceFields):
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=120)
    kind = models.CharField("类型", max_length=16, choices=MaterialKind.choices)
    description = models.TextField("简介", max_length=2000, blank=True)
    url = models.URLField("链接", max_length=500, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name="主题", blank=True, related_name="materials")
    due_on = models.DateField("完成期限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=MaterialStatus.choices, default=MaterialStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "学习资料"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="learning_material_due_idx")]

    def __str__(self) -> str:
        return self.title


def material_file_path(row, filename: str) -> str:
    return filestore.random_path("learning", row.extension or "bin")


class MaterialFile(filestore.StoredFileFields):
    """A material's document or video; a replaced file is kept, the newest is shown."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=material_file_path, max_length=200)
    preview = models.FileField(max_length=200, blank=True)

    class Meta:
        verbose_name = "学习资料文件"
        ordering = ["-id"]

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


class Study(models.Model):
    """One person's study of one material: first opened, confirmed (一键"已学"), their note."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="studies")
    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.CASCADE, related_name="+"
    )
    opened_at = models.DateTimeField("首次打开", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认已学", null=True, blank=True)
    note = models.TextField("心得体会", max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = "资料学习记录"
        constraints = [
            models.UniqueConstraint(fields=["material", "person"], name="learning_study_once")
        ]
        indexes = [
            models.Index(fields=["person", "confirmed_at"], name="learning_study_person_idx")
        ]

    def __str__(self) -> str:
        return f"{self.material_id}/{self.person_id}"
