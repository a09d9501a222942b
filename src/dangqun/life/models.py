"""组织生活: the meetings a branch (or a union or league organisation) holds — 三会一课, 主题党日,
组织生活会, 民主评议, 谈心谈话 — who was expected, who came, what was decided, and the record.

A meeting is planned (from the cadence rules, or by hand), held, then its minutes are finalised:
finalised minutes never change again; a later correction is an ``Addendum`` with its author and time.
Who is expected is derived from the organisation when the meeting is planned (full and
probationary members) and kept, so a later transfer does not rewrite who should have come.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangqun.core import filestore


class Kind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支部委员会会议"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    APPRAISAL = "appraisal", "民主评议党员"
    HEART_TALK = "heart_talk", "谈心谈话"
    UNION_MEETING = "union_meeting", "工会会议"
    LEAGUE_MEETING = "league_meeting", "团组织生活"


class Status(models.TextChoices):
    PLANNED = "planned", "计划中"
    HELD = "held", "已召开"
    FINALISED = "finalised", "记录已定稿"
    CANCELLED = "cancelled", "已取消"


class Meeting(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    topic = models.CharField("主题", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.ForeignKey(
        "people.Person",
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "people.Person",
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True)
    decisions = models.TextField("决议事项", blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PLANNED)
    planned = models.BooleanField("来自年度计划", default=False)
    held_at = models.DateTimeField("登记召开时间", null=True, blank=True)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Fixed when the minutes are finalised (attendance cannot change after): the radar sums these
    # instead of reading every attendance row of a year.
    expected_count = models.PositiveIntegerField("应到人数", null=True, blank=True)
    present_count = models.PositiveIntegerField("实到人数", null=True, blank=True)
    # A random value in the rotating check-in code: a code can't be computed from the meeting's id.
    checkin_secret = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "组织生活"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_at"], name="meeting_org_idx"),
            models.Index(fields=["kind", "starts_at"], name="meeting_kind_idx"),
            # A 党委's radar reads a span of time across thousands of branches.
            models.Index(
                fields=["starts_at"], include=["org", "kind", "status"], name="meeting_time_idx"
            ),
            models.Index(
                fields=["org"], condition=models.Q(status="held"), name="meeting_held_idx"
            ),
            # 待召开 on the 工作台 counts a scope's planned meetings from this index alone
            models.Index(
                fields=["org"], condition=models.Q(status="planned"), name="meeting_planned_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.topic}"

    @property
    def is_finalised(self) -> bool:
        return self.status == Status.FINALISED


class MeetingTally(models.Model):
    """How many meetings of a kind an organisation held in a month (local time), with the
    attendance of those finalised: what a 党委's radar reads instead of a year of meetings. Kept
    by ``tally.refresh`` whenever a meeting is held, moved or finalised (decision 0013)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    month = models.DateField()  # its first day
    held = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(default=0)  # of finalised meetings only
    present = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "组织生活月度统计"
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "month"], name="meeting_tally_once")
        ]
        indexes = [
            models.Index(
                fields=["month"],
                include=["org", "kind", "held", "expected", "present"],
                name="meeting_tally_month_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.kind} {self.month:%Y-%m} {self.held}"


class Role(models.TextChoices):
    MEMBER = "member", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    GUEST = "guest", "列席"


class Presence(models.TextChoices):
    EXPECTED = "expected", "应到"
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class Attendee(models.Model):
    """One person expected at (or attending) a meeting. Only full members vote."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("身份", max_length=16, choices=Role.choices, default=Role.MEMBER)
    presence = models.CharField(
        "出席情况", max_length=16, choices=Presence.choices, default=Presence.EXPECTED
    )
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    by_code = models.BooleanField("扫码签到", default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "参会人员"
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendee_once")]
        indexes = [models.Index(fields=["person", "meeting"], name="attendee_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_presence_display()}"

    @property
    def votes(self) -> bool:
        return self.role == Role.MEMBER


class Addendum(models.Model):
    """A correction or addition to finalised minutes: the minutes themselves never change."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField("补充说明")

    class Meta:
        verbose_name = "会议记录补充"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.at:%Y-%m-%d}"


def meeting_file_path(instance, filename: str) -> str:
    return filestore.random_path("life", instance.extension)


class MeetingFile(filestore.StoredFileFields):
    """A photo or document of a meeting. Added and removed freely until the minutes are
    finalised; after that a file comes only with an ``Addendum`` and is never removed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    addendum = models.ForeignKey(
        Addendum, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(upload_to=meeting_file_path, max_length=200)
    preview = models.FileField(max_length=200, blank=True)  # of a photo: a small JPEG
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "会议照片和附件"
        ordering = ["id"]


class Vote(models.Model):
    """A motion put to the vote at a meeting, with the counts of voting members (full members)
    fixed when it was recorded, so the result stays as it was decided (rule ``life.quorum``)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    motion = models.CharField("表决事项", max_length=200)
    yes = models.PositiveIntegerField("赞成")
    no = models.PositiveIntegerField("反对")
    abstain = models.PositiveIntegerField("弃权")
    voting_expected = models.PositiveIntegerField("应到会有表决权人数")
    voting_present = models.PositiveIntegerField("实到会有表决权人数")
    quorate = models.BooleanField("可以表决")
    passed = models.BooleanField("通过")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "表决"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.motion}：{'通过' if self.passed else '未通过'}"


# 民主评议党员 (rules life.appraisal, life.peer_rating) ------------------------------------------------------------
class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class Appraisal(models.Model):
    """The 民主评议 held at an appraisal meeting: self-assessments, secret peer ratings, and the
    grade the branch decides. Peer ratings are kept only as counts (``GradeCount``): no row links
    a rater to a rating, so nobody — not even the database — can tell who rated whom."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="appraisal")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "民主评议"

    def __str__(self) -> str:
        return f"民主评议 {self.meeting_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SelfAssessment(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="selves")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("个人自评")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "person"], name="self_assessment_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} 自评"


class Rater(models.Model):
    """That a person has handed in their peer ratings (once), and nothing of what they were."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="raters")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appraisal", "person"], name="rate_once")]

    def __str__(self) -> str:
        return f"{self.person_id} 已互评"


class GradeCount(models.Model):
    """How many peers gave ``person`` this grade: the only record of the ratings."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="counts")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=16, choices=Grade.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "person", "grade"], name="grade_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.grade} {self.count}"


class Outcome(models.Model):
    """The grade the branch decided for a member, after seeing the counts."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="outcomes")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    grade = models.CharField("评定等次", max_length=16, choices=Grade.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appraisal", "person"], name="outcome_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_grade_display()}"


class Standing(models.Model):
    """A member's organisation-life standing, recomputed from their finalised attendance whenever
    a meeting they were expected at is finalised: when they last came, since when they have been
    expected, and how many meetings in a row they missed without leave. Stored because a 党委's
    radar looks at 100,000 members at once (rules life.absence_streak, life.no_life)."""

    person = models.OneToOneField(
        "people.Person", primary_key=True, on_delete=models.CASCADE, related_name="life_standing"
    )
    first_expected_at = models.DateTimeField()
    last_present_at = models.DateTimeField(null=True, blank=True)
    absent_streak = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "组织生活参加情况"
        indexes = [
            models.Index(fields=["absent_streak"], name="standing_streak_idx"),
            models.Index(fields=["last_present_at"], name="standing_present_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} 连续缺席 {self.absent_streak}"
