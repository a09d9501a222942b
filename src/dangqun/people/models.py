"""People (every employee), their party membership profile, its events, and correction requests."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangqun.core import crypto, idnumber
from dangqun.core.imports.models import ImportJobFields


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "cpc", "中共党员"
    PROBATIONARY = "cpc_probationary", "中共预备党员"
    LEAGUE_MEMBER = "league", "共青团员"
    DEMOCRATIC_PARTY = "democratic", "民主党派成员"
    NON_PARTISAN = "nonpartisan", "无党派人士"
    MASSES = "masses", "群众"


PARTY_STATUSES = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR = "junior", "初中及以下"


class EmploymentStatus(models.TextChoices):
    ACTIVE = "active", "在职"
    RETIRED = "retired", "退休"
    LEFT = "left", "离职"


class PersonQuerySet(models.QuerySet):
    def search(self, text: str):
        """Name, pinyin initials or spelling, employee number, or the last digits of a phone."""
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit():
            query = models.Q(employee_no__startswith=text)
            if len(text) >= 4:
                query |= models.Q(phone__endswith=text)
            return self.filter(query)
        if text.isascii() and text.replace(" ", "").isalpha():
            return self.filter(
                models.Q(name_pinyin__contains=" " + text.lower().replace(" ", ""))
                | models.Q(employee_no__istartswith=text)
            )
        if text.isascii():
            return self.filter(employee_no__istartswith=text)
        return self.filter(name__contains=text)


class Person(models.Model):
    """An employee of the enterprise. Never deleted: leaving is an event with a date."""

    employee_no = models.CharField("工号", max_length=32, unique=True)
    name = models.CharField("姓名", max_length=50, db_index=True)
    name_pinyin = models.CharField("拼音检索", max_length=200, blank=True, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    id_number_encrypted = models.TextField("公民身份号码（加密）", blank=True, editable=False)
    id_number_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    id_number_masked = models.CharField("公民身份号码", max_length=18, blank=True, editable=False)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    unit = models.ForeignKey(
        "orgs.Org",
        verbose_name="所在单位",
        on_delete=models.PROTECT,
        related_name="employees",
        db_index=False,  # covered by the (unit, party_branch) index below
    )
    # A copy of party_profile.branch, written by the same services in the same transaction, so that
    # "who may see this person" is a predicate on this table alone (see docs/decisions/0005).
    party_branch = models.ForeignKey(
        "orgs.Org",
        verbose_name="所在党支部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Also copied from the profile (decisions/0005): true while the member's relation is here,
    # so "在册党员" filters and counts need no join.
    is_current_member = models.BooleanField("在册党员", default=False, editable=False)
    job_post = models.CharField("工作岗位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    union_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="所在工会组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="union_members",
    )
    league_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="所在团组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="league_members",
    )
    employment_status = models.CharField(
        "在职状态", max_length=16, choices=EmploymentStatus.choices, default="active"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "人员"
        ordering = ["employee_no"]
        indexes = [
            models.Index(fields=["unit", "party_branch"], name="person_scope_idx"),
            # "在册党员" lists and counts, by status: an index-only scan (decisions/0005)
            models.Index(
                fields=["is_current_member", "political_status"], name="person_member_idx"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.employee_no}）"

    def set_id_number(self, value: str) -> None:
        """Store an already validated ID number: encrypted, hashed for uniqueness, masked for display."""
        value = idnumber.normalise(value)
        if not value:
            self.id_number_encrypted = ""
            self.id_number_hash = None
            self.id_number_masked = ""
            return
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_hash = crypto.keyed_hash(value)
        self.id_number_masked = idnumber.mask(value)

    @property
    def phone_masked(self) -> str:
        """The phone number as lists show it; the full number needs ``reveal_phone``."""
        return idnumber.mask_phone(self.phone)

    def reveal_id_number(self) -> str:
        """The full number. Callers must check the permission and write an audit row."""
        return crypto.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    def copy_party_profile(self, profile: "PartyProfile | None") -> list[str]:
        """Mirror the profile's branch and standing onto the person (decisions/0005).

        Every writer of profiles calls this in the same transaction; returns the changed fields.
        """
        branch_id = profile.branch_id if profile is not None else None
        current = profile is not None and profile.left_on is None
        changed = []
        if self.party_branch_id != branch_id:
            self.party_branch_id = branch_id
            changed.append("party_branch")
        if self.is_current_member != current:
            self.is_current_member = current
            changed.append("is_current_member")
        return changed

    @property
    def is_party_member(self) -> bool:
        return self.political_status in PARTY_STATUSES


class MemberCategory(models.TextChoices):
    EMPLOYED = "employed", "在岗职工"
    MANAGEMENT = "management", "企业管理人员"
    TECHNICAL = "technical", "专业技术人员"
    WORKER = "worker", "工人"
    RETIRED = "retired", "离退休人员"
    OTHER = "other", "其他"


class Standing(models.TextChoices):
    NORMAL = "normal", "正常"
    SUSPENDED = "suspended", "停止党籍"


class LeftReason(models.TextChoices):
    TRANSFERRED_OUT = "transferred_out", "转出"
    EXPELLED = "expelled", "出党"
    DECEASED = "deceased", "去世"
    PROBATION_CANCELLED = "probation_cancelled", "取消预备党员资格"


class PartyProfile(models.Model):
    """A party member's record (the national 16 items live here and on Person)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="party_profile")
    branch = models.ForeignKey(
        "orgs.Org", verbose_name="所在党支部", on_delete=models.PROTECT, related_name="members"
    )
    joined_on = models.DateField("加入党组织日期")
    full_member_on = models.DateField("转为正式党员日期", null=True, blank=True)
    category = models.CharField(
        "人员类别", max_length=16, choices=MemberCategory.choices, default="employed"
    )
    standing = models.CharField(
        "党籍状态", max_length=16, choices=Standing.choices, default="normal"
    )
    lost_contact_on = models.DateField("失去联系日期", null=True, blank=True)
    floating_to = models.CharField("外出流向", max_length=100, blank=True)
    left_on = models.DateField("离开日期", null=True, blank=True)
    left_reason = models.CharField(
        "离开原因", max_length=20, choices=LeftReason.choices, blank=True
    )

    class Meta:
        verbose_name = "党员信息"
        indexes = [models.Index(fields=["branch", "left_on"])]

    def __str__(self):
        return f"{self.person.name} 党员信息"

    @property
    def is_lost_contact(self) -> bool:
        return self.lost_contact_on is not None

    @property
    def is_floating(self) -> bool:
        return bool(self.floating_to)

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    def is_full_member(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.full_member_on is not None and self.full_member_on <= on


class MemberEvent(models.Model):
    """A dated fact in a member's history: 转入, 转出, 内部调动, 出党, 去世, 停止/恢复党籍, 转正."""

    class Type(models.TextChoices):
        JOINED = "joined", "入党"
        CONFIRMED = "confirmed", "转正"
        TRANSFER_IN = "transfer_in", "转入"
        TRANSFER_OUT = "transfer_out", "转出"
        INTERNAL_MOVE = "internal_move", "内部调动"
        EXPELLED = "expelled", "出党"
        DECEASED = "deceased", "去世"
        SUSPENDED = "suspended", "停止党籍"
        RESTORED = "restored", "恢复党籍"
        LOST_CONTACT = "lost_contact", "失去联系"
        CONTACT_RESTORED = "contact_restored", "恢复联系"
        PROBATION_CANCELLED = "probation_cancelled", "取消预备党员资格"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="member_events")
    type = models.CharField("事件", max_length=20, choices=Type.choices)
    on = models.DateField("日期")
    from_branch = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_branch = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterpart = models.CharField("转往/转自组织", max_length=200, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    actor_name = models.CharField("登记人", max_length=150, blank=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "党员事件"

    def __str__(self):
        return f"{self.person.name} {self.get_type_display()} {self.on}"


class CorrectionRequest(models.Model):
    """A member asks to correct their record; the branch checks, the 基层党委 re-checks."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待支部审核"
        BRANCH_CHECKED = "branch_checked", "待党委复核"
        APPROVED = "approved", "已更正"
        REJECTED = "rejected", "已退回"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="corrections")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField("申请更正", help_text="{字段: 新值}")
    reason = models.CharField("理由", max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices, default="submitted")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField("审核意见", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "信息更正申请"

    def __str__(self):
        return f"{self.person.name} 更正申请"


class ImportJob(ImportJobFields):
    """An upload of people from xlsx/csv: validated first, then written, with progress."""

    class Meta(ImportJobFields.Meta):
        verbose_name = "导入任务"
