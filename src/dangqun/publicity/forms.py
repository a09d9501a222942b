"""Forms of 政策宣传: the publisher's item, a quiz question, withdrawing with a reason, and the
reader's quiz (built from the item's questions)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dangqun.core import uploads
from dangqun.core.forms import CheckedForm, MultipleFileInput
from dangqun.learning.exam_models import TRUE_FALSE_OPTIONS, Kind
from dangqun.orgs.models import Org
from dangqun.people.audience import Who
from dangqun.publicity import services
from dangqun.publicity.models import BODY_MAX, REASON_MAX, TITLE_MAX, ItemKind, Theme

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FilesField(forms.FileField):
    """Several files in one input; the service checks each by its content."""

    def __init__(self, *args, accept: str = uploads.ACCEPT, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]


class ItemForm(CheckedForm):
    org = forms.ModelChoiceField(label="发布单位", queryset=Org.objects.none())
    kind = forms.ChoiceField(label="类型", choices=ItemKind.choices, initial=ItemKind.ARTICLE)
    theme = forms.ModelChoiceField(label="主题", queryset=Theme.objects.none())
    title = forms.CharField(label="标题", max_length=TITLE_MAX)
    body = forms.CharField(
        label="正文",
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="可直接输入文字（空行分段），也可粘贴排版好的内容；脚本、样式等不安全的内容会被自动去掉",
    )
    images = FilesField(
        label="图片（可不传）",
        accept="image/jpeg,image/png,image/gif,image/webp",
        help_text="照片、截图等常见图片格式，最多 9 张，显示在正文之后；照片的位置等信息会被去掉",
    )
    attachments = FilesField(label="附件（可不传）", help_text=f"可上传{uploads.LABELS}，最多 5 个")
    required = forms.BooleanField(label="必读（须确认已阅读）", required=False)
    quiz_required = forms.BooleanField(label="须先通过测验才能确认", required=False)
    pass_percent = forms.IntegerField(
        label="测验及格线（%）", min_value=1, max_value=100, initial=60
    )
    pinned = forms.BooleanField(label="置顶", required=False)
    publish_at = forms.DateTimeField(
        label="发布时间（可不填）",
        required=False,
        widget=LOCAL,
        help_text="不填：点“发布”时立即发布",
    )
    expires_at = forms.DateTimeField(
        label="下架时间（可不填）", required=False, widget=LOCAL, help_text="到期后不再出现在列表中"
    )
    audience_who = forms.ChoiceField(label="发送对象", choices=Who.choices, initial=Who.EVERYONE)
    audience_orgs = forms.ModelMultipleChoiceField(
        label="范围（可不选）",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选：发布单位（含下级）的全部对象",
    )

    def __init__(self, *args, user=None, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = services.publisher_orgs(user) if user is not None else Org.objects.none()
        self.fields["org"].queryset = orgs
        self.fields["audience_orgs"].queryset = orgs
        self.fields["theme"].queryset = Theme.objects.filter(active=True)
        self.fields["theme"].error_messages["invalid_choice"] = "请选择主题"
        self.fields["org"].error_messages["invalid_choice"] = "请选择您可以发布的单位"
        if item is not None and not self.is_bound:
            self.initial = {
                **{
                    f: getattr(item, f)
                    for f in (
                        *("kind", "title", "body", "required", "quiz_required"),
                        *("pass_percent", "pinned", "publish_at", "expires_at", "audience_who"),
                    )
                },
                "org": item.org_id,
                "theme": item.theme_id,
                "audience_orgs": [o.pk for o in item.audience_orgs.all()],
            }


class QuestionForm(CheckedForm):
    kind = forms.ChoiceField(label="题型", choices=Kind.choices)
    stem = forms.CharField(label="题干", max_length=500)
    options = forms.CharField(
        label="选项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="单选、多选题每行一个选项（2–8 个）；判断题、填空题不填",
    )
    answer = forms.CharField(
        label="答案",
        max_length=200,
        help_text="单选、多选题填选项字母，如 A 或 ACD；判断题填“正确”或“错误”；填空题填可接受的答案，多个用“|”隔开",
    )

    def clean(self):
        data = super().clean()
        kind, raw = data.get("kind"), (data.get("answer") or "").strip()
        if not kind or not raw:
            return data
        if kind in (Kind.SINGLE, Kind.MULTIPLE):
            options = [o.strip() for o in (data.get("options") or "").splitlines() if o.strip()]
            if not 2 <= len(options) <= 8:
                raise ValidationError({"options": "请填写 2–8 个选项，每行一个"})
            letters = [c for c in raw.upper() if not c.isspace() and c not in ",，、"]
            picked = sorted({ord(c) - ord("A") for c in letters})
            if not picked or any(p < 0 or p >= len(options) for p in picked):
                raise ValidationError({"answer": "答案应为选项字母，如 A 或 ACD"})
            if kind == Kind.SINGLE and len(picked) != 1:
                raise ValidationError({"answer": "单选题只能有一个答案"})
            data["options"], data["answer"] = options, picked
        elif kind == Kind.TRUE_FALSE:
            if raw not in TRUE_FALSE_OPTIONS:
                raise ValidationError({"answer": "判断题的答案填“正确”或“错误”"})
            data["options"], data["answer"] = (
                list(TRUE_FALSE_OPTIONS),
                [TRUE_FALSE_OPTIONS.index(raw)],
            )
        else:
            accepted = [a.strip() for a in raw.split("|") if a.strip()]
            data["options"], data["answer"] = [], accepted
        return data


class RemoveQuestionForm(CheckedForm):
    question = forms.IntegerField(label="题目", min_value=1)


class WithdrawForm(CheckedForm):
    reason = forms.CharField(
        label="撤回原因",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="读者打开时会看到撤回原因",
    )


class RemindForm(CheckedForm):
    person = forms.IntegerField(label="人员", min_value=1, max_value=2**63 - 1, required=False)


class QuizForm(forms.Form):
    """The reader's answers: one field per question (``q<id>``)."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, q in enumerate(self.questions, start=1):
            label = f"{number}. {q.stem}（{q.get_kind_display()}）"
            choices = [(str(i), text) for i, text in enumerate(q.options)]
            if q.kind == Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=label, choices=choices, widget=forms.CheckboxSelectMultiple
                )
            elif q.kind == Kind.FILL:
                field = forms.CharField(label=label, max_length=200)
            else:
                field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)
            field.error_messages["required"] = f"请回答第 {number} 题"
            field.error_messages["invalid_choice"] = f"第 {number} 题的选项不正确"
            self.fields[f"q{q.pk}"] = field

    def answers(self) -> dict:
        return {name[1:]: value for name, value in self.cleaned_data.items()}
