"""The forms of 群众点单·党员接单: raising an order from a voice, claiming one, withdrawing one.
The same forms read the API's bodies, so a page and a program get the same Chinese messages."""

from __future__ import annotations

from django import forms

from dangqun.activities import orders
from dangqun.activities.models import ServiceOrder

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class OrderForm(forms.ModelForm):
    class Meta:
        model = ServiceOrder
        fields = list(orders.FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "wanted_by": LOCAL}
        help_texts = {
            "org": "该组织（含下级）的志愿者、志愿服务队队长和活动组织者可以看到并接单",
            "description": "志愿者将看到这段文字：写明需要做什么，不要写入反映人的姓名、电话等个人信息",
            "wanted_by": "默认为呼声的办结时限；转为服务需求后办理时限照常计算",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orders.order_orgs(user)
        self.fields["org"].empty_label = None
        self.fields["wanted_by"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "iso-8601"]
        _styled(self)


class ClaimForm(forms.Form):
    starts_at = forms.DateTimeField(label="服务开始时间", widget=LOCAL)
    ends_at = forms.DateTimeField(label="服务结束时间", widget=LOCAL)
    team = forms.ModelChoiceField(
        label="以志愿服务队名义",
        queryset=None,
        required=False,
        empty_label="（不选）",
        help_text="选择后由该服务队组织本次服务",
    )
    org = forms.ModelChoiceField(
        label="由我组织的组织",
        queryset=None,
        required=False,
        empty_label="（不选：以本人所在组织接单）",
    )
    place = forms.CharField(label="服务地点", max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = orders.claim_teams(user)
        self.fields["org"].queryset = orders.services.organiser_orgs(user)
        for name in ("team", "org"):  # nothing to choose: kept (checked), not shown
            if not self.fields[name].queryset.exists():
                self.fields[name].widget = forms.HiddenInput()
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "iso-8601"]
        _styled(self)


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
