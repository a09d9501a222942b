"""Bindings of accounts to enterprise identities, message deliveries and a person's preference."""

from django.conf import settings
from django.db import models
from django.utils import timezone

PROVIDERS = [("wecom", "企业微信"), ("dingtalk", "钉钉"), ("oidc", "统一身份认证")]


class Binding(models.Model):
    """An account is this person in 企业微信 / 钉钉 / the OIDC server (their user id or ``sub``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bindings"
    )
    provider = models.CharField("来源", max_length=16, choices=PROVIDERS)
    external_id = models.CharField("对方用户标识", max_length=128)
    matched_by = models.CharField("首次匹配依据", max_length=16)
    created_at = models.DateTimeField("绑定时间", default=timezone.now)
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)

    class Meta:
        verbose_name = "第三方身份绑定"
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="binding_one_owner"),
            models.UniqueConstraint(fields=["user", "provider"], name="binding_one_per_provider"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_provider_display()}"


class Delivery(models.Model):
    """One message to one person about one event (a notice, a day's digest): the unique key is
    the idempotency key, so a retried or repeated task never sends the same thing twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)  # "notice:<id>" or "digest:<date>"
    provider = models.CharField(max_length=16, choices=PROVIDERS)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "消息推送"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="delivery_once_per_event")
        ]

    def __str__(self):
        return f"{self.key} → {self.user_id} ({self.status})"


class Preference(models.Model):
    """A person's choice: every notice as it happens (default), or one digest a day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference"
    )
    daily_digest = models.BooleanField("每日汇总", default=False)

    class Meta:
        verbose_name = "消息偏好"

    def __str__(self):
        return f"{self.user_id}: {'每日汇总' if self.daily_digest else '即时'}"
