"""Forms of 发展党员: open a case, record a step (with what that step decides), a vote, an
assessment, an extension of probation, closing a case."""

from django import forms
from django.utils import timezone

from dangqun.core import uploads
from dangqun.core.forms import AttachmentsField, CheckedForm
from dangqun.development.services import MAX_TEXT
from dangqun.life.models import Meeting
from dangqun.orgs.models import Org
from dangqun.people.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILES_HELP = (
    f"入党申请书、谈话记录、考察材料、政审结论、入党志愿书等：{uploads.LABELS}，一次最多 "
    f"{uploads.MAX_FILES} 个，每个不超过 {uploads.max_bytes() // (1024 * 1024)} MB；归档后不能删除"
)


def _today():
    return timezone.localdate()


class OpenForm(CheckedForm):
    branch = forms.ModelChoiceField(label="党支部", queryset=Org.objects.none())
    employee_no = forms.CharField(label="申请人工号", max_length=30)
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE, initial=_today)
    note = forms.CharField(
        label="情况说明", max_length=MAX_TEXT, required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, branches=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches if branches is not None else Org.objects.none()
        self.people = people if people is not None else Person.objects.none()

    def clean_employee_no(self):
        number = self.cleaned_data["employee_no"].strip()
        person = self.people.filter(employee_no=number).first()
        if person is None:
            raise forms.ValidationError("找不到该工号的人员，或不在您的管理范围内")
        return person


class StepForm(CheckedForm):
    """The date and note of a step, and the fields only some steps have (``for_step``)."""

    on = forms.DateField(label="日期", widget=DATE, initial=_today)
    people = forms.ModelMultipleChoiceField(
        label="人员", queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    conclusion = forms.CharField(
        label="政治审查结论", max_length=MAX_TEXT, widget=forms.Textarea({"rows": 2})
    )
    qualified = forms.TypedChoiceField(
        label="政审结果",
        choices=[("1", "合格"), ("0", "不合格")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    days = forms.DecimalField(label="培训天数", min_value=0, max_digits=4, decimal_places=1)
    hours = forms.IntegerField(label="培训学时", min_value=0, required=False)
    approved = forms.TypedChoiceField(
        label="审批结果",
        choices=[("1", "批准"), ("0", "不批准")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="情况说明", max_length=MAX_TEXT, required=False, widget=forms.Textarea({"rows": 2})
    )
    files = AttachmentsField(label="材料（可不传）", help_text=FILES_HELP)

    FIELDS = {5: {"people"}, 9: {"people"}, 10: {"conclusion", "qualified"}}
    FIELDS |= {11: {"days", "hours"}, 17: {"approved"}, 24: {"approved"}}

    def __init__(self, *args, number: int, members=None, **kwargs):
        super().__init__(*args, prefix=f"s{number}", **kwargs)
        keep = {"on", "note", "files"} | self.FIELDS.get(number, set())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "people" in self.fields:
            self.fields["people"].queryset = (
                members if members is not None else Person.objects.none()
            )
            self.fields["people"].label = "培养联系人" if number == 5 else "入党介绍人"
            self.fields["people"].error_messages["required"] = "请选择人员"
        if "days" in self.fields:
            self.fields["days"].required = False

    def clean_days(self):
        days = self.cleaned_data.get("days")
        return float(days) if days is not None else 0


class FilesForm(CheckedForm):
    files = AttachmentsField(label="补充材料", required=True, help_text=FILES_HELP)


class VoteForm(CheckedForm):
    meeting = forms.ModelChoiceField(
        label="支部党员大会（组织生活中已登记的）",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="（未登记，手工填写日期和人数）",
        help_text="选择后，日期和应到、实到的有表决权党员人数取自会议的出席登记",
    )
    held_on = forms.DateField(label="支部大会日期", widget=DATE, required=False)
    expected = forms.IntegerField(label="应到会有表决权的党员", min_value=0, required=False)
    present = forms.IntegerField(label="实到会有表决权的党员", min_value=0, required=False)
    written = forms.IntegerField(label="会前书面意见", min_value=0, initial=0)
    yes = forms.IntegerField(label="赞成", min_value=0)
    no = forms.IntegerField(label="反对", min_value=0, initial=0)
    abstain = forms.IntegerField(label="弃权", min_value=0, initial=0)

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            meetings if meetings is not None else Meeting.objects.none()
        )
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{timezone.localtime(m.starts_at):%Y-%m-%d} {m.topic}"
        )


class AssessForm(CheckedForm):
    on = forms.DateField(label="考察日期", widget=DATE, initial=_today)
    text = forms.CharField(
        label="考察意见", max_length=MAX_TEXT, widget=forms.Textarea({"rows": 3})
    )


class ExtendForm(CheckedForm):
    months = forms.IntegerField(label="延长（月）", min_value=1, max_value=24, initial=6)
    on = forms.DateField(label="支部大会决定日期", widget=DATE, initial=_today)
    reason = forms.CharField(label="原因", max_length=200)


class CloseForm(CheckedForm):
    on = forms.DateField(label="日期", widget=DATE, initial=_today)
    reason = forms.CharField(label="终止原因", max_length=200)


class QuotaForm(CheckedForm):
    quota = forms.IntegerField(label="计划发展人数", min_value=0)
    note = forms.CharField(label="说明", max_length=200, required=False)
