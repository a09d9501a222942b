"""发展党员: a case per applicant from 入党申请书 to 材料归档 (domain-rules §3). Each step done is a
``StepRecord`` with its date, who recorded it, what it decided and its documents; the people on a
case (培养联系人, 入党介绍人), the half-yearly assessments, the 支部大会 votes and an extension of
probation are kept beside it.

Stage, deadlines and warnings are derived from these dated facts (``checks``). ``Case.step`` (the
last step done) and ``Case.next_due_on`` are kept by the services for the pipeline board, which
counts thousands of cases at once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangqun.core import filestore


class Status(models.TextChoices):
    ACTIVE = "active", "培养考察中"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "已转正"
    CLOSED = "closed", "已终止"


OPEN = (Status.ACTIVE, Status.PROBATIONARY)


class Case(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name="申请人", on_delete=models.PROTECT, related_name="cases"
    )
    branch = models.ForeignKey(
        "orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="cases"
    )
    applied_on = models.DateField("递交入党申请书日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    step = models.PositiveSmallIntegerField("已完成步骤", default=1)
    admitted_on = models.DateField("支部大会通过接收日期", null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    # The nearest deadline still open, for the board (recomputed by the services).
    next_due_on = models.DateField("最近期限", null=True, blank=True)
    next_due = models.CharField("最近期限事项", max_length=100, blank=True)
    closed_on = models.DateField("终止日期", null=True, blank=True)
    closed_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "发展党员"
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["active", "probationary"]),
                name="one_open_case_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["branch", "status", "step"], name="case_board_idx"),
            models.Index(
                fields=["next_due_on"],
                condition=models.Q(status__in=["active", "probationary"]),
                name="case_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} 发展党员"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class StepRecord(models.Model):
    """One of the 25 steps done: when, by whom (and for which organisation), with what result."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    number = models.PositiveSmallIntegerField("步骤")
    done_on = models.DateField("日期")
    org = models.ForeignKey(
        "orgs.Org", verbose_name="办理组织", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField("情况说明", blank=True)
    # What the step decided: e.g. {"conclusion": "合格"} for 政审, {"days": 3, "hours": 24} for
    # 集中培训, {"approved": true} for an approval.
    details = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "发展党员步骤"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="step_once_per_case")
        ]
        indexes = [
            # a year's admissions (step 17) by day for the plan and the 工作台, whatever the cases
            models.Index(fields=["number", "done_on"], include=["case"], name="step_number_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} 第 {self.number} 步"


class Helper(models.Model):
    """A 培养联系人 or 入党介绍人 of the case: a full member when chosen."""

    class Role(models.TextChoices):
        CONTACT = "contact", "培养联系人"
        INTRODUCER = "introducer", "入党介绍人"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="helpers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("身份", max_length=16, choices=Role.choices)
    since = models.DateField("指定日期")

    class Meta:
        verbose_name = "培养联系人和入党介绍人"
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="helper_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_role_display()} {self.person_id}"


class Assessment(models.Model):
    """A half-yearly assessment of an 积极分子 or 发展对象 (step 6), or of a 预备党员 (step 21)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    step = models.PositiveSmallIntegerField("步骤")  # 6 or 21
    done_on = models.DateField("考察日期")
    text = models.TextField("考察意见")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "考察"
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} 考察 {self.done_on}"


class BranchVote(models.Model):
    """The 支部大会's vote on a case (step 15: admission; step 23: 转正), counted by the rule
    ``development.branch_vote``: written opinions sent in advance count as votes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    step = models.PositiveSmallIntegerField("步骤")  # 15 or 23
    held_on = models.DateField("支部大会日期")
    meeting = models.ForeignKey(
        "life.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voting_expected = models.PositiveIntegerField("应到会有表决权党员")
    voting_present = models.PositiveIntegerField("实到会有表决权党员")
    written = models.PositiveIntegerField("书面意见", default=0)
    yes = models.PositiveIntegerField("赞成")
    no = models.PositiveIntegerField("反对")
    abstain = models.PositiveIntegerField("弃权")
    quorate = models.BooleanField("可以表决")
    passed = models.BooleanField("通过")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "支部大会表决"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} 第 {self.step} 步表决：{'通过' if self.passed else '未通过'}"


def case_file_path(instance, filename: str) -> str:
    return filestore.random_path("development", instance.extension)


class CaseFile(filestore.StoredFileFields):
    """A document of a step: the application, a talk record, the 政审 conclusion, the
    入党志愿书…"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    step = models.PositiveSmallIntegerField("步骤")
    file = models.FileField(upload_to=case_file_path, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "发展党员材料"
        ordering = ["step", "id"]


class Quota(models.Model):
    """A 党委's annual plan for developing members: how many it means to admit in a year."""

    org = models.ForeignKey("orgs.Org", verbose_name="党组织", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    quota = models.PositiveIntegerField("计划发展人数")
    note = models.CharField("说明", max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "年度发展计划"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="quota_once_a_year")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} 年计划发展 {self.quota} 名"
