"""Forms of the question bank and exams, with Chinese labels; the same forms read a page's POST
and the API's JSON (``exam_actions``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from dangqun.learning import papers, question_import, services
from dangqun.learning.exam_models import Kind, PaperMode
from dangqun.people.audience import Who


class OrgField(forms.ModelChoiceField):
    def label_from_instance(self, org):
        return org.name


class QuestionForm(forms.Form):
    org = OrgField(label="题库所属组织", queryset=None)
    kind = forms.ChoiceField(label="题型", choices=Kind.choices)
    stem = forms.CharField(label="题干", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    options = forms.CharField(
        label="选项（每行一个）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="单选题、多选题填写，依次为 A、B、C…；判断题、填空题不填",
    )
    answer = forms.CharField(
        label="答案",
        max_length=500,
        help_text="选择题填字母（多选如 A、B、D）；判断题填“正确”或“错误”；填空题可填多个可接受的写法，用 | 分隔",
    )
    explanation = forms.CharField(
        label="解析", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    tags = forms.CharField(label="标签", required=False, max_length=200, help_text="用逗号分隔")
    difficulty = forms.TypedChoiceField(
        label="难度", choices=[(n, f"{n}") for n in range(1, 6)], coerce=int, initial=3
    )

    def __init__(self, *args, user=None, question=None, **kwargs):
        if question is not None and not kwargs.get("initial"):
            from dangqun.learning import questions

            kwargs["initial"] = {
                "org": question.org_id,
                "kind": question.kind,
                "stem": question.stem,
                "options": "\n".join(question.options)
                if question.kind in ("single", "multiple")
                else "",
                "answer": questions.answer_text(question),
                "explanation": question.explanation,
                "tags": question.tags,
                "difficulty": question.difficulty,
            }
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = services.organiser_orgs(user)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not kind:
            return data
        options = [
            line.strip() for line in (data.get("options") or "").splitlines() if line.strip()
        ]
        answer, reason = question_import._answer(kind, data.get("answer") or "", options)
        if reason:
            self.add_error("answer", reason)
        data["options"], data["answer"] = options, answer
        return data


RULE_HELP = "每行一条：题型,标签,题数,每题分值；标签可空，如“单选题,党章,10,2”"


class PaperForm(forms.Form):
    org = OrgField(label="组织单位（题库）", queryset=None)
    title = forms.CharField(label="试卷名称", max_length=100)
    mode = forms.ChoiceField(label="组卷方式", choices=PaperMode.choices)
    questions = forms.ModelMultipleChoiceField(
        label="固定试卷的题目", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    points_single = forms.DecimalField(
        label="单选题每题分值", initial=2, min_value=Decimal("0.5"), max_value=100, decimal_places=1
    )
    points_multiple = forms.DecimalField(
        label="多选题每题分值", initial=4, min_value=Decimal("0.5"), max_value=100, decimal_places=1
    )
    points_true_false = forms.DecimalField(
        label="判断题每题分值", initial=2, min_value=Decimal("0.5"), max_value=100, decimal_places=1
    )
    points_fill = forms.DecimalField(
        label="填空题每题分值", initial=4, min_value=Decimal("0.5"), max_value=100, decimal_places=1
    )
    rules = forms.CharField(
        label="随机抽题规则",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=RULE_HELP,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = services.organiser_orgs(user)
        from dangqun.learning.exam_models import Question

        self.fields["questions"].queryset = Question.objects.filter(
            org__in=services.organiser_orgs(user), active=True
        ).order_by("kind", "id")
        self.fields["questions"].label_from_instance = lambda q: (
            f"[{q.get_kind_display()}] {q.stem[:60]}"
        )
        for name, field in self.fields.items():
            if name != "questions":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        data["points"] = {k: data.get(f"points_{k}") for k in Kind.values}
        if data.get("mode") == PaperMode.RANDOM:
            kinds = {label: value for value, label in Kind.choices} | {
                label[:2]: value for value, label in Kind.choices
            }
            rules = []
            for number, line in enumerate((data.get("rules") or "").splitlines(), start=1):
                if not line.strip():
                    continue
                parts = [p.strip() for p in line.replace("，", ",").split(",")]
                try:
                    kind, tag, count, points = parts
                    rule = {
                        "kind": kinds[kind],
                        "tag": tag,
                        "count": int(count),
                        "points": str(Decimal(points)),
                    }
                    if rule["count"] < 1 or Decimal(points) <= 0:
                        raise ValueError
                except (ValueError, KeyError, ArithmeticError):
                    self.add_error("rules", f"第 {number} 条规则格式不对。{RULE_HELP}")
                    return data
                rules.append(rule)
            data["rules"] = rules
        elif data.get("mode") == PaperMode.FIXED:
            data["questions"] = [q.pk for q in data.get("questions") or []]
        return data


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ExamForm(forms.Form):
    org = OrgField(label="组织单位", queryset=None)
    title = forms.CharField(label="考试名称", max_length=100)
    paper = forms.ModelChoiceField(label="试卷", queryset=None)
    opens_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput())
    closes_at = forms.DateTimeField(label="截止时间", widget=DateTimeInput())
    limit_minutes = forms.IntegerField(
        label="答题时限（分钟）", min_value=1, max_value=600, initial=30
    )
    attempts_allowed = forms.IntegerField(
        label="允许作答次数", min_value=1, max_value=10, initial=1
    )
    pass_mark = forms.DecimalField(
        label="及格分", min_value=0, max_value=1000, decimal_places=1, initial=60
    )
    partial_credit = forms.BooleanField(label="多选题少选得部分分（错选不得分）", required=False)
    hours = forms.DecimalField(
        label="通过后计入学时",
        min_value=0,
        max_value=40,
        decimal_places=1,
        initial=0,
        help_text="0 表示不计学时；同一考试每人只计一次",
    )
    audience_who = forms.ChoiceField(label="参考对象", choices=Who.choices, initial=Who.MEMBERS)
    audience_orgs = forms.ModelMultipleChoiceField(
        label="范围（可不选）",
        queryset=None,
        required=False,
        help_text="不选：组织单位（含下级）的全部对象",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = services.organiser_orgs(user)
        self.fields["org"].queryset = orgs
        self.fields["audience_orgs"].queryset = orgs
        self.fields["audience_orgs"].label_from_instance = lambda o: o.name
        self.fields["paper"].queryset = papers.visible_to(user).order_by("-id")
        self.fields["paper"].label_from_instance = lambda p: p.title
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + timezone.timedelta(days=7)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)


class AnswerForm(forms.Form):
    """One answer: the place of the question, and the places picked (choices) or the text."""

    position = forms.IntegerField(label="题号", min_value=0, max_value=999)
    choice = forms.TypedMultipleChoiceField(
        label="选项", required=False, coerce=int, choices=[(n, n) for n in range(10)]
    )
    text = forms.CharField(label="答案", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        data["response"] = [data["text"]] if data.get("text") else list(data.get("choice") or [])
        return data
