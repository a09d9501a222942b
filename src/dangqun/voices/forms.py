"""Forms for voices: what a person fills in, and what admins and handlers decide."""

from django import forms

from dangqun.core.forms import AttachmentsField, StyledForm
from dangqun.orgs.models import Org
from dangqun.voices.models import (
    Category,
    Identity,
    Kind,
    Rating,
    Representative,
    Urgency,
    Voice,
)
from dangqun.voices.services import MAX_BODY, MAX_CONTENT, MAX_TITLE

KIND_CHOICES = [(k.value, k.label) for k in Kind if k != Kind.PROPOSAL]


class VoiceForm(StyledForm):
    """What a person says: on the web form (logged in) or the QR page (no login)."""

    kind = forms.ChoiceField(label="类型", choices=KIND_CHOICES, initial=Kind.SUGGESTION)
    title = forms.CharField(label="标题", max_length=MAX_TITLE)
    content = forms.CharField(
        label="内容", max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ModelChoiceField(
        label="类别（可不选）",
        queryset=Category.objects.none(),
        required=False,
        empty_label="不确定",
    )
    identity = forms.ChoiceField(
        label="身份方式",
        choices=Identity.choices,
        initial=Identity.NAMED,
        widget=forms.RadioSelect,
        help_text="实名：承办人可见姓名；保密：仅群工管理员可见；匿名：不记录任何身份信息，凭查询码查看和评价",
    )
    contact_name = forms.CharField(label="姓名", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    files = AttachmentsField()

    def __init__(self, *args, with_contact: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True).select_related(
            "parent"
        )
        for field in self.fields.values():
            field.error_messages.setdefault("required", f"请填写{field.label}")
            field.error_messages["max_length"] = f"{field.label}不能超过 %(limit_value)d 个字"
        if not with_contact:  # a logged-in person: the account says who
            del self.fields["contact_name"]


class AssignForm(StyledForm):
    handling_org = forms.ModelChoiceField(label="承办单位", queryset=Org.objects.none())
    category = forms.ModelChoiceField(
        label="类别", queryset=Category.objects.none(), required=False
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices)
    note = forms.CharField(
        label="交办意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_org"].queryset = orgs if orgs is not None else Org.objects.none()
        self.fields["category"].queryset = Category.objects.filter(active=True)


class NoteForm(StyledForm):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(StyledForm):
    into = forms.ModelChoiceField(
        label="合并至", queryset=Voice.objects.all(), widget=forms.HiddenInput
    )
    note = forms.CharField(label="说明", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].error_messages["invalid_choice"] = "要合并到的呼声不存在"


class OptionalNoteForm(StyledForm):
    note = forms.CharField(
        label="意见（可不填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferForm(NoteForm):
    handling_org = forms.ModelChoiceField(label="转至单位", queryset=Org.objects.none())

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handling_org"].queryset = orgs if orgs is not None else Org.objects.none()


class AnswerForm(StyledForm):
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 4}))
    solved = forms.TypedChoiceField(
        label="问题是否已解决",
        choices=[("1", "已解决"), ("0", "未解决（已说明原因）")],
        coerce=lambda v: v == "1",
    )
    files = AttachmentsField()


class ExtensionForm(NoteForm):
    until = forms.DateTimeField(
        label="申请延至", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class RateForm(StyledForm):
    rating = forms.ChoiceField(label="评价", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="意见（可不填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InfoForm(StyledForm):
    text = forms.CharField(
        label="补充内容", max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = AttachmentsField()


class CodeForm(StyledForm):
    code = forms.CharField(label="查询码", max_length=40)


class CategoryForm(StyledForm):
    name = forms.CharField(label="类别名称", max_length=50)
    parent = forms.ModelChoiceField(
        label="上级类别",
        queryset=Category.objects.none(),
        required=False,
        empty_label="（一级类别）",
    )
    handling_org = forms.ModelChoiceField(
        label="默认承办单位",
        queryset=Org.objects.none(),
        required=False,
        empty_label="（无：受理时手选，仅全企业的群工管理员可设）",
    )
    urgency = forms.ChoiceField(label="默认紧急程度", choices=Urgency.choices)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Category.objects.filter(parent__isnull=True)
        self.fields["handling_org"].queryset = orgs if orgs is not None else Org.objects.none()


class PublishForm(StyledForm):
    title = forms.CharField(label="公开的标题", max_length=MAX_TITLE)
    content = forms.CharField(
        label="公开的反映内容（请删去姓名、电话等个人信息）",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer_text = forms.CharField(
        label="公开的答复", max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 4})
    )


class CalendarDayForm(StyledForm):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label="这一天",
        choices=[("0", "休息（节假日）"), ("1", "上班（调休上班日）")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="说明", max_length=50, required=False)


def representative_label(rep) -> str:
    return f"{rep.person.name}（{rep.delegation.name}）"


class RepresentativeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, rep):
        return representative_label(rep)


class ProposalForm(StyledForm):
    """职代会提案: one matter, its reasons and what is proposed, and the representatives asked to
    second it (or, entered from paper, who signed it)."""

    title = forms.CharField(label="案由（一事一案）", max_length=MAX_TITLE)
    content = forms.CharField(
        label="理由和建议",
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="写明存在的问题、理由和具体可行的建议；一件提案只提一件事",
    )
    category = forms.ModelChoiceField(
        label="类别（可不选）",
        queryset=Category.objects.none(),
        required=False,
        empty_label="不确定",
    )
    seconders = RepresentativeChoice(
        label="附议代表",
        queryset=Representative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, congress, exclude_person=None, on_paper=False, **kwargs):
        super().__init__(*args, **kwargs)
        reps = congress.representatives.select_related("person", "delegation").order_by(
            "delegation__path", "person__name"
        )
        if on_paper:
            self.fields["proposer"] = forms.ModelChoiceField(
                label="提案人", queryset=reps, empty_label="请选择提案代表"
            )
            self.fields["proposer"].label_from_instance = representative_label
            self.fields["seconders"].label = "在提案上签名附议的代表"
            self.order_fields(["proposer"])
        if exclude_person is not None:
            reps = reps.exclude(person=exclude_person)
        self.fields["seconders"].queryset = reps
        self.fields["category"].queryset = Category.objects.filter(active=True).select_related(
            "parent"
        )
        for field in self.fields.values():
            field.error_messages.setdefault("required", f"请填写{field.label}")
        self.fields["seconders"].error_messages["required"] = "请选择附议代表"


class InviteForm(StyledForm):
    seconders = RepresentativeChoice(
        label="再邀请附议",
        queryset=Representative.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, voice=None, **kwargs):
        super().__init__(*args, **kwargs)
        if voice is not None and voice.congress_id:
            asked = voice.seconders.values("person_id")
            self.fields["seconders"].queryset = (
                voice.congress.representatives.exclude(person_id__in=asked)
                .exclude(person_id=voice.person_id)
                .select_related("person", "delegation")
            )


class CongressForm(StyledForm):
    org = forms.ModelChoiceField(label="召开单位", queryset=Org.objects.none())
    name = forms.CharField(label="名称", max_length=100, help_text="如：第三届职工代表大会")
    starts_on = forms.DateField(
        label="本届起始日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="本届届满日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    accepting = forms.BooleanField(label="正在征集提案", required=False, initial=True)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Org.objects.none()


class RepresentativesForm(StyledForm):
    employee_nos = forms.CharField(
        label="代表工号（每行一个，可从表格中整列粘贴）",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=200_000,
    )

    def clean_employee_nos(self):
        return self.cleaned_data["employee_nos"].replace(",", "\n").replace("，", "\n").split()
