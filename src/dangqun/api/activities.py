"""志愿服务与活动 over the API (issue #16 §5), scoped like the pages: the activities open to the
caller (or kept by them, ``?kept=1``) and one activity; signing up, cancelling, checking in and
out as the caller's person; the caller's hours and stars. 群众点单's orders are in
``activity_orders``.

Each call is a thin wrapper over the app's services: a service's ``ValidationError`` is a 400 with
its Chinese message (``ServiceErrorsMixin``), a refusal a 403, anything outside the caller's scope
a 404.
"""

from django.db.models import Sum
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from dangqun.activities import (
    attendance,
    hours,
    services,
    signups,
)
from dangqun.activities.models import Activity, HoursEntry, SignUp
from dangqun.api.pagination import Pagination
from dangqun.api.views import ServiceErrorsMixin

NO_PERSON = "您的账号尚未关联人员档案"


class ActivitySerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    team_name = serializers.CharField(
        source="team.name", read_only=True, default=None, allow_null=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    open_to_label = serializers.CharField(source="get_open_to_display", read_only=True)

    class Meta:
        model = Activity
        fields = [
            *("id", "kind", "kind_name", "title", "org", "org_name", "team", "team_name"),
            *("starts_at", "ends_at", "place", "capacity", "signup_closes_at", "open_to"),
            *("open_to_label", "needs_approval", "status", "status_label"),
        ]
        read_only_fields = fields


class SignUpSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SignUp
        fields = [
            *("id", "activity", "status", "status_label", "queued_at", "checked_in_at"),
            *("checked_out_at", "travel_minutes"),
        ]
        read_only_fields = fields


class ActivityDetailSerializer(ActivitySerializer):
    slot_hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, read_only=True, help_text="每人最多认定的志愿服务时长"
    )
    places_left = serializers.SerializerMethodField(help_text="剩余名额，null 为不限")
    my_signup = serializers.SerializerMethodField(help_text="调用者本人的报名，未报名为 null")

    class Meta(ActivitySerializer.Meta):
        fields = [
            *ActivitySerializer.Meta.fields,
            *("description", "latitude", "longitude", "service_type", "credit_hours"),
            *("slot_hours", "places_left", "my_signup"),
        ]
        read_only_fields = fields

    def get_places_left(self, activity) -> int | None:
        return signups.places_left(activity)

    @extend_schema_field(SignUpSerializer(allow_null=True))
    def get_my_signup(self, activity):
        person_id = getattr(self.context["request"].user, "person_id", None)
        if person_id is None:
            return None
        signup = SignUp.objects.filter(activity=activity, person_id=person_id).first()
        return SignUpSerializer(signup).data if signup else None


class SignUpInput(serializers.Serializer):
    travel_minutes = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=600, help_text="往返路途（分钟）"
    )


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="活动现场显示的签到码")


class ScannedSerializer(serializers.Serializer):
    first = serializers.BooleanField(help_text="本次记录（否：此前已记录，保留首次）")
    signup = SignUpSerializer()


class HoursRowSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="activity.title", read_only=True)

    class Meta:
        model = HoursEntry
        fields = ["id", "activity", "title", "served_on", "hours", "reason"]
        read_only_fields = fields


class MyHoursSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=8, decimal_places=1, help_text="累计确认时长")
    stars = serializers.IntegerField(help_text="星级 0–5（规则 activities.stars）")
    to_next_star = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, help_text="距下一星级还差的小时数"
    )
    entries = HoursRowSerializer(many=True, help_text="每一条确认或更正的时长")


KEPT = OpenApiParameter(
    "kept", str, enum=["1"], description="1：列出本人所在组织主办或联办的活动（组织者、领导）"
)
NO_SUCH = OpenApiResponse(description="活动不存在或无权查看")
REFUSED = OpenApiResponse(description="不符合规定（报名已截止、签到码已过期等），中文说明")


