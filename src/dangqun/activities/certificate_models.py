"""志愿服务证明 (issue #16 §2, decision 0027): what is kept of an issued certificate is what
verifying it needs — the person, the period, the hours, the issuing organisation, when, and a
keyed hash of its code. The PDF is rendered again from the append-only hours rows entered up to
``issued_at``; the code itself is kept only encrypted, so the holder can download it again.

A certificate is never deleted: it is withdrawn (作废), by whoever may issue it or, on its own,
when a correction leaves fewer confirmed hours in its period than it states; the public page then
says so.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Covers(models.TextChoices):
    ISSUER = "issuer", "本组织（含下级）组织的活动"
    ALL = "all", "全部已确认的志愿服务"


class Certificate(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name="志愿者", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    hours = models.DecimalField("志愿服务时长（小时）", max_digits=8, decimal_places=1)
    issuer = models.ForeignKey(
        "orgs.Org", verbose_name="出具组织", on_delete=models.PROTECT, related_name="+"
    )
    # Which hours it counts: those of activities the issuer's sub-tree runs (an organiser
    # issued it), or every confirmed hour (the person asked for their own).
    covers = models.CharField("证明范围", max_length=8, choices=Covers.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_encrypted = models.TextField(editable=False)
    withdrawn_at = models.DateTimeField("作废时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "志愿服务证明"
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["person", "issued_at"], name="certificate_person_idx"),
            models.Index(fields=["issuer", "issued_at"], name="certificate_issuer_idx"),
        ]

    def __str__(self) -> str:
        return f"志愿服务证明 {self.pk}"

    @property
    def valid(self) -> bool:
        return self.withdrawn_at is None
