"""Forms for organisation changes; each maps to one service function."""

from django import forms
from django.utils import timezone

from dangqun.core.forms import StyledForm
from dangqun.orgs.models import KINDS_BY_SYSTEM, Org, PostTitle, System, UnitSituation
from dangqun.orgs.services import APPROVING_KINDS


class DateInput(forms.DateInput):
    input_type = "date"


class OrgCreateForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类别")
    unit = forms.ModelChoiceField(label="所在单位", queryset=Org.objects.none(), required=False)
    founded_on = forms.DateField(label="成立日期", widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, parent: Org, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in KINDS_BY_SYSTEM[parent.system]]
        self.fields["unit"].queryset = units
        if parent.system == System.ENTERPRISE:
            del self.fields["unit"]


class OrgEditForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    unit = forms.ModelChoiceField(label="所在单位", queryset=Org.objects.none(), required=False)
    unit_situation = forms.ChoiceField(
        label="所在单位情况", choices=[("", "—"), *UnitSituation.choices], required=False
    )
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    approves_members = forms.BooleanField(
        label="有审批发展党员的权限",
        required=False,
        help_text="由上级党组织授予；下属党支部的接收预备党员、预备党员转正由最近的有此权限的党委审批",
    )
    on = forms.DateField(label="生效日期", widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, org: Org, units, **kwargs):
        super().__init__(*args, **kwargs)
        if org.kind not in APPROVING_KINDS:
            del self.fields["approves_members"]
        self.fields["unit"].queryset = units
        if org.system == System.ENTERPRISE:
            del self.fields["unit"]
            del self.fields["unit_situation"]


class OrgMoveForm(StyledForm):
    new_parent = forms.ModelChoiceField(label="调整到", queryset=Org.objects.none())
    on = forms.DateField(label="生效日期", widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = targets


class OrgDissolveForm(StyledForm):
    on = forms.DateField(label="撤销日期", widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label="说明（批准文号等）", max_length=200, required=False)


class TermForm(StyledForm):
    elected_on = forms.DateField(label="选举日期", widget=DateInput)
    years = forms.IntegerField(label="任期（年）", min_value=1, max_value=10, required=False)
    has_committee = forms.BooleanField(label="设委员会", required=False, initial=True)


class PostForm(StyledForm):
    """Who takes which post: the person is typed as their employee number and found among
    ``people`` (those the user may see)."""

    person = forms.CharField(label="人员工号", max_length=32)
    title = forms.ChoiceField(label="职务", choices=PostTitle.choices)
    started_on = forms.DateField(label="任职日期", widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def clean(self):
        data = super().clean()
        if not self.errors:  # looked up once the rest of the input reads
            employee_no = data["person"].strip()
            person = self.people.filter(employee_no=employee_no).first()
            if person is None:
                self.add_error("person", "在您的管理范围内找不到该工号的人员")
            else:
                data["person"] = person
        return data


class PostEndForm(StyledForm):
    ended_on = forms.DateField(label="离任日期", widget=DateInput, initial=timezone.localdate)
