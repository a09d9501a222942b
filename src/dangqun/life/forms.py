"""Forms of 组织生活: what a secretary plans and records, and what a member asks."""

from django import forms
from django.utils import timezone

from dangqun.core import uploads
from dangqun.core.forms import AttachmentsField, CheckedForm
from dangqun.life.models import Kind, Presence
from dangqun.life.recording import MAX_TEXT, MAX_TOPIC
from dangqun.orgs.models import Org
from dangqun.people.models import Person

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(CheckedForm):
    org = forms.ModelChoiceField(label="组织", queryset=Org.objects.none())
    kind = forms.ChoiceField(label="类型", choices=Kind.choices)
    topic = forms.CharField(label="主题", max_length=MAX_TOPIC)
    starts_at = forms.DateTimeField(label="开始时间", widget=LOCAL)
    ends_at = forms.DateTimeField(label="结束时间", widget=LOCAL, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    agenda = forms.CharField(
        label="议程", max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Org.objects.none()


class RecordForm(CheckedForm):
    topic = forms.CharField(label="主题", max_length=MAX_TOPIC)
    starts_at = forms.DateTimeField(label="开始时间", widget=LOCAL)
    ends_at = forms.DateTimeField(label="结束时间", widget=LOCAL, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    host = forms.ModelChoiceField(
        label="主持人", queryset=Person.objects.none(), required=False, empty_label="（未定）"
    )
    recorder = forms.ModelChoiceField(
        label="记录人", queryset=Person.objects.none(), required=False, empty_label="（未定）"
    )
    agenda = forms.CharField(
        label="议程", max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label="会议记录",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="填写后即登记为已召开；定稿后不能再改，只能添加补充说明",
    )
    decisions = forms.CharField(
        label="决议事项",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The host and the recorder are among those at the meeting (members, or 列席 guests).
        people = Person.objects.none()
        if meeting is not None:
            people = Person.objects.filter(pk__in=meeting.attendees.values("person_id"))
        for name in ("host", "recorder"):
            self.fields[name].queryset = people.order_by("employee_no")
            self.fields[name].error_messages["invalid_choice"] = "请从参会人员中选择"


class PlanForm(CheckedForm):
    org = forms.ModelChoiceField(label="组织", queryset=Org.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Org.objects.none()
        self.fields["year"].initial = timezone.localdate().year


class MarkForm(CheckedForm):
    person = forms.IntegerField(label="人员", widget=forms.HiddenInput)
    presence = forms.ChoiceField(
        label="出席情况",
        choices=[(p.value, p.label) for p in Presence if p != Presence.EXPECTED],
    )
    reason = forms.CharField(label="请假事由", max_length=200, required=False)


class LeaveForm(CheckedForm):
    reason = forms.CharField(label="请假事由", max_length=200)


FILES_HELP = (
    f"会议照片、签到表扫描件、讲稿等：可上传{uploads.LABELS}，一次最多 {uploads.MAX_FILES} 个，"
    f"每个不超过 {uploads.max_bytes() // (1024 * 1024)} MB；照片中的拍摄位置等信息会被去掉"
)


class NoteForm(CheckedForm):
    text = forms.CharField(
        label="补充说明", max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = AttachmentsField(label="照片和附件（可不传）", help_text=FILES_HELP)


class FilesForm(CheckedForm):
    files = AttachmentsField(label="照片和附件", required=True, help_text=FILES_HELP)


class CancelForm(CheckedForm):
    reason = forms.CharField(label="取消原因", max_length=200)


class VoteForm(CheckedForm):
    motion = forms.CharField(label="表决事项", max_length=200)
    yes = forms.IntegerField(label="赞成", min_value=0)
    no = forms.IntegerField(label="反对", min_value=0, initial=0)
    abstain = forms.IntegerField(label="弃权", min_value=0, initial=0)


class RemoveFileForm(forms.Form):
    """Which file to remove: an id that cannot be read names no file (the service says so)."""

    file = forms.CharField(required=False)

    def clean_file(self) -> int:
        try:
            return int(self.cleaned_data["file"])
        except (TypeError, ValueError):
            return 0


class SelfAssessmentForm(forms.Form):
    """A member's self-assessment: the service checks it is there and not too long."""

    text = forms.CharField(required=False, strip=False)


class RatingsForm(forms.Form):
    """A rater's grades, one ``grade-<person id>`` field per other member (their number varies)."""

    def clean(self):
        given = self.data.get("grades")
        if isinstance(given, dict):  # the API may send {"grades": {"<person id>": "<grade>"}}
            items = ((f"grade-{key}", value) for key, value in given.items())
        else:
            items = self.data.items()
        grades = {
            int(key.removeprefix("grade-")): value
            for key, value in items
            if key.startswith("grade-") and key.removeprefix("grade-").isdigit()
        }
        return {"grades": grades}


class GradeForm(forms.Form):
    """The branch's grade for one member."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        error_messages={"required": "请选择党员", "invalid_choice": "请选择党员"},
    )
    grade = forms.CharField(required=False)


class CheckInForm(forms.Form):
    """The code scanned at the meeting."""

    code = forms.CharField(required=False)
