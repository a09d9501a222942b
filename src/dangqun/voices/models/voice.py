"""A voice and its history: what an employee raised, who acts on it, by when, what was answered
and how the person rated it; each change is a ``VoiceEvent``, files are ``Attachment`` rows."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from dangqun.core import filestore
from dangqun.orgs.models import company_id_of
from dangqun.voices.models.choices import (
    OPEN_STATUSES,
    Channel,
    Identity,
    Kind,
    Rating,
    Status,
    Urgency,
)


class Category(models.Model):
    """A kind of matter (食堂, 班车, 薪酬…) and the unit that handles it by default."""

    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    handling_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urgency = models.CharField(
        "默认紧急程度", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "呼声类别"
        ordering = ["parent_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="voice_category_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Voice(models.Model):
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.SUGGESTION)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices, default=Channel.WEB)
    identity = models.CharField(
        "身份方式", max_length=16, choices=Identity.choices, default=Identity.NAMED
    )
    title = models.CharField("标题", max_length=100)
    # The title was made from the content's first sentence (an imported row had none).
    title_derived = models.BooleanField("标题由内容生成", default=False)
    content = models.TextField("内容")
    category = models.ForeignKey(
        Category,
        verbose_name="类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voices",
    )
    urgency = models.CharField(
        "紧急程度", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # The unit the voice comes from (the poster's unit for a QR code): not identifying.
    unit = models.ForeignKey(
        "orgs.Org",
        verbose_name="反映单位",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # voice_unit_idx leads with it
    )
    handling_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # voice_handling_idx leads with it
    )
    # The company ``unit`` counts for (``Org.company``), fixed when the voice is raised as a survey
    # answer's unit is: what 三率 by company and the satisfaction index read (``tally``).
    company = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # voice_handler_idx, set voices only
    )
    # Who raised it: empty for 匿名. 保密 keeps it, shown to mass-work admins only.
    person = models.ForeignKey(
        "people.Person",
        verbose_name="反映人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voices",
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    query_code_hash = models.CharField(max_length=64, editable=False)  # unique: Meta
    # Where an intake channel got it: an e-mail's Message-ID, so ingesting the same mailbox twice
    # creates nothing twice. Empty (NULL) for voices entered here.
    # A 职代会提案 belongs to one congress; every other kind leaves it empty.
    congress = models.ForeignKey(
        "Congress",
        verbose_name="职代会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        db_index=False,  # voice_congress_idx, proposals only
    )
    external_id = models.CharField(
        "外部编号", max_length=255, null=True, blank=True, editable=False
    )  # unique: Meta

    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        db_index=False,  # voice_merged_idx, merged voices only
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    response_due = models.DateTimeField("响应时限", null=True, blank=True)
    resolution_due = models.DateTimeField("办结时限", null=True, blank=True)
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Working hours from 交办 to 响应 and to 答复, fixed when they happen (as deadlines are): the
    # medians of 三率 are then one aggregate, not a calendar walk over every voice of a period.
    response_hours = models.FloatField("响应用时（工作小时）", null=True, blank=True)
    resolution_hours = models.FloatField("答复用时（工作小时）", null=True, blank=True)
    answer = models.TextField("答复", blank=True)
    solved = models.BooleanField("问题已解决", null=True, blank=True)
    rating = models.CharField("评价", max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    reopened = models.BooleanField("已回访重办", default=False)
    public = models.BooleanField("公开答复", default=False)
    # What all employees read once published: edited by an admin to remove personal details.
    public_title = models.CharField("公开的标题", max_length=100, blank=True)
    public_content = models.TextField("公开的反映内容", blank=True)
    public_answer = models.TextField("公开的答复", blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    class Meta:
        verbose_name = "群众呼声"
        ordering = ["-submitted_at", "-id"]
        # Every index is written on every submission (issue #15 §5): exact-match codes are
        # unique constraints without PostgreSQL's extra LIKE index, a foreign key that leads a
        # composite index has none of its own, and columns a new voice leaves empty are
        # indexed only where set.
        constraints = [
            models.UniqueConstraint(fields=["query_code_hash"], name="voice_query_code_uniq"),
            models.UniqueConstraint(fields=["external_id"], name="voice_external_id_uniq"),
        ]
        indexes = [
            models.Index(
                fields=["handler"],
                condition=models.Q(handler__isnull=False),
                name="voice_handler_idx",
            ),
            models.Index(
                fields=["congress"],
                condition=models.Q(congress__isnull=False),
                name="voice_congress_idx",
            ),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="voice_merged_idx",
            ),
            models.Index(fields=["status", "handling_org"], name="voice_inbox_idx"),
            models.Index(fields=["unit", "submitted_at"], name="voice_unit_idx"),
            models.Index(fields=["handling_org", "submitted_at"], name="voice_handling_idx"),
            # Hot topics of a period read its voices' ids from this index alone (decisions/0023).
            models.Index(
                fields=["submitted_at"],
                include=["id", "unit", "handling_org"],
                name="voice_submitted_idx",
            ),
            # Open voices are about one in a hundred: the overdue filter and the live part of
            # 三率 (responses late right now) read them from this index alone, newest first.
            models.Index(
                fields=["-submitted_at"],
                include=[
                    "status",
                    "response_due",
                    "resolution_due",
                    "responded_at",
                    "unit",
                    "handling_org",
                    "user",
                    "category",
                    "channel",
                    "kind",
                ],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="voice_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        """Save and keep the monthly tallies of 三率 current (``tally``), in one transaction."""
        # import here: tally imports these models
        from dangqun.voices import tally

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not tally.counts_on(self, update_fields):
            return super().save(*args, **kwargs)  # e.g. 公开答复: nothing 三率 count changes
        # no savepoint: a failure here fails the caller's transaction anyway (two round trips
        # fewer for every voice written)
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            before = None if self._state.adding or not self.pk else tally.stored_state(self.pk)
            unit_saved = update_fields is None or {"unit", "unit_id"} & set(update_fields)
            moved = unit_saved and before is not None and before["unit_id"] != self.unit_id
            if self.unit_id is not None and (self.company_id is None or moved):
                self.company_id = company_id_of(self.unit_id)
                if update_fields is not None:
                    kwargs["update_fields"] = update_fields = [*update_fields, "company"]
            super().save(*args, **kwargs)
            tally.record(before, tally.state_of(self, before, update_fields))

    def delete(self, *args, **kwargs):
        # import here: tally imports these models
        from dangqun.voices import tally

        with transaction.atomic(using=kwargs.get("using")):
            before = tally.stored_state(self.pk)
            result = super().delete(*args, **kwargs)
            tally.record(before, None)
        return result

    @property
    def number(self) -> str:
        return f"HS{self.submitted_at:%Y}{self.pk or 0:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def handled_again(self) -> bool:
        """Reopened after 不满意 and not answered again yet: the answer on file is the one the
        person rejected, not a result."""
        return self.reopened and self.is_open

    @property
    def rating_of_earlier_answer(self) -> bool:
        """The rating on file was given to an earlier answer (the voice was reopened and has
        been answered or handled since)."""
        if not (self.reopened and self.rating):
            return False
        return self.handled_again or bool(
            self.rated_at and self.answered_at and self.rated_at < self.answered_at
        )

    def overdue(self, now=None) -> str:
        """ "" when on time; otherwise which promise is broken (derived, never stored)."""
        now = now or timezone.now()
        if self.status == Status.ASSIGNED and self.response_due and now > self.response_due:
            return "响应超时"
        if self.is_open and self.resolution_due and now > self.resolution_due:
            return "办理超时"
        return ""


class VoiceEvent(models.Model):
    """One step in a voice's history, shown on its page (and, without names, to the person)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        ASSIGN = "assign", "受理交办"
        TRANSFER = "transfer", "转办"
        RETURN = "return", "不予受理"
        MERGE = "merge", "合并"
        RESPOND = "respond", "响应"
        SEND_BACK = "send_back", "退回重新交办"
        ASK_INFO = "ask_info", "请求补充"
        ADD_INFO = "add_info", "补充信息"
        ASK_EXTENSION = "ask_extension", "申请延期"
        EXTENSION_APPROVED = "extension_ok", "延期已批准"
        EXTENSION_REFUSED = "extension_no", "延期未批准"
        ANSWER = "answer", "答复"
        RATE = "rate", "评价"
        REOPEN = "reopen", "回访重办"
        CLOSE = "close", "办结"
        SUPERVISE = "supervise", "督办"
        SECOND = "second", "附议"
        DECLINE_SECOND = "decline_second", "不附议"
        INVITE = "invite", "邀请附议"
        ESCALATE = "escalate", "超时上报"

    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=50, blank=True)  # "反映人", or the handler's unit
    org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    due = models.DateTimeField(null=True, blank=True)  # a requested or granted new deadline
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        """The actor as the voice's page shows it: a name for staff, "反映人" for the person."""
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.actor_label


def attachment_path(instance, filename: str) -> str:
    return filestore.random_path("voices", instance.extension)


class Attachment(filestore.StoredFileFields):
    """A file added to a voice (by the person, or with the answer), checked by its content and
    stored under a random name outside the web root; served only to those who may see the voice."""

    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        VoiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)

    class Meta:
        verbose_name = "附件"
        ordering = ["id"]


class Follow(models.Model):
    """我也关注: an employee says a published voice matters to them too (once each)."""

    voice = models.ForeignKey(Voice, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["voice", "user"], name="voice_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} 关注 {self.voice_id}"
