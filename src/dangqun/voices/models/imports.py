"""An import of past voices as its owner follows it: the upload, the options, progress, the
names in the file that matched nothing here and what the owner mapped them to."""

from django.db import models

from dangqun.core.imports.models import ImportJobFields


class VoiceImportJob(ImportJobFields):
    """One upload of past voices, processed by a Huey task (``voices.import_run``); the page polls
    it. ``unknown`` lists the category and unit names that matched nothing (with the rows using
    them) while the job waits for ``mapping`` from its owner."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        VALIDATING = "validating", "校验中"
        MAPPING = "mapping", "待对应名称"
        INVALID = "invalid", "有错误，未导入"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    status = models.CharField(max_length=16, choices=Status.choices, default="pending")
    # Rows without 答复: history (True, never in 三率 or an inbox) or 待受理 to handle here.
    unanswered_as_history = models.BooleanField("无答复的行作为历史记录", default=True)
    # {"category": [{"name", "rows", "count"}], "unit": [...]}: names found in no record here
    unknown = models.JSONField(default=dict, blank=True)
    # {"category": {name: id, or 0 for none}, "unit": {name: id}}: the owner's answers
    mapping = models.JSONField(default=dict, blank=True)
    history_count = models.PositiveIntegerField(default=0)

    class Meta(ImportJobFields.Meta):
        verbose_name = "呼声导入任务"
