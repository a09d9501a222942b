"""群众点单·党员接单 over the API (issue #16 §3, §5): the orders the caller may see (the open ones by
default), raising one from a voice, claiming, withdrawing, and the monthly list per unit. They run
``activities.order_actions``, the tables the pages use: the same forms, rules and audit."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dangqun.activities import order_actions, order_figures, orders
from dangqun.activities.models import OrderStatus, ServiceOrder
from dangqun.api.pagination import Pagination
from dangqun.api.views import FORBIDDEN, INVALID, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core.ids import parse_id
from dangqun.voices import services as voices


class OrderSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    activity_title = serializers.CharField(
        source="activity.title", read_only=True, default=None, allow_null=True
    )
    activity_status = serializers.CharField(
        source="activity.status", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ServiceOrder
        fields = [
            *("id", "org", "org_name", "title", "description", "place", "service_type"),
            *("people_needed", "wanted_by", "status", "status_label", "created_at"),
            *("claimed_at", "activity", "activity_title", "activity_status", "done_at"),
            "answered_at",
        ]
        read_only_fields = fields


class NewOrderSerializer(serializers.Serializer):
    """Documents the body of raising an order (read by the page's form)."""

    voice = serializers.IntegerField(help_text="呼声 ID（已受理交办的诉求/求助）")
    org = serializers.IntegerField(help_text="需求范围：该组织（含下级）的志愿者等可以接单")
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(help_text="服务内容（志愿者可见，勿写反映人个人信息）")
    place = serializers.CharField(required=False, max_length=200)
    service_type = serializers.CharField(required=False, max_length=50)
    people_needed = serializers.IntegerField(required=False, min_value=1)
    wanted_by = serializers.DateTimeField(required=False, help_text="希望完成时间")


class ClaimInput(serializers.Serializer):
    """Documents the body of a claim (read by the page's form)."""

    starts_at = serializers.DateTimeField(help_text="服务开始时间（晚于现在）")
    ends_at = serializers.DateTimeField(help_text="服务结束时间")
    team = serializers.IntegerField(required=False, help_text="以本人带领或组织的志愿服务队接单")
    org = serializers.IntegerField(required=False, help_text="以本人组织活动的组织接单")
    place = serializers.CharField(required=False, max_length=200)


class OrderCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="撤销原因")


class MonthRowSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org_id", allow_null=True, help_text="null 为合计")
    name = serializers.CharField()
    raised = serializers.IntegerField(help_text="发布")
    claimed = serializers.IntegerField(help_text="接单")
    done = serializers.IntegerField(help_text="完成")
    rated = serializers.IntegerField(help_text="反映人评价了服务答复")
    satisfied = serializers.IntegerField(help_text="其中满意或基本满意")


class MonthlySerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    rows = MonthRowSerializer(many=True)
    total = MonthRowSerializer()


SHOW = ["open", "mine", "all"]
NO_ORDER = OpenApiResponse(description=orders.NOT_FOUND)


@extend_schema_view(
    list=extend_schema(
        summary="服务需求列表（群众点单）",
        description=(
            "调用者可见的服务需求：组织活动或管理呼声的组织内的，注册志愿者和志愿服务队队长所在"
            "组织的。?show=open（待接单，默认）/mine（本人接的）/all。"
        ),
        parameters=[OpenApiParameter("show", str, enum=SHOW)],
        responses={200: OrderSerializer(many=True), 400: INVALID},
    ),
    retrieve=extend_schema(summary="服务需求详情", responses={200: OrderSerializer, 404: NO_ORDER}),
    create=extend_schema(
        operation_id="activities_orders_create",
        summary="呼声转为服务需求",
        description="群众工作管理员将已受理交办的诉求/求助类呼声转为服务需求，办理时限照常计算。",
        request=NewOrderSerializer,
        responses={201: OrderSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
)
class OrderViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrderSerializer
    pagination_class = Pagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        show = self.request.query_params.get("show", "open")
        if show not in SHOW:
            raise ValidationError({"show": [f"show 应为 {', '.join(SHOW)} 之一"]})
        rows = orders.visible_to(self.request.user).select_related("org", "activity")
        if show == "open":
            rows = rows.filter(status=OrderStatus.OPEN)
        elif show == "mine":
            rows = rows.filter(claimed_by=self.request.user)
        return rows.order_by("-created_at", "-id")

    def get_object(self):
        return orders.require_visible(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = request.data if hasattr(request.data, "get") else {}
        pk = parse_id(str(data.get("voice", "")))
        voice = voices.visible_to(request.user).filter(pk=pk).first() if pk else None
        if voice is None:
            raise ValidationError({"voice": ["呼声不存在或无权查看"]})
        fields = {key: value for key, value in data.items() if key != "voice"}
        order = self._run(request, voice, "order", fields)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    def _run(self, request, obj, name, data):
        outcome = order_actions.run(request.user, obj, name, data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return outcome.result

    @extend_schema(
        operation_id="activities_orders_claim",
        summary="接单",
        description=(
            "注册志愿者（以本人所在组织）、志愿服务队队长（team）或活动组织者（org）接单，"
            "建立志愿服务活动草稿；每个需求只能接单一次。"
        ),
        request=ClaimInput,
        responses={200: OrderSerializer, 400: INVALID, 403: FORBIDDEN, 404: NO_ORDER},
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        order = orders.require_visible(request.user, pk)
        return Response(OrderSerializer(self._run(request, order, "claim", request.data)).data)

    @extend_schema(
        operation_id="activities_orders_cancel",
        summary="撤销服务需求",
        description="未接单的需求可由呼声的群众工作管理员撤销，呼声照常办理。",
        request=OrderCancelInput,
        responses={200: OrderSerializer, 400: INVALID, 403: FORBIDDEN, 404: NO_ORDER},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = orders.require_visible(request.user, pk)
        return Response(OrderSerializer(self._run(request, order, "cancel", request.data)).data)

    @extend_schema(
        operation_id="activities_orders_monthly",
        summary="服务需求月度统计",
        description="按单位统计当月发布、接单、完成、评价和满意的服务需求。month 为 YYYY-MM，默认本月。",
        parameters=[OpenApiParameter("month", str, description="月份，如 2026-05")],
        responses={200: MonthlySerializer, 400: INVALID, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["get"])
    def monthly(self, request):
        month = order_figures.parse_month(request.query_params.get("month"))
        if month is None:
            raise ValidationError({"month": [order_figures.BAD_MONTH]})
        rows, total = order_figures.monthly(request.user, month)
        body = {"month": f"{month:%Y-%m}", "rows": rows, "total": total}
        return Response(MonthlySerializer(body).data)
