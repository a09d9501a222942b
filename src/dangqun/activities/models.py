"""志愿服务与活动 (issue #16): one ``Activity`` for every kind (kinds are data), its sign-ups with
capacity and a waiting list, check-in and check-out, the volunteer hours it credits (append-only
``HoursEntry`` rows: a correction is a new row with a reason), volunteers who opted in and their
teams. Nothing with history is deleted: an activity is cancelled or archived, a sign-up cancelled.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from dangqun.activities.certificate_models import Certificate  # noqa: F401  (issue #16 §2)
from dangqun.core import filestore


class ActivityKind(models.Model):
    """志愿服务, 文化活动, 文体活动…: kept as rows so an enterprise can add its own. ``volunteer``
    kinds credit volunteer hours (《志愿服务条例》); the others count participation only."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    volunteer = models.BooleanField("计入志愿服务时长", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "活动类型"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "报名中"
    CLOSED = "closed", "报名已截止"
    HELD = "held", "已举行"
    CONFIRMED = "confirmed", "时长已确认"
    ARCHIVED = "archived", "已归档"
    CANCELLED = "cancelled", "已取消"


class OpenTo(models.TextChoices):
    EVERYONE = "everyone", "全体职工"
    PARTY = "party", "党员（含预备党员）"
    LEAGUE = "league", "共青团员"
    UNION = "union", "工会会员"


