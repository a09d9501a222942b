"""Forms of 志愿服务与活动: what an organiser fills in and what a participant sends."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Q

from dangqun.activities import services
from dangqun.activities.models import Activity, ActivityKind, FileKind, OpenTo, VolunteerTeam
from dangqun.core import uploads
from dangqun.core.forms import AttachmentsField, CheckedForm
from dangqun.core.ids import parse_id
from dangqun.orgs.models import Org

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(CheckedForm):
    kind = forms.ModelChoiceField(label="活动类型", queryset=ActivityKind.objects.none())
    title = forms.CharField(label="活动名称", max_length=100)
    org = forms.ModelChoiceField(label="主办组织", queryset=Org.objects.none())
    co_organisers = forms.ModelMultipleChoiceField(
        label="联办组织（可不选）",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="联建的其他组织（其他单位、工会、团组织等均可），其组织者也可以管理本活动",
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

    def __init__(self, *args, user=None, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = _current(activity)
        mine = services.organiser_orgs(user) if user is not None else Org.objects.none()
        self.fields["kind"].queryset = ActivityKind.objects.filter(active=True)
        self.fields["kind"].empty_label = None
        self.fields["org"].queryset = mine
        self.fields["eligible_orgs"].queryset = (
            services.organiser_orgs(user, also=current["eligible_orgs"])
            if user is not None
            else mine
        )
        self.fields["team"].queryset = VolunteerTeam.objects.filter(
            Q(org__in=mine) | Q(pk__in=current["team"]), active=True
        ).select_related("org")
        self.fields["org"].error_messages["invalid_choice"] = "请选择您所管理的组织"
        if user is not None:
            self.fields["copied_from"].queryset = services.kept_by(user)
        # 联办: a keeper of the main organisation names any active organisation (found by name,
        # not listed: there may be thousands); a co-organiser's keeper sees both read-only
        self.activity = activity
        self.locked = activity is not None and not services.can_organise_for(user, activity.org)
        partners = self.fields["co_organisers"]
        partners.error_messages["invalid_choice"] = "所选联办组织不存在或已撤销"
        if self.locked:
            self.fields["org"].queryset = Org.objects.all()
            self.fields["org"].widget = forms.HiddenInput()
            partners.queryset = Org.objects.all()
            partners.widget = forms.MultipleHiddenInput()
            self.partners_now = set(activity.co_organisers.all())
            self.partners_shown = services.with_parents(
                sorted(self.partners_now, key=lambda org: org.path)
            )
        else:
            partners.queryset = Org.objects.filter(
                Q(dissolved_on__isnull=True) | Q(pk__in=current["co_organisers"])
            )
            self.partners_shown = services.with_parents(self._chosen_partners())
            partners.widget.choices = [
                (org.pk, f"{org.name}（{parent}）" if parent else org.name)
                for org, parent in self.partners_shown
            ]

    def _chosen_partners(self):
        """The partners to show ticked: those sent, else the initial ones (one query, not the
        whole list of organisations)."""
        if self.is_bound:
            sent = self.data.get("co_organisers") or []
            if hasattr(self.data, "getlist"):
                sent = self.data.getlist("co_organisers")
            sent = sent if isinstance(sent, list | tuple) else [sent]
            ids = [i for i in map(parse_id, sent) if i]
        else:
            given = self.initial.get("co_organisers") or ()
            ids = [getattr(org, "pk", org) for org in given]
        if not ids:
            return []
        return (
            self.fields["co_organisers"]
            .queryset.filter(pk__in=ids)
            .only("pk", "name", "path", "depth")
        )

    def clean_org(self):
        org = self.cleaned_data.get("org")
        if self.locked and org != self.activity.org:
            raise forms.ValidationError(LOCKED)
        return org

    def clean_co_organisers(self):
        partners = self.cleaned_data.get("co_organisers")
        if self.locked and set(partners or ()) != self.partners_now:
            raise forms.ValidationError(LOCKED)
        return partners


LOCKED = "只有主办组织的组织者可以更改主办或联办组织"


def _current(activity) -> dict:
    """What the activity already names, so its own keepers can save it unchanged."""
    if activity is None:
        return {"co_organisers": [], "eligible_orgs": [], "team": []}
    return {
        "co_organisers": list(activity.co_organisers.values_list("pk", flat=True)),
        "eligible_orgs": list(activity.eligible_orgs.values_list("pk", flat=True)),
        "team": [activity.team_id] if activity.team_id else [],
    }


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
