"""组织生活 over the API: the meetings a user's list shows and one meeting's record, every action
of its page (``life.actions``: the same forms, rules and audit), planning a year, scheduling a
meeting, the month's calendar, the code shown at the meeting and checking in with it. The radar's figures are in
``life_figures``."""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from dangqun.api.pagination import Pagination
from dangqun.api.views import FORBIDDEN, NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core import filestore
from dangqun.core.ids import parse_id
from dangqun.life import actions, attendance, checkins, pdf, services
from dangqun.life import month as month_of
from dangqun.life.models import Attendee, Meeting, MeetingFile
from dangqun.orgs.models import Org

INVALID = OpenApiResponse(description="数据有误或不符合规定，按字段给出中文说明")


class MeetingSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    expected = serializers.IntegerField(read_only=True, help_text="应到人数（不含列席）")
    present = serializers.IntegerField(read_only=True, help_text="出席人数")

    class Meta:
        model = Meeting
        fields = [
            *("id", "org", "org_name", "kind", "kind_label", "topic", "starts_at", "ends_at"),
            *("place", "status", "status_label", "planned", "expected", "present"),
        ]
        read_only_fields = fields


class CalendarMeetingSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            *("id", "org", "org_name", "kind", "kind_label", "topic", "starts_at", "ends_at"),
            *("place", "status", "status_label"),
        ]
        read_only_fields = fields


class MeetingDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    meetings = CalendarMeetingSerializer(many=True)


class MeetingMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    days = MeetingDaySerializer(many=True, help_text="有组织生活的日期")


class CheckinCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="当前签到码")
    url = serializers.URLField(help_text="扫码后打开的签到地址")
    changes_at = serializers.DateTimeField(help_text="签到码更换的时间")


class AttendeeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Attendee
        fields = [
            *("person", "name", "role", "presence", "leave_reason", "checked_in_at"),
            "by_code",
        ]
        read_only_fields = fields


class FileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（本接口，带令牌）")

    class Meta:
        model = MeetingFile
        fields = ["id", "name", "content_type", "size", "uploaded_at", "addendum", "url"]
        read_only_fields = fields

    def get_url(self, row) -> str:
        return f"/api/life/meetings/{row.meeting_id}/files/{row.pk}/"


class CountsSerializer(serializers.Serializer):
    expected = serializers.IntegerField(help_text="应到（不含列席）")
    present = serializers.IntegerField(help_text="出席")
    leave = serializers.IntegerField(help_text="请假")
    guests = serializers.IntegerField(help_text="列席出席")


class MeetingDetailSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    host_name = serializers.CharField(
        source="host.name", read_only=True, default=None, allow_null=True
    )
    recorder_name = serializers.CharField(
        source="recorder.name", read_only=True, default=None, allow_null=True
    )
    attendees = AttendeeSerializer(many=True, read_only=True)
    counts = serializers.SerializerMethodField()
    files = FileSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            *("id", "org", "org_name", "kind", "kind_label", "topic", "starts_at", "ends_at"),
            *("place", "host", "host_name", "recorder", "recorder_name", "agenda", "minutes"),
            *("decisions", "status", "status_label", "planned", "held_at", "finalised_at"),
            *("counts", "attendees", "files"),
        ]
        read_only_fields = fields

    @extend_schema_field(CountsSerializer)
    def get_counts(self, meeting) -> dict:
        return attendance.attendance_counts(meeting.attendees.all())


class PlanYearSerializer(serializers.Serializer):
    org = serializers.IntegerField(help_text="党组织 ID（本人管理组织生活的支部等）")
    year = serializers.IntegerField(help_text="年度")


class PlannedSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="新增的组织生活")


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="会场当前显示的签到码")


class CheckedInSerializer(serializers.Serializer):
    first = serializers.BooleanField(help_text="本次签到（否：此前已签到）")
    attendee = AttendeeSerializer()


STEP = OpenApiParameter(
    "step", str, OpenApiParameter.PATH, enum=list(actions.ACTIONS), description="操作"
)
STEPS_HELP = (
    "与页面相同的操作，step 为：" + "、".join(actions.ACTIONS) + "。请求体字段与页面表单相同："
    "record 需要 topic、starts_at（可带 ends_at、place、host、recorder、agenda、minutes、decisions）；"
    "mark 需要 person、presence（present/leave/absent，请假带 reason）；leave 需要 reason；"
    "vote 需要 motion、yes、no、abstain；cancel 需要 reason；addendum 需要 text；"
    "files 与 addendum 的附件用 multipart 的 files 字段；remove_file 需要 file；"
    "appraisal_self 需要 text；appraisal_rate 需要 grades（{党员 ID: 等次}）；"
    "appraisal_grade 需要 person、grade；finalise、cancel 以外的按钮类操作无需字段。"
)


