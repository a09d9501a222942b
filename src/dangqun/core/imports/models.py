"""What every import job keeps; each import's job model extends it (no table of its own)."""

from django.conf import settings
from django.db import models


class ImportJobFields(models.Model):
    """What every import job keeps (people's ``people.ImportJob``, 群众呼声's
    ``voices.VoiceImportJob``): the stored upload, the option, the status and progress the page
    polls, the counts and errors."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        VALIDATING = "validating", "校验中"
        INVALID = "invalid", "有错误，未导入"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=200)
    stored_file = models.CharField(max_length=300, editable=False)
    valid_rows_only = models.BooleanField("仅导入无误的行", default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default="pending")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def running(self) -> bool:
        """Still queued, checking or writing: the page keeps polling."""
        return self.status in (
            self.Status.PENDING,
            self.Status.VALIDATING,
            self.Status.IMPORTING,
        )

    @property
    def has_error_file(self) -> bool:
        """Finished with row errors: the page and the API offer the error file (until the nightly
        sweep deletes it and clears ``stored_file``, ``files.sweep_error_files``)."""
        return self.had_error_file and bool(self.stored_file)

    @property
    def had_error_file(self) -> bool:
        return self.status in (self.Status.INVALID, self.Status.DONE) and bool(self.errors)
