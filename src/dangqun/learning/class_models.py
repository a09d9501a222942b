"""Training classes (培训班) and external training (外出培训), issue #17 §1: a class run by an
organisation for an audience, its sessions with 学时 each, who is enrolled and who attended which
session; training a member did elsewhere, recorded with a proof and confirmed by the branch. What
they credit reaches the ledger through ``sources_classes`` only."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from dangqun.core import filestore, rotating_codes
from dangqun.people.audience import AudienceFields

DEFAULT_THRESHOLD = 80  # per cent of the class's 学时 attended for 结业


class Enrol(models.TextChoices):
    ASSIGNED = "assigned", "指定参训（发布时全部对象自动报名）"
    SIGN_UP = "sign_up", "自愿报名（对象范围内的人自行报名）"


class ClassStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "进行中"
    FINISHED = "finished", "已结束"
    CANCELLED = "cancelled", "已取消"


class TrainingClass(AudienceFields):
    org = models.ForeignKey(
        "orgs.Org", verbose_name="主办组织", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("培训班名称", max_length=100)
    description = models.TextField("培训内容", blank=True)
    enrolment = models.CharField(
        "参训方式", max_length=16, choices=Enrol.choices, default=Enrol.ASSIGNED
    )
    threshold = models.PositiveSmallIntegerField(
        "结业要求（出勤学时占比 %）",
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    status = models.CharField(
        "状态", max_length=16, choices=ClassStatus.choices, default=ClassStatus.DRAFT
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "培训班"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ClassSession(models.Model):
    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    topic = models.CharField("课程内容", max_length=100, blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200)
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )
    checkin_secret = models.CharField(max_length=32, default=rotating_codes.new_secret)

    class Meta:
        verbose_name = "培训课次"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="learning_session_start_idx")]

    def __str__(self) -> str:
        return self.topic or f"{self.klass.title} {self.starts_at:%Y-%m-%d}"


class Enrolment(models.Model):
    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    how = models.CharField("方式", max_length=16, choices=Enrol.choices)
    enrolled_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField("退出时间", null=True, blank=True)

    class Meta:
        verbose_name = "参训人员"
        constraints = [
            models.UniqueConstraint(fields=["klass", "person"], name="learning_enrolment_once")
        ]
        indexes = [models.Index(fields=["person", "klass"], name="learning_enrol_person_idx")]

    def __str__(self) -> str:
        return f"{self.klass_id}:{self.person_id}"

    @property
    def active(self) -> bool:
        return self.left_at is None


class Attendance(models.Model):
    """A person present at a session: by the code they scanned or as marked by the organiser.
    Un-marking deletes the row (the audit log keeps the history)."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="present")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by_code = models.BooleanField(default=False)

    class Meta:
        verbose_name = "出勤"
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="learning_attendance_once")
        ]
        indexes = [models.Index(fields=["person", "session"], name="learning_attend_person_idx")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.person_id}"


class ExternalKind(models.TextChoices):
    PARTY_SCHOOL = "party_school", "党校培训"
    SENT = "sent", "上级调训"
    ONLINE = "online", "其他平台网络培训"
    OTHER = "other", "其他外出培训"


class ExternalStatus(models.TextChoices):
    SUBMITTED = "submitted", "待确认"
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"


class ExternalTraining(models.Model):
    """Training a member did outside the site's classes, with a proof; its 学时 count once the
    member's party branch (or an organiser above it) confirms."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "orgs.Org", verbose_name="所在党支部", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=16, choices=ExternalKind.choices)
    title = models.CharField("培训名称", max_length=100)
    organiser = models.CharField("举办单位", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    claimed = models.DecimalField("申报学时", max_digits=5, decimal_places=1)
    hours = models.DecimalField("认定学时", max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ExternalStatus.choices, default=ExternalStatus.SUBMITTED
    )
    reason = models.CharField("退回原因", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "外出培训"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "branch"], name="learning_external_queue_idx"),
            models.Index(fields=["person", "starts_on"], name="learning_external_person_idx"),
        ]

    def __str__(self) -> str:
        return self.title


PROOF_FOLDER = "learning_external"  # its own folder: the nightly sweep knows every file in it


def proof_path(instance, filename: str) -> str:
    return filestore.random_path(PROOF_FOLDER, instance.extension)


class ExternalProof(filestore.StoredFileFields):
    training = models.ForeignKey(ExternalTraining, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(upload_to=proof_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "外出培训证明材料"
