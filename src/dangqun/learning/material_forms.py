"""Forms of study materials: what an organiser fills in, and a member's 已学 with a note."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dangqun.core import uploads
from dangqun.core.forms import CheckedForm
from dangqun.core.uploads import video as videos
from dangqun.learning import materials, services
from dangqun.learning.material_models import NOTE_MAX, MaterialKind
from dangqun.orgs.models import Org
from dangqun.people.audience import Who


class MaterialForm(CheckedForm):
    org = forms.ModelChoiceField(label="组织单位", queryset=Org.objects.none())
    title = forms.CharField(label="标题", max_length=120)
    kind = forms.ChoiceField(label="类型", choices=MaterialKind.choices)
    upload = forms.FileField(
        label="文件或视频",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": f"{uploads.ACCEPT},{videos.ACCEPT}"}),
        help_text=f"文件：{uploads.LABELS}；视频：MP4 或 WebM。修改时不选则保留原文件",
    )
    url = forms.CharField(
        label="链接",
        max_length=500,
        required=False,
        help_text="链接类资料填写完整网址，须以“https://”开头",
    )
    description = forms.CharField(
        label="简介", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(
        label="主题",
        max_length=200,
        required=False,
        help_text="如：党章党规、二十大精神、业务知识（用顿号隔开）",
    )
    due_on = forms.DateField(
        label="完成期限（可不填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    audience_who = forms.ChoiceField(label="学习对象", choices=Who.choices, initial=Who.MEMBERS)
    audience_orgs = forms.ModelMultipleChoiceField(
        label="范围（可不选）",
        queryset=Org.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选：组织单位（含下级）的全部学习对象",
    )

    def __init__(self, *args, user=None, material=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = services.organiser_orgs(user) if user is not None else Org.objects.none()
        self.fields["org"].queryset = orgs
        self.fields["audience_orgs"].queryset = orgs
        if material is not None and not self.is_bound:
            self.initial = {
                "org": material.org_id,
                "title": material.title,
                "kind": material.kind,
                "url": material.url,
                "description": material.description,
                "tags": "、".join(t.name for t in material.tags.all()),
                "due_on": material.due_on,
                "audience_who": material.audience_who,
                "audience_orgs": [o.pk for o in material.audience_orgs.all()],
            }

    def clean_tags(self):
        try:
            return materials.tag_names(self.cleaned_data.get("tags") or "")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["tags"]) from None

    def clean_url(self):
        return (self.cleaned_data.get("url") or "").strip()


class ConfirmForm(CheckedForm):
    note = forms.CharField(
        label="心得体会（可不填）",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX}),
        help_text=f"最多 {NOTE_MAX} 字，只有资料的组织者和您所在支部能看到",
    )