class VolunteerTeam(models.Model):
    """A 志愿服务队 under any organisation (a branch's, the union's, the league's)."""

    name = models.CharField("队名", max_length=50)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="所属组织", on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        "people.Person",
        verbose_name="队长",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField("简介", blank=True)
    active = models.BooleanField("在服务", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "志愿服务队"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="volunteer_team_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    kind = models.ForeignKey(ActivityKind, verbose_name="类型", on_delete=models.PROTECT)
    title = models.CharField("名称", max_length=100)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="主办组织", on_delete=models.PROTECT, related_name="+"
    )
    # 联建: the other organisations that run it together (their organisers keep it as well).
    co_organisers = models.ManyToManyField(
        "orgs.Org", verbose_name="联办组织", blank=True, related_name="+"
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name="志愿服务队",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField("活动内容", blank=True)
    capacity = models.PositiveIntegerField(
        "人数上限", null=True, blank=True, validators=[MinValueValidator(1)]
    )  # empty: no limit
    signup_opens_at = models.DateTimeField(
        "报名开始", null=True, blank=True
    )  # empty: on publishing
    signup_closes_at = models.DateTimeField("报名截止")
    open_to = models.CharField(
        "报名对象", max_length=16, choices=OpenTo.choices, default=OpenTo.EVERYONE
    )
    # Empty: every employee; else people whose unit, branch, union or league organisation lies
    # under one of these.
    eligible_orgs = models.ManyToManyField(
        "orgs.Org", verbose_name="限定范围", blank=True, related_name="+"
    )
    needs_approval = models.BooleanField("报名需审核", default=False)
    service_type = models.CharField("服务类别", max_length=50, blank=True)
    # The most hours one person is credited with (the slot); empty: the activity's length.
    credit_hours = models.DecimalField(
        "可认定时长（小时）", max_digits=5, decimal_places=1, null=True, blank=True
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    checkin_secret = models.CharField(max_length=32, editable=False)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "活动"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_at"], name="activity_org_idx"),
            # the square: published activities, nearest first
            models.Index(
                fields=["starts_at"],
                condition=models.Q(status="published"),
                name="activity_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slot_hours(self) -> Decimal:
        """The most hours one person is credited with: ``credit_hours``, else the length."""
        if self.credit_hours is not None:
            return self.credit_hours
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / 3600).quantize(Decimal("0.1"))

    @property
    def credits_hours(self) -> bool:
        return self.kind.volunteer


class SignUpStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    CONFIRMED = "confirmed", "已报名"
    WAITING = "waiting", "候补"
    CANCELLED = "cancelled", "已取消"
    REJECTED = "rejected", "未通过"


ACTIVE_SIGNUPS = (SignUpStatus.PENDING, SignUpStatus.CONFIRMED, SignUpStatus.WAITING)


class SignUp(models.Model):
    """One person on one activity: kept when cancelled (signing up again reuses the row)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=SignUpStatus.choices)
    queued_at = models.DateTimeField(default=timezone.now)  # the waiting list's order
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)  # of a rejection or cancelling
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    by_code = models.BooleanField(default=False)  # checked in by scanning, not marked
    travel_minutes = models.PositiveSmallIntegerField("往返路途（分钟）", default=0)

    class Meta:
        verbose_name = "报名"
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="signup_once")]
        indexes = [
            models.Index(fields=["activity", "status", "queued_at"], name="signup_list_idx"),
            models.Index(fields=["person", "status"], name="signup_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.person_id}"


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that are only ever added: no bulk update or delete either (as the audit log)."""

    def update(self, **kwargs):
        raise PermissionError("志愿服务时长只能追加更正，不能修改")

    def delete(self):
        raise PermissionError("志愿服务时长只能追加更正，不能删除")


class HoursEntry(models.Model):
    """Volunteer hours credited to a person: written when the organiser confirms an activity's
    hours, never edited. A correction is another row (plus or minus) with its reason and the
    row it corrects."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="hours")
    signup = models.ForeignKey(
        SignUp, null=True, blank=True, on_delete=models.PROTECT, related_name="hours"
    )
    hours = models.DecimalField("时长（小时）", max_digits=6, decimal_places=1)
    served_on = models.DateField("服务日期")
    reason = models.CharField("更正原因", max_length=200, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务时长"
        ordering = ["served_on", "id"]
        indexes = [
            models.Index(fields=["person", "served_on"], name="hours_person_idx"),
            models.Index(fields=["activity"], name="hours_activity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.hours}h"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("志愿服务时长只能追加更正，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("志愿服务时长只能追加更正，不能删除")


class Volunteer(models.Model):
    """An employee who registered as a volunteer, with consent; withdrawing keeps the record."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="volunteer"
    )
    consented_at = models.DateTimeField("同意时间", default=timezone.now)
    skills = models.CharField("技能特长", max_length=200, blank=True)
    availability = models.CharField("可服务时间", max_length=200, blank=True)
    emergency_name = models.CharField("紧急联系人", max_length=50, blank=True)
    emergency_phone = models.CharField("紧急联系电话", max_length=30, blank=True)
    withdrawn_at = models.DateTimeField("退出时间", null=True, blank=True)

    class Meta:
        verbose_name = "志愿者"

    def __str__(self) -> str:
        return str(self.person_id)

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class TeamMember(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField("加入日期", default=timezone.localdate)
    left_on = models.DateField("离队日期", null=True, blank=True)

    class Meta:
        verbose_name = "志愿服务队队员"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=models.Q(left_on__isnull=True),
                name="team_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.person_id}"


def activity_file_path(row, filename: str) -> str:
    return filestore.random_path("activities", row.extension or "bin")


class FileKind(models.TextChoices):
    COVER = "cover", "封面"
    PHOTO = "photo", "活动照片"
    DOCUMENT = "document", "文件"


class ActivityFile(filestore.StoredFileFields):
    """The cover, photos and documents of an activity (checked by ``core/uploads``)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=16, choices=FileKind.choices, default=FileKind.PHOTO)
    file = models.FileField(upload_to=activity_file_path, max_length=200)
    preview = models.FileField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)  # hidden, kept

    class Meta:
        verbose_name = "活动照片和文件"
        ordering = ["id"]


class ParticipationTally(models.Model):
    """How many people of an enterprise unit took part in activities in a month (local time),
    the volunteer hours they served and the unit's headcount when counted: what the
    participation page reads instead of a year of sign-ups and every employee. Recounted a month
    at a time by ``participation.recount`` (decision 0029)."""

    unit = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    participants = models.PositiveIntegerField(default=0)  # distinct people
    hours = models.DecimalField(max_digits=10, decimal_places=1, default=Decimal(0))
    headcount = models.PositiveIntegerField(default=0)  # employees in work at the recount

    class Meta:
        verbose_name = "活动参与月度统计"
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="participation_tally_once")
        ]
        indexes = [
            models.Index(
                fields=["month"],
                include=["unit", "participants", "hours", "headcount"],
                name="participation_month_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.participants}"


class OrderStatus(models.TextChoices):
    OPEN = "open", "待接单"
    CLAIMED = "claimed", "已接单"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已撤销"


class ServiceOrder(models.Model):
    """群众点单·党员接单: a 求助/诉求 voice turned by a mass-work admin into a service need that
    volunteers, team leaders and organisers in scope see and claim once; the claim creates the
    activity, whose confirmed hours answer the voice (``orders``). The voice's deadlines run on."""

    voice = models.ForeignKey(
        "voices.Voice", verbose_name="群众呼声", on_delete=models.PROTECT, related_name="orders"
    )
    # whose volunteers, teams and organisers see it: people whose organisations lie under it
    org = models.ForeignKey(
        "orgs.Org", verbose_name="需求范围", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("需求名称", max_length=100)
    # What volunteers read: written by the admin, without the person's details
    description = models.TextField("服务内容")
    place = models.CharField("服务地点", max_length=200, blank=True)
    service_type = models.CharField("服务类别", max_length=50, blank=True)
    people_needed = models.PositiveSmallIntegerField(
        "需要人数", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    wanted_by = models.DateTimeField("希望完成时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发布时间", default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接单人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_at = models.DateTimeField("接单时间", null=True, blank=True)
    activity = models.OneToOneField(
        Activity,
        verbose_name="服务活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_order",
    )
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)  # the voice, by it
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "服务需求"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["voice"],
                condition=~models.Q(status="cancelled"),
                name="service_order_once_per_voice",
            )
        ]
        indexes = [
            models.Index(fields=["org", "status"], name="order_board_idx"),
            models.Index(fields=["created_at"], name="order_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title