@extend_schema_view(
    list=extend_schema(
        summary="活动列表",
        description="默认列出调用者可以报名的活动（报名中，最近的在前）；?kept=1 列出本人组织的活动。",
        parameters=[KEPT],
        responses={200: ActivitySerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="活动详情",
        description="含剩余名额和调用者本人的报名情况。",
        responses={200: ActivityDetailSerializer, 404: NO_SUCH},
    ),
)
class ActivityViewSet(
    ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pagination_class = Pagination
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return ActivitySerializer if self.action == "list" else ActivityDetailSerializer

    def get_queryset(self):
        user = self.request.user
        if self.request.query_params.get("kept") == "1":
            rows = services.kept_by(user).order_by("-starts_at", "-id")
        else:
            rows = services.open_to(user).order_by("starts_at", "id")
        return rows.select_related("kind", "org", "team")

    def get_object(self):
        return services.require_visible(self.request.user, self.kwargs["pk"])

    def _scanned(self, request, pk, scan):
        activity = services.require_visible(request.user, pk)
        incoming = CodeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        done = scan(request.user, activity, incoming.validated_data["code"])
        return Response({"first": done.first, "signup": SignUpSerializer(done.signup).data})

    @extend_schema(
        operation_id="activities_sign_up",
        summary="报名参加活动",
        description="以调用者本人报名：有名额即报名成功，满员进入候补，需审核的待组织者审核。",
        request=SignUpInput,
        responses={200: SignUpSerializer, 400: REFUSED, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, pk=None):
        activity = services.require_visible(request.user, pk)
        incoming = SignUpInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        minutes = incoming.validated_data["travel_minutes"]
        signup = signups.sign_up(request.user, activity, travel_minutes=minutes)
        return Response(SignUpSerializer(signup).data)

    @extend_schema(
        operation_id="activities_cancel_sign_up",
        summary="取消报名",
        description="报名截止前可自行取消，名额自动递补给候补的第一位。",
        request=CancelInput,
        responses={200: SignUpSerializer, 400: REFUSED, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="cancel-sign-up")
    def cancel_sign_up(self, request, pk=None):
        activity = services.require_visible(request.user, pk)
        incoming = CancelInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        signup = signups.cancel(request.user, activity, incoming.validated_data.get("reason", ""))
        return Response(SignUpSerializer(signup).data)

    @extend_schema(
        operation_id="activities_check_in",
        summary="扫码签到",
        description="以调用者本人签到，code 为活动现场显示的签到码；重复签到保留首次。",
        request=CodeInput,
        responses={200: ScannedSerializer, 400: REFUSED, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._scanned(request, pk, attendance.check_in)

    @extend_schema(
        operation_id="activities_check_out",
        summary="扫码签退",
        description="离开时再次扫码，以最后一次为准。",
        request=CodeInput,
        responses={200: ScannedSerializer, 400: REFUSED, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        return self._scanned(request, pk, attendance.check_out)

    @extend_schema(
        operation_id="activities_my_hours",
        summary="我的志愿服务时长和星级",
        description="累计确认的志愿服务时长、星级（100/300/600/1000/1500 小时）和每一条记录。",
        responses={200: MyHoursSerializer, 404: OpenApiResponse(description=NO_PERSON)},
    )
    @action(detail=False, methods=["get"], url_path="my-hours")
    def my_hours(self, request):
        person_id = getattr(request.user, "person_id", None)
        if person_id is None:
            raise NotFound(NO_PERSON)
        rows = HoursEntry.objects.filter(person_id=person_id).select_related("activity")
        entries = list(rows.order_by("-served_on", "-id"))
        total = rows.aggregate(total=Sum("hours"))["total"] or hours.ZERO
        body = {
            "total": total,
            "stars": hours.stars_for(total),
            "to_next_star": hours.to_next_star(total),
            "entries": entries,
        }
        return Response(MyHoursSerializer(body).data)
