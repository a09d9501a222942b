"""Forms for people and party membership; each maps to one service function."""

from django import forms

from dangqun.core.forms import StyledForm
from dangqun.orgs.forms import DateInput
from dangqun.orgs.models import BRANCH_KINDS, Kind, Org, System
from dangqun.people.models import (
    Education,
    EmploymentStatus,
    Gender,
    MemberCategory,
    MemberEvent,
    PoliticalStatus,
)

NON_PARTY_STATUSES = [(v, label) for v, label in PoliticalStatus.choices if not v.startswith("cpc")]


def _orgs(scope_orgs, *, system=None, kinds=None):
    queryset = scope_orgs.filter(dissolved_on__isnull=True)
    if system:
        queryset = queryset.filter(system=system)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    return queryset.only("pk", "name", "depth")


class PersonForm(StyledForm):
    employee_no = forms.CharField(label="工号", max_length=32)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码", max_length=18, required=False, help_text="修改时留空表示不变"
    )
    gender = forms.ChoiceField(label="性别", choices=[("", "—"), *Gender.choices], required=False)
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族")
    birth_date = forms.DateField(label="出生日期", widget=DateInput, required=False)
    education = forms.ChoiceField(
        label="学历", choices=[("", "—"), *Education.choices], required=False
    )
    unit = forms.ModelChoiceField(label="所在单位", queryset=Org.objects.none())
    job_post = forms.CharField(label="工作岗位", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="家庭住址", max_length=200, required=False)
    political_status = forms.ChoiceField(
        label="政治面貌",
        choices=NON_PARTY_STATUSES,
        required=False,
        help_text="党员的政治面貌由党员信息决定",
    )
    union_org = forms.ModelChoiceField(
        label="工会组织", queryset=Org.objects.none(), required=False
    )
    league_org = forms.ModelChoiceField(label="团组织", queryset=Org.objects.none(), required=False)
    employment_status = forms.ChoiceField(label="在职状态", choices=EmploymentStatus.choices)

    def __init__(self, *args, orgs, is_member=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _orgs(orgs, system=System.ENTERPRISE)
        self.fields["union_org"].queryset = _orgs(Org.objects.all(), system=System.UNION)
        self.fields["league_org"].queryset = _orgs(Org.objects.all(), system=System.LEAGUE)
        if is_member:
            del self.fields["political_status"]


def person_data(cleaned_data: dict) -> dict:
    """A person form's input as the services take it: what was left empty keeps its value."""
    data = dict(cleaned_data)
    if not data.get("id_number"):
        data.pop("id_number", None)
    for key in ("gender", "education", "political_status"):
        if key in data and not data[key]:
            data.pop(key)
    return data


class ProfileForm(StyledForm):
    branch = forms.ModelChoiceField(label="所在党支部", queryset=Org.objects.none())
    joined_on = forms.DateField(label="加入党组织日期", widget=DateInput)
    full_member_on = forms.DateField(
        label="转为正式党员日期", widget=DateInput, required=False, help_text="预备党员留空"
    )
    category = forms.ChoiceField(label="人员类别", choices=MemberCategory.choices)
    floating_to = forms.CharField(label="外出流向（流动党员）", max_length=100, required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = _orgs(
            orgs, kinds=[*BRANCH_KINDS, Kind.GENERAL_BRANCH, Kind.PARTY_COMMITTEE]
        )


EVENT_CHOICES = [
    (t.value, t.label)
    for t in MemberEvent.Type
    if t not in (MemberEvent.Type.JOINED, MemberEvent.Type.CONFIRMED)
]


class MemberEventForm(StyledForm):
    type = forms.ChoiceField(label="事项", choices=EVENT_CHOICES)
    on = forms.DateField(label="日期", widget=DateInput)
    to_branch = forms.ModelChoiceField(
        label="转入/调入党支部", queryset=Org.objects.none(), required=False
    )
    counterpart = forms.CharField(label="转往/转自的党组织", max_length=200, required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = _orgs(orgs, kinds=[*BRANCH_KINDS, Kind.GENERAL_BRANCH])
