"""Forms of 志愿服务与活动: what an organiser fills in and what a participant sends."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from dangqun.activities import services
from dangqun.activities.models import Activity, ActivityKind, FileKind, OpenTo, VolunteerTeam
from dangqun.core import uploads
from dangqun.core.forms import AttachmentsField, CheckedForm
from dangqun.orgs.models import Org

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(CheckedForm):
    kind = forms.ModelChoiceField(label="活动类型", queryset=ActivityKind.objects.none())
    title = forms.CharField(label="活动名称", max_length=100)
    org = forms.ModelChoiceField(label="主办组织", queryset=Org.objects.none())
    co_organisers = forms.ModelMultipleChoiceField(
        label="联办组织（可不选）", queryset=Org.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label="志愿服务队（可不选）", queryset=VolunteerTeam.objects.none(), required=False
    )
    starts_at = forms.DateTimeField(label="开始时间", widget=LOCAL)
    ends_at = forms.DateTimeField(label="结束时间", widget=LOCAL)
    place = forms.CharField(label="地点", max_length=200)
    description = forms.CharField(
        label="活动内容", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    capacity = forms.IntegerField(
        label="人数上限", required=False, help_text="不限人数请留空；报满后再报名的人进入候补"
    )
    signup_opens_at = forms.DateTimeField(
        label="报名开始", widget=LOCAL, required=False, help_text="留空：发布即可报名"
    )
    signup_closes_at = forms.DateTimeField(
        label="报名截止", widget=LOCAL, required=False, help_text="留空：活动开始时截止"
    )
    open_to = forms.ChoiceField(label="报名对象", choices=OpenTo.choices, initial=OpenTo.EVERYONE)
    eligible_orgs = forms.ModelMultipleChoiceField(
        label="限定范围（可不选）",
        queryset=Org.objects.none(),
        required=False,
        help_text="不选：所有符合报名对象的职工均可报名",
    )
    needs_approval = forms.BooleanField(label="报名需审核", required=False)
    service_type = forms.CharField(label="服务类别（志愿服务填写）", max_length=50, required=False)
    credit_hours = forms.DecimalField(
        label="可认定时长（小时，志愿服务填写）",
        max_digits=5,
        decimal_places=1,
        required=False,
        help_text="每人最多认定的时长；留空按活动时长",
    )
    copied_from = forms.ModelChoiceField(
        queryset=Activity.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = services.organiser_orgs(user) if user is not None else Org.objects.none()
        self.fields["kind"].queryset = ActivityKind.objects.filter(active=True)
        self.fields["kind"].empty_label = None
        for name in ("org", "co_organisers", "eligible_orgs"):
            self.fields[name].queryset = orgs
        self.fields["team"].queryset = VolunteerTeam.objects.filter(
            org__in=orgs, active=True
        ).select_related("org")
        self.fields["org"].error_messages["invalid_choice"] = "请选择您所管理的组织"
        if user is not None:
            self.fields["copied_from"].queryset = services.kept_by(user)


class ReasonForm(CheckedForm):
    reason = forms.CharField(label="原因", max_length=200)


class OptionalReasonForm(CheckedForm):
    reason = forms.CharField(label="原因", max_length=200, required=False)


class SignUpForm(CheckedForm):
    travel_minutes = forms.IntegerField(
        label="往返路途（分钟，可不填）", min_value=0, max_value=600, required=False
    )


class DecideForm(CheckedForm):
    signup = forms.IntegerField(label="报名", widget=forms.HiddenInput)
    reason = forms.CharField(label="不通过的原因", max_length=200, required=False)


class MarkForm(CheckedForm):
    signup = forms.IntegerField(label="报名", widget=forms.HiddenInput)
    checked_in_at = forms.DateTimeField(label="签到时间", widget=LOCAL, required=False)
    checked_out_at = forms.DateTimeField(label="签退时间", widget=LOCAL, required=False)
    travel_minutes = forms.IntegerField(
        label="往返路途（分钟）", min_value=0, max_value=600, required=False
    )


class CorrectForm(CheckedForm):
    signup = forms.IntegerField(label="报名", widget=forms.HiddenInput)
    hours = forms.DecimalField(label="更正后的时长", max_digits=5, decimal_places=1)
    reason = forms.CharField(label="更正原因", max_length=200)


class CodeForm(forms.Form):
    """The code scanned (or typed) at the activity."""

    code = forms.CharField(required=False)


class HoursForm(forms.Form):
    """The hours of every participant, one ``hours-<sign-up id>`` field each (their number
    varies); a field left empty takes the proposal. The API may send ``{"hours": {id: h}}``."""

    def clean(self):
        given = self.data.get("hours")
        if isinstance(given, dict):
            items = ((f"hours-{key}", value) for key, value in given.items())
        else:
            items = self.data.items()
        hours, wrong = {}, []
        for key, value in items:
            number = key.removeprefix("hours-")
            if not key.startswith("hours-") or not number.isdigit():
                continue
            text = str(value).strip()
            if text == "":
                continue
            try:
                hours[int(number)] = Decimal(text)
            except InvalidOperation:
                wrong.append(text)
        if wrong:
            raise forms.ValidationError(f"时长应为数字（如 2.5）：{'、'.join(wrong[:5])}")
        return {"hours": hours}


FILES_HELP = (
    f"活动照片、签到表、总结等：可上传{uploads.LABELS}，一次最多 {uploads.MAX_FILES} 个，"
    f"每个不超过 {uploads.max_bytes() // (1024 * 1024)} MB；照片中的拍摄位置等信息会被去掉"
)


class FilesForm(CheckedForm):
    kind = forms.ChoiceField(label="类别", choices=FileKind.choices, initial=FileKind.PHOTO)
    files = AttachmentsField(label="照片和文件", required=True, help_text=FILES_HELP)


class RemoveFileForm(forms.Form):
    file = forms.CharField(required=False)

    def clean_file(self) -> int:
        try:
            return int(self.cleaned_data["file"])
        except (TypeError, ValueError):
            return 0


class VolunteerForm(CheckedForm):
    skills = forms.CharField(label="技能特长", max_length=200, required=False)
    availability = forms.CharField(label="可服务时间", max_length=200, required=False)
    emergency_name = forms.CharField(label="紧急联系人", max_length=50, required=False)
    emergency_phone = forms.CharField(label="紧急联系电话", max_length=30, required=False)
    consent = forms.BooleanField(
        label="我同意本平台保存以上信息和我的服务记录，用于组织志愿服务和出具志愿服务证明",
        required=False,
    )


class TeamForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=VolunteerTeam.objects.filter(active=True),
        error_messages={"required": "请选择志愿服务队", "invalid_choice": "请选择志愿服务队"},
    )
