from django import forms

from dangqun.connect.models import PROVIDERS


class ChoiceOfTwo(forms.NullBooleanField):
    """Yes or no, required: "1"/"0" from the page's radios, true/false from the API."""

    def validate(self, value):
        if value is None:
            raise forms.ValidationError("请选择推送方式", code="required")


class DigestForm(forms.Form):
    daily_digest = ChoiceOfTwo(
        label="推送方式",
        widget=forms.RadioSelect(choices=[("0", "有消息时即时推送"), ("1", "每日汇总推送一次")]),
    )


class BindForm(forms.Form):
    provider = forms.ChoiceField(
        label="来源", choices=PROVIDERS, widget=forms.Select(attrs={"class": "form-select"})
    )
    external_id = forms.CharField(
        label="对方用户标识",
        max_length=128,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="企业微信的成员账号、钉钉的用户编号，或统一身份认证的用户标识",
    )


class UnbindForm(forms.Form):
    binding = forms.IntegerField(widget=forms.HiddenInput)
