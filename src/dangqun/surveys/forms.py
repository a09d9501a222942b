"""Forms of 问卷调查: the survey's fields, a survey from a template, one question (options and a
matrix's items one a line, jumps as ``选项序号=题号``), and the answers (page or JSON)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dangqun.core.forms import CheckedForm
from dangqun.orgs.models import Org
from dangqun.people.audience import Who
from dangqun.surveys import services, templates
from dangqun.surveys.models import Kind


def _orgs(user):
    return services.organiser_orgs(user) if user is not None else Org.objects.none()


class SurveyForm(CheckedForm):
    org = forms.ModelChoiceField(label="组织单位", queryset=Org.objects.none())
    title = forms.CharField(label="标题", max_length=120)
    description = forms.CharField(
        label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    anonymous = forms.BooleanField(
        label="匿名问卷",
        required=False,
        initial=True,
        help_text="匿名：答卷不记录填写人，发布后不能更改",
    )
    opens_on = forms.DateField(
        label="开始日期（可不填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label="截止日期（可不填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    audience_who = forms.ChoiceField(label="调查对象", choices=Who.choices, initial=Who.EVERYONE)
    audience_orgs = forms.ModelMultipleChoiceField(
        label="范围（可不选）",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选：组织单位（含下级）的全部对象",
    )

    def __init__(self, *args, user=None, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user)
        self.fields["audience_orgs"].queryset = _orgs(user)
        if survey is not None and not self.is_bound:
            self.initial = {
                "org": survey.org_id,
                "title": survey.title,
                "description": survey.description,
                "anonymous": survey.anonymous,
                "opens_on": survey.opens_on,
                "closes_on": survey.closes_on,
                "audience_who": survey.audience_who,
                "audience_orgs": list(survey.audience_orgs.values_list("pk", flat=True)),
            }


class TemplateForm(CheckedForm):
    org = forms.ModelChoiceField(label="组织单位", queryset=Org.objects.none())
    template = forms.ChoiceField(label="模板", choices=())

    def __init__(self, *args, user=None, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = _orgs(user)
        self.fields["template"].choices = templates.choices()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(CheckedForm):
    question = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="题型", choices=Kind.choices)
    text = forms.CharField(label="题目", max_length=300)
    required = forms.BooleanField(label="必答", required=False, initial=True)
    options = forms.CharField(
        label="选项（选择题，每行一个）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    items = forms.CharField(
        label="评价项目（矩阵题，每行一个）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    skip = forms.CharField(
        label="跳题（单选题，可不填）",
        required=False,
        max_length=200,
        help_text="每行“选项序号=题号”，如“1=4”：选第 1 个选项时跳到第 4 题",
    )

    def __init__(self, *args, user=None, survey=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_options(self):
        value = self.cleaned_data.get("options")
        return value if isinstance(value, list) else _lines(value)

    def clean_items(self):
        value = self.cleaned_data.get("items")
        return value if isinstance(value, list) else _lines(value)

    def clean_skip(self):
        found = {}
        for line in _lines(
            self.cleaned_data.get("skip", "").replace("，", "\n").replace(",", "\n")
        ):
            option, _, target = line.replace("＝", "=").partition("=")
            if not option.strip().isdigit() or not target.strip().isdigit() or int(option) < 1:
                raise ValidationError("跳题请按“选项序号=题号”填写，如“1=4”")
            found[str(int(option) - 1)] = int(target)
        return found


class MoveForm(forms.Form):
    question = forms.IntegerField()
    step = forms.TypedChoiceField(choices=[("-1", "上移"), ("1", "下移")], coerce=int)


class DeleteForm(forms.Form):
    question = forms.IntegerField()


class AnswerForm(forms.Form):
    """The answers as ``{"<question id>": value}``: from a page's fields (``q<id>``, a multiple
    choice's several values, a matrix's ``q<id>_<item>``) or from the API's ``answers``."""

    def __init__(self, *args, user=None, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey

    def clean(self):
        data = self.data
        if "answers" in data and isinstance(data.get("answers"), dict):
            return {"answers": data["answers"]}
        found = {}
        for q in self.survey.questions.all():
            name = f"q{q.pk}"
            if q.kind == Kind.MULTIPLE:
                values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
                found[str(q.pk)] = values or []
            elif q.kind == Kind.MATRIX:
                found[str(q.pk)] = {
                    str(i): data.get(f"{name}_{i}")
                    for i in range(len(q.items))
                    if data.get(f"{name}_{i}")
                }
            else:
                found[str(q.pk)] = data.get(name)
        return {"answers": found}
