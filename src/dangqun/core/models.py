"""Shared models: the append-only audit log, local rule overrides and the working calendar's
site adjustments."""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guarded behaviour
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):  # pragma: no cover - guarded behaviour
        raise PermissionError("审计日志只能追加，不能删除")


class AuditLog(models.Model):
    """One row per change, export or sensitive read. Append-only."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=36, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计日志"
        # Written with every change: exact-match columns get plain indexes (PostgreSQL adds a
        # LIKE index to each CharField with db_index); the action keeps both for its prefix
        # search.
        indexes = [
            models.Index(fields=["object_id"], name="audit_object_id_idx"),
            models.Index(fields=["request_id"], name="audit_request_id_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")


class RuleOverride(models.Model):
    """This enterprise's variant of a national rule: other parameters, or switched off."""

    rule_id = models.CharField("规则编号", max_length=64, unique=True)
    params = models.JSONField("参数", default=dict, blank=True)
    enabled = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    changed_at = models.DateTimeField("修改时间", auto_now=True)

    CACHE_KEY = "dangqun:rule-overrides"

    class Meta:
        verbose_name = "规则本地参数"

    def __str__(self):
        return self.rule_id

    @classmethod
    def cached(cls) -> dict[str, "RuleOverride"]:
        overrides = cache.get(cls.CACHE_KEY)
        if overrides is None:
            overrides = {o.rule_id: o for o in cls.objects.all()}
            cache.set(cls.CACHE_KEY, overrides, 300)
        return overrides


@receiver([post_save, post_delete], sender=RuleOverride)
def _forget_cached_overrides(sender, **kwargs):
    """A saved or deleted override applies at once (queryset deletes send this signal too)."""
    cache.delete(RuleOverride.CACHE_KEY)


class CalendarDay(models.Model):
    """A date that differs from the shipped holiday calendar: an added holiday or working day."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        db_table = "voices_calendarday"  # first kept by 群众呼声; the table keeps its name
        verbose_name = "工作日历调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"
