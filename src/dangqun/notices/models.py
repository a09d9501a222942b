"""In-app notices (the bell): one row per recipient, read once, optionally also sent by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)  # e.g. "voice.assigned": what the notice is about
    title = models.CharField("内容", max_length=200)
    url = models.CharField(max_length=300, blank=True)
    # The same reminder (a voice's deadline, say) reaches each person once: periodic work may
    # run again, or twice at once, and still send nothing twice.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notice_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title