@extend_schema_view(
    list=extend_schema(
        summary="组织生活列表",
        description=(
            "与页面相同：有组织生活权限的看授权范围内组织的会议，其他人看本人应参加的会议。"
            "?show=upcoming（待召开，默认）/held（已召开）/all；?org= 组织 ID（含下级）。"
        ),
        parameters=[
            OpenApiParameter("show", str, enum=list(services.SHOW)),
            OpenApiParameter("org", int, description="组织 ID，含其下级"),
        ],
    ),
    retrieve=extend_schema(
        summary="组织生活详情",
        description="会议记录、参会人员及出席情况、人数统计和照片附件。",
        responses={200: MeetingDetailSerializer, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="安排组织生活",
        description="字段与页面“安排组织生活”相同：org、kind、topic、starts_at，可带 ends_at、place、agenda。",
        request=None,
        responses={201: MeetingDetailSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
)
class MeetingViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    pagination_class = Pagination  # keeps the counts annotated on each row
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def get_queryset(self):
        params = self.request.query_params
        show = params.get("show", "upcoming")
        if show not in services.SHOW:
            raise ValidationError({"show": [f"show 应为 {', '.join(services.SHOW)} 之一"]})
        meetings = services.listed(self.request.user, show)
        org = params.get("org", "")
        if org:
            if parse_id(org) is None:
                raise ValidationError({"org": ["组织 ID 应为正整数"]})
            pk = parse_id(org)
            path = Org.objects.filter(pk=pk).values_list("path", flat=True).first() or "-"
            meetings = meetings.filter(org__path__startswith=path)
        return meetings

    def get_object(self):
        return detailed(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        outcome = actions.plan(request.user, "schedule", request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        meeting = detailed(request.user, outcome.result.pk)
        return Response(MeetingDetailSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="life_meetings_act",
        parameters=[STEP],
        summary="办理组织生活",
        description=STEPS_HELP,
        request=None,
        responses={200: MeetingDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(actions.ACTIONS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in actions.ACTIONS:
            raise NotFound("没有这个操作")
        meeting = services.require_visible(request.user, pk)
        outcome = actions.run(request.user, meeting, step, request.data, request.FILES)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(MeetingDetailSerializer(detailed(request.user, pk)).data)

    @extend_schema(
        summary="扫码签到",
        description=(
            "以调用者本人签到，code 为会场当前显示的签到码（每 30 秒更换）；不在名单中的以列席签到。"
            "签到码无效时 403，且不透露会议是否存在。"
        ),
        request=CheckInSerializer,
        responses={
            200: CheckedInSerializer,
            400: INVALID,
            403: OpenApiResponse(description="签到码已过期"),
            404: OpenApiResponse(description="路径中的会议编号无效"),
        },
    )
    @action(detail=True, methods=["post"], url_path="checkin")
    def checkin(self, request, pk=None):
        code = request.data.get("code", "") if hasattr(request.data, "get") else ""
        meeting = checkins.meeting_for_code(int(pk), str(code))
        outcome = actions.check_in(request.user, meeting, {"code": code})
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        done = outcome.result
        return Response({"first": done.first, "attendee": AttendeeSerializer(done.attendee).data})

    @extend_schema(
        operation_id="life_meetings_checkin_code",
        summary="会场签到码",
        description=(
            "会场显示的签到码和扫码后打开的签到地址（可自行生成二维码），只给组织生活的管理人；"
            "每 30 秒更换，changes_at 之后请重新获取。"
        ),
        responses={200: CheckinCodeSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path="checkin-code")
    def checkin_code(self, request, pk=None):
        meeting, code = checkins.shown_code(request.user, pk)
        url = reverse("life:checkin", args=[meeting.pk]) + f"?c={code}"
        body = {
            "code": code,
            "url": request.build_absolute_uri(url),
            "changes_at": checkins.code_changes_at(),
        }
        return Response(CheckinCodeSerializer(body).data)

    @extend_schema(
        operation_id="life_calendar",
        summary="组织生活月历",
        description=(
            "与“月历”页面相同：该月调用者可见的组织生活（不含已取消的），按日期列出。"
            "month 为 YYYY-MM，默认本月。"
        ),
        parameters=[OpenApiParameter("month", str, description="月份，如 2026-05；默认本月")],
        responses={200: MeetingMonthSerializer, 400: INVALID},
    )
    @action(detail=False, methods=["get"])
    def calendar(self, request):
        today = timezone.localdate()
        month = today.replace(day=1)
        if "month" in request.query_params:
            month = month_of.parse_month(request.query_params["month"], today)
            if month is None:
                raise ValidationError({"month": [month_of.BAD_MONTH]})
        by_day = month_of.meetings_by_day(request.user, month)
        days = [{"day": day, "meetings": meetings} for day, meetings in sorted(by_day.items())]
        return Response(MeetingMonthSerializer({"month": f"{month:%Y-%m}", "days": days}).data)

    @extend_schema(
        summary="下载组织生活的照片或附件",
        description="?preview=1 取照片的缩略图。",
        parameters=[OpenApiParameter("preview", bool, description="照片的缩略图")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_pk>\d+)")
    def file(self, request, pk=None, file_pk=None):
        meeting = services.require_visible(request.user, pk)
        row = MeetingFile.objects.filter(pk=file_pk, meeting=meeting).first()
        if row is None:
            raise NotFound("文件不存在或已删除")
        if request.query_params.get("preview") in ("1", "true"):
            return filestore.download(row, inline=True, preview=row.preview)
        return filestore.download(row)

    @extend_schema(
        summary="会议记录（PDF）",
        description="与页面的“打印会议记录”相同。",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def minutes(self, request, pk=None):
        meeting = services.require_visible(request.user, pk)
        response = HttpResponse(pdf.minutes(meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="meeting-{meeting.pk}.pdf"'
        return response

    @extend_schema(
        summary="按规定周期生成年度计划",
        description="与页面相同：已有安排的周期不再新增；返回新增的组织生活 ID。",
        request=PlanYearSerializer,
        responses={200: PlannedSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["post"])
    def plan(self, request):
        outcome = actions.plan(request.user, "plan", request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response({"created": [meeting.pk for meeting in outcome.result]})


def detailed(user, pk) -> Meeting:
    """The meeting with its attendees and files, if the user may see it (else 404)."""
    meeting = services.require_visible(user, pk)
    attendees = Attendee.objects.select_related("person").order_by("role", "person__employee_no")
    files = MeetingFile.objects.order_by("pk")
    prefetch_related_objects([meeting], Prefetch("attendees", attendees), Prefetch("files", files))
    return meeting
