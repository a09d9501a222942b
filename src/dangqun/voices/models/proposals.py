"""职工代表大会: a congress, its representatives, and the seconders asked to back a proposal."""

from django.db import models
from django.utils import timezone


class Congress(models.Model):
    """A 职工代表大会 (one 届): its representatives are the only ones who propose and second."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="召开单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=100)
    starts_on = models.DateField("本届起始日期")
    ends_on = models.DateField("本届届满日期", null=True, blank=True)
    accepting = models.BooleanField("正在征集提案", default=True)

    class Meta:
        verbose_name = "职工代表大会"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """A 职工代表 of one congress and the 代表团 (unit) that elected them."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="representatives")
    person = models.ForeignKey(
        "people.Person", verbose_name="代表", on_delete=models.PROTECT, related_name="+"
    )
    delegation = models.ForeignKey(
        "orgs.Org", verbose_name="代表团", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "职工代表"
        ordering = ["delegation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "person"], name="representative_once")
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.delegation.name}）"


class Seconder(models.Model):
    """A representative asked to second (附议) a proposal, and what they said."""

    class Answer(models.TextChoices):
        INVITED = "invited", "待附议"
        SECONDED = "seconded", "已附议"
        DECLINED = "declined", "不附议"

    voice = models.ForeignKey("Voice", on_delete=models.CASCADE, related_name="seconders")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=16, choices=Answer.choices, default=Answer.INVITED)
    on_paper = models.BooleanField("纸质签名", default=False)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["voice", "person"], name="second_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_answer_display()}"
