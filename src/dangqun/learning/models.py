"""学习培训's one 学时 ledger (issue #17 §4): every hour of study a member earns is one
``LedgerEntry`` naming its source — a 党课 or 主题党日 attended (from 组织生活), a class completed,
confirmed external training, an exam passed, self-study when enabled. Entries are derived from
their sources and kept in step with them (``ledger.sync``), never typed in here, and checked
nightly. ``Standing`` keeps each member's year (done, required) for the overviews."""

from __future__ import annotations

from django.db import models


class Source(models.TextChoices):
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    CLASS = "class", "培训班"
    EXTERNAL = "external", "外出培训"
    EXAM = "exam", "考试"
    SELF_STUDY = "self_study", "自学"


class LedgerEntry(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    source_id = models.PositiveBigIntegerField("来源编号")
    year = models.PositiveSmallIntegerField("年度")
    on = models.DateField("日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    title = models.CharField("内容", max_length=200)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name="组织单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "学时记录"
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id", "person"], name="ledger_entry_once"
            )
        ]
        indexes = [models.Index(fields=["person", "year", "on"], name="ledger_person_year_idx")]

    def __str__(self) -> str:
        return f"{self.title} {self.hours} 学时"


class Standing(models.Model):
    """A member's year: 学时 done and required (rule ``learning.requirement``), and their party
    branch, for the overviews; recomputed whenever the ledger or the member's posts change."""

    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    branch = models.ForeignKey(
        "orgs.Org", verbose_name="所在党支部", on_delete=models.CASCADE, related_name="+"
    )
    done = models.DecimalField("已完成学时", max_digits=6, decimal_places=1)
    required = models.DecimalField("应完成学时", max_digits=6, decimal_places=1)
    leader = models.BooleanField("书记或委员", default=False)
    # the party profile's 离开日期 (first day off) when the member left: this year's overview
    # counts those still here without reading every person (kept by ``ledger.refresh``)
    left_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        verbose_name = "年度学时"
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="learning_standing_once")
        ]
        indexes = [models.Index(fields=["year", "branch"], name="learning_standing_branch_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.done}/{self.required}"

    @property
    def short(self):
        return max(self.required - self.done, 0)


# the models of training classes and external training live in their own module (issue #17 §1)
from dangqun.learning.class_models import (  # noqa: E402, F401
    Attendance,
    ClassSession,
    Enrolment,
    ExternalProof,
    ExternalTraining,
    TrainingClass,
)

# the question bank and exams (issue #17 §3) live in their own module
from dangqun.learning.exam_models import (  # noqa: E402, F401
    Answer,
    Attempt,
    Exam,
    Paper,
    PaperItem,
    Question,
)
from dangqun.learning.material_models import (  # noqa: E402, F401  (issue #17 §2)
    Material,
    MaterialFile,
    MaterialKind,
    MaterialStatus,
    Study,
    Tag,
)
