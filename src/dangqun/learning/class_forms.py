"""Forms of 培训班 and 外出培训: what an organiser fills in and what a member sends."""

from __future__ import annotations

from django import forms

from dangqun.core.forms import AttachmentsField, CheckedForm
from dangqun.core.ids import parse_id
from dangqun.learning import services
from dangqun.learning.class_models import DEFAULT_THRESHOLD, Enrol, ExternalKind
from dangqun.orgs.models import Org
from dangqun.people.audience import Who

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClassForm(CheckedForm):
    title = forms.CharField(label="培训班名称", max_length=100)
    org = forms.ModelChoiceField(label="主办组织", queryset=Org.objects.none())
    description = forms.CharField(
        label="培训内容", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    audience_who = forms.ChoiceField(label="参训对象", choices=Who.choices, initial=Who.MEMBERS)
    audience_orgs = forms.ModelMultipleChoiceField(
        label="范围（可不选）",
        queryset=Org.objects.none(),
        required=False,
        help_text="不选：主办组织（含下级）的全部参训对象",
    )
    enrolment = forms.ChoiceField(label="参训方式", choices=Enrol.choices, initial=Enrol.ASSIGNED)
    threshold = forms.IntegerField(
        label="结业要求（出勤学时占比 %）",
        min_value=1,
        max_value=100,
        initial=DEFAULT_THRESHOLD,
        help_text="出勤课次的学时达到全部学时的该比例即结业，计入出勤课次的学时",
    )

    def __init__(self, *args, user=None, klass=None, **kwargs):
        super().__init__(*args, **kwargs)
        mine = services.organiser_orgs(user).filter(dissolved_on__isnull=True)
        self.fields["org"].queryset = mine
        self.fields["org"].error_messages["invalid_choice"] = "请选择您所管理的组织"
        self.fields["audience_orgs"].queryset = mine
        self.fields["audience_orgs"].error_messages["invalid_choice"] = "请选择您所管理的组织"
        self.fields["threshold"].error_messages["max_value"] = "结业要求不能超过 100%"
        if klass is not None and not self.is_bound:
            self.initial.update(
                {
                    "title": klass.title,
                    "org": klass.org_id,
                    "description": klass.description,
                    "audience_who": klass.audience_who,
                    "audience_orgs": list(klass.audience_orgs.values_list("pk", flat=True)),
                    "enrolment": klass.enrolment,
                    "threshold": klass.threshold,
                }
            )


class SessionForm(CheckedForm):
    session = forms.CharField(required=False, widget=forms.HiddenInput)
    topic = forms.CharField(label="课程内容", max_length=100, required=False)
    starts_at = forms.DateTimeField(label="开始时间", widget=LOCAL)
    ends_at = forms.DateTimeField(label="结束时间", widget=LOCAL)
    place = forms.CharField(label="地点", max_length=200)
    hours = forms.DecimalField(
        label="学时",
        required=False,
        min_value=0,
        max_value=24,
        max_digits=4,
        decimal_places=1,
        help_text="留空按时长折算：1 天 8 学时，半天 4 学时，1 小时 1 学时（可修改）",
    )

    def clean_session(self):
        value = self.cleaned_data.get("session")
        if not value:
            return None
        pk = parse_id(value)
        if pk is None:
            raise forms.ValidationError("课次不存在")
        return pk


class IdForm(CheckedForm):
    """One record named by its id (a session to remove)."""

    session = forms.CharField(label="课次")

    def clean_session(self):
        pk = parse_id(self.cleaned_data["session"])
        if pk is None:
            raise forms.ValidationError("课次不存在")
        return pk


class MarkForm(CheckedForm):
    session = forms.CharField(label="课次")
    person = forms.CharField(label="人员")
    present = forms.BooleanField(label="出勤", required=False)

    def clean(self):
        data = super().clean()
        for name, message in (("session", "课次不存在"), ("person", "人员不存在")):
            if name in data:
                pk = parse_id(data[name])
                if pk is None:
                    self.add_error(name, message)
                else:
                    data[name] = pk
        return data


class ReleaseForm(CheckedForm):
    person = forms.CharField(label="人员")
    reason = forms.CharField(label="原因", max_length=200)

    def clean_person(self):
        pk = parse_id(self.cleaned_data["person"])
        if pk is None:
            raise forms.ValidationError("人员不存在")
        return pk


class EnrolForm(CheckedForm):
    employee_no = forms.CharField(label="工号", max_length=32)


class ReasonForm(CheckedForm):
    reason = forms.CharField(label="原因", max_length=200)


class CodeForm(CheckedForm):
    code = forms.CharField(label="签到码", max_length=20)
    session = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_session(self):
        value = self.cleaned_data.get("session")
        return parse_id(value) if value else None


class ExternalForm(CheckedForm):
    kind = forms.ChoiceField(label="类别", choices=ExternalKind.choices)
    title = forms.CharField(label="培训名称", max_length=100)
    organiser = forms.CharField(label="举办单位", max_length=100, help_text="如：市委党校")
    starts_on = forms.DateField(label="开始日期", widget=DAY)
    ends_on = forms.DateField(label="结束日期", widget=DAY)
    claimed = forms.DecimalField(
        label="申报学时",
        min_value=0.5,
        max_digits=5,
        decimal_places=1,
        help_text="按 1 天 8 学时、半天 4 学时、1 小时 1 学时折算",
    )
    note = forms.CharField(
        label="说明（可不填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proofs = AttachmentsField(
        label="证明材料",
        required=True,
        help_text="结业证书、调训通知、学习记录截图等，可上传图片、PDF 或 Office 文件",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proofs"].error_messages["required"] = "请上传证明材料"


class ConfirmForm(CheckedForm):
    hours = forms.DecimalField(
        label="认定学时", required=False, min_value=0.5, max_digits=5, decimal_places=1,
        help_text="留空：按申报学时认定",
    )  # fmt: skip
