"""The forms of 志愿服务证明 and of the hours export (Chinese labels and messages)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangqun.activities import exports, services
from dangqun.core.forms import CheckedForm
from dangqun.orgs.models import Org

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _year_start() -> dt.date:
    return timezone.localdate().replace(month=1, day=1)


class PeriodForm(CheckedForm):
    starts_on = forms.DateField(label="起始日期", widget=DATE, initial=_year_start)
    ends_on = forms.DateField(label="截止日期", widget=DATE, initial=timezone.localdate)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and start > end:
            raise ValidationError({"ends_on": "截止日期不能早于起始日期"})
        return data


class OwnCertificateForm(PeriodForm):
    """A person asks for a certificate of their own hours."""


class _OrganiserForm(PeriodForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            services.organiser_orgs(user) if user is not None else Org.objects.none()
        )


class IssueForm(_OrganiserForm):
    """An organiser certifies a person's hours in the name of one of their organisations."""

    org = forms.ModelChoiceField(label="出具组织", queryset=Org.objects.none(), empty_label=None)
    employee_no = forms.CharField(label="工号", max_length=32)

    field_order = ["org", "employee_no", "starts_on", "ends_on"]


class ExportForm(_OrganiserForm):
    org = forms.ModelChoiceField(
        label="组织者",
        queryset=Org.objects.none(),
        required=False,
        empty_label="我组织的全部活动",
    )
    full_ids = forms.BooleanField(label="导出完整证件号码（将记入审计日志）", required=False)

    field_order = ["org", "starts_on", "ends_on", "full_ids"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user is None or not exports.may_reveal(user):
            del self.fields["full_ids"]


class WithdrawForm(CheckedForm):
    reason = forms.CharField(
        label="作废原因",
        max_length=200,
        error_messages={"required": "请填写作废原因"},
    )


class VerifyForm(CheckedForm):
    code = forms.CharField(
        label="验证码",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text="证明上的 16 位验证码（字母和数字，不区分大小写），扫描证明上的二维码可直接核验",
    )
