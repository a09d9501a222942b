"""The forms of the account administration pages (and of their API steps)."""

from django import forms

from dangqun.accounts.roles import ROLE_CHOICES
from dangqun.core.forms import StyledForm
from dangqun.orgs.models import Org


class AccountForm(StyledForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    employee_no = forms.CharField(label="关联人员工号", max_length=32, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class AccountEditForm(AccountForm):
    """An existing account: the username stays, a password typed resets it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].disabled = True
        self.fields["password"].label = "重置密码（留空不变）"


class GrantForm(StyledForm):
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
    org = forms.ModelChoiceField(label="授权组织（含全部下级）", queryset=Org.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.active().only("pk", "name", "depth")
