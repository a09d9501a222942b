"""政策宣传 over the API (issue #18 §4), scoped like the pages: the caller's items (``?show=``
unread / required), or with ``?kept=1`` the publisher's with each one's reach in their scope;
one item with its text, files, the caller's receipt and quiz result (questions without their
answers); opening, confirming 已阅读 and answering the quiz; for publishers creating a draft
(multipart, with images and attachments), publishing, withdrawing with a reason, reminding those
who have not confirmed, and the reach per unit and by day — counts and rates, never persons
ranked. The same actions tables as the pages (``publicity.actions``)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dangqun.api.pagination import Pagination
from dangqun.api.views import ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.people.audience import Who
from dangqun.publicity import actions as item_actions
from dangqun.publicity import reach, reading, services
from dangqun.publicity.models import Item, ItemKind, ItemStatus, Question, QuizResult, Receipt


class ReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Receipt
        fields = ["opened_at", "confirmed_at"]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizResult
        fields = ["correct", "total", "passed", "tries", "answered_at"]
        read_only_fields = fields


class PublicityQuestionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "kind", "kind_label", "stem", "options"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    theme_name = serializers.CharField(source="theme.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(
        source="shown_status", read_only=True, help_text="草稿、待发布、已发布、已过期、已撤回"
    )

    class Meta:
        model = Item
        fields = [
            *("id", "title", "kind", "kind_label", "theme", "theme_name", "org", "org_name"),
            *("required", "quiz_required", "pinned", "publish_at", "expires_at"),
            *("status", "status_label"),
        ]
        read_only_fields = fields


class MyItemSerializer(ItemSerializer):
    opened = serializers.BooleanField(read_only=True, help_text="已打开")
    confirmed = serializers.BooleanField(read_only=True, help_text="已确认阅读")

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "opened", "confirmed"]
        read_only_fields = fields


class TotalSerializer(serializers.Serializer):
    delivered = serializers.IntegerField(help_text="本范围内送达人数（当前的发送对象）")
    opened = serializers.IntegerField(help_text="已打开人数")
    confirmed = serializers.IntegerField(help_text="已确认阅读人数")
    answered = serializers.IntegerField(help_text="参加测验人数")
    passed = serializers.IntegerField(help_text="测验通过人数")
    opened_rate = serializers.IntegerField(allow_null=True, help_text="打开率（%）")
    confirmed_rate = serializers.IntegerField(allow_null=True, help_text="确认率（%）")
    pass_rate = serializers.IntegerField(allow_null=True, help_text="测验通过率（%）")


class UnitSerializer(TotalSerializer):
    org = serializers.IntegerField(source="org.pk", help_text="下级组织")
    org_name = serializers.CharField(source="org.name")


class ReachSerializer(serializers.Serializer):
    org = serializers.IntegerField(help_text="按其下级统计的组织")
    total = TotalSerializer()
    units = UnitSerializer(many=True)
    by_day = serializers.DictField(help_text="按日累计：labels、opened（%）、confirmed（%）")


class KeptItemSerializer(ItemSerializer):
    reach = serializers.SerializerMethodField(help_text="本范围内的阅读情况（人数和比率）")

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "reach"]
        read_only_fields = fields

    @extend_schema_field(TotalSerializer)
    def get_reach(self, item):
        # the page's items counted together, the first time one of them is asked for
        found = self.context.setdefault("reach_totals", {})
        if item.pk not in found:
            shown = getattr(self.parent, "instance", None) or [item]
            found.update(reach.totals(self.context["request"].user, list(shown)))
        return TotalSerializer(found[item.pk]).data


class PublicityFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    is_image = serializers.BooleanField()
    url = serializers.CharField()


class ItemDetailSerializer(ItemSerializer):
    body = serializers.CharField(read_only=True, help_text="正文（已净化的 HTML）")
    pass_percent = serializers.IntegerField(read_only=True)
    withdraw_reason = serializers.CharField(read_only=True)
    files = serializers.SerializerMethodField(help_text="图片和附件")
    questions = serializers.SerializerMethodField(help_text="测验题（不含答案）")
    my_receipt = serializers.SerializerMethodField(help_text="调用者本人的阅读回执，未打开为 null")
    my_result = serializers.SerializerMethodField(help_text="调用者本人的测验结果，未作答为 null")

    class Meta(ItemSerializer.Meta):
        fields = [
            *ItemSerializer.Meta.fields,
            *("body", "pass_percent", "withdraw_reason", "files", "questions"),
            *("my_receipt", "my_result"),
        ]
        read_only_fields = fields

    @extend_schema_field(PublicityFileSerializer(many=True))
    def get_files(self, item):
        return [
            {"name": f.name, "is_image": f.is_image, "url": reverse("publicity:file", args=[f.pk])}
            for f in item.files.all()
        ]

    @extend_schema_field(PublicityQuestionSerializer(many=True))
    def get_questions(self, item):
        if item.status == ItemStatus.DRAFT and not services.can_manage(
            self.context["request"].user, item
        ):
            return []
        return PublicityQuestionSerializer(item.questions.all(), many=True).data

    @extend_schema_field(ReceiptSerializer(allow_null=True))
    def get_my_receipt(self, item):
        row = reading.receipt_of(self.context["request"].user, item)
        return ReceiptSerializer(row).data if row else None

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_my_result(self, item):
        row = reading.result_of(self.context["request"].user, item)
        return ResultSerializer(row).data if row else None


class ItemInput(serializers.Serializer):
    org = serializers.IntegerField(help_text="发布单位")
    kind = serializers.ChoiceField(choices=ItemKind.choices, help_text="文章或通知")
    theme = serializers.IntegerField(help_text="主题")
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(required=False, help_text="正文，HTML 或纯文本，保存前净化")
    required = serializers.BooleanField(required=False, help_text="必读")
    quiz_required = serializers.BooleanField(required=False)
    pass_percent = serializers.IntegerField(help_text="测验及格线（%）")
    pinned = serializers.BooleanField(required=False)
    publish_at = serializers.DateTimeField(required=False, help_text="定时发布")
    expires_at = serializers.DateTimeField(required=False, help_text="下架时间")
    audience_who = serializers.ChoiceField(choices=Who.choices, help_text="发送对象")
    audience_orgs = serializers.ListField(child=serializers.IntegerField(), required=False)
    images = serializers.ListField(child=serializers.FileField(), required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class PublicityWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(help_text="撤回原因（必填）")


class RemindInput(serializers.Serializer):
    person = serializers.IntegerField(required=False, help_text="只提醒此人；不填：提醒全部")


class RemindOutput(serializers.Serializer):
    told = serializers.IntegerField(help_text="本次发出的提醒数（今天已提醒过的不再提醒）")


SHOW = OpenApiParameter("show", str, enum=["unread", "required"], description="未读；必读未确认")
KEPT = OpenApiParameter("kept", str, enum=["1"], description="1：发布者的列表和本范围阅读情况")
ORG = OpenApiParameter("org", int, description="按该组织的下级统计（须在本范围内）")
NO_SUCH = OpenApiResponse(description="宣传内容不存在或无权查看")
REFUSED = OpenApiResponse(description="不符合规定（不是发给调用者的、须先通过测验等），中文说明")
FORBIDDEN = OpenApiResponse(description="无权执行（不是发布者，或账号未关联人员档案）")
QUIZ_INPUT = {
    "type": "object",
    "description": "每题一项：键为 q<题目 id>，值为所选选项序号（多选为列表）或填空文字",
    "additionalProperties": True,
}


@extend_schema_view(
    list=extend_schema(
        summary="我的宣传内容",
        description="发给调用者的已发布内容：置顶在前，未读在前；?kept=1 为发布者的列表，含本范围"
        "送达、打开、确认人数和比率（不列个人排名）。",
        parameters=[SHOW, KEPT],
        responses={200: MyItemSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="宣传内容详情",
        description="正文、图片和附件、测验题（不含答案）、调用者的回执和测验结果。只读，"
        "不记录打开（用“标记已打开”）。",
        responses={200: ItemDetailSerializer, 404: NO_SUCH},
    ),
    create=extend_schema(
        summary="新建宣传内容（草稿）",
        description="multipart 表单（可附 images 图片、attachments 附件）或 JSON；正文保存前净化，"
        "不是图片的图片被拒绝。",
        request={"multipart/form-data": ItemInput, "application/json": ItemInput},
        responses={201: ItemDetailSerializer, 400: REFUSED, 403: FORBIDDEN},
    ),
)
class PublicityItemViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    pagination_class = Pagination
    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _kept(self) -> bool:
        return self.request.query_params.get("kept") == "1"

    def get_serializer_class(self):
        if self.action != "list":
            return ItemDetailSerializer
        return KeptItemSerializer if self._kept() else MyItemSerializer

    def get_queryset(self):
        user = self.request.user
        if self._kept():
            if not services.reads(user):
                raise PermissionDenied(services.NOT_PUBLISHER)
            return services.kept_by(user).select_related("org", "theme").order_by("-id")
        if getattr(user, "person_id", None) is None:
            return Item.objects.none()
        show = self.request.query_params.get("show", "")
        return reading.mine(user, show if show in ("unread", "required") else "")

    def get_object(self):
        return services.require_visible(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = request.data
        if hasattr(data, "getlist"):  # multipart: lists stay lists
            data = data.copy()
        outcome = core_actions.run(
            item_actions.NEW, request.user, None, "create", data, request.FILES
        )
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        item = services.require_visible(request.user, outcome.result.pk)
        body = ItemDetailSerializer(item, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _run(self, request, pk, step: str, data):
        item = services.require_visible(request.user, pk)
        outcome = core_actions.run(item_actions.ACTIONS, request.user, item, step, data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return outcome.result

    @extend_schema(
        operation_id="publicity_items_opened",
        summary="标记已打开",
        description="记录首次打开（回执每人每条一次）；不计阅读时长。",
        request=None,
        responses={200: ReceiptSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="opened")
    def opened(self, request, pk=None):
        return Response(ReceiptSerializer(self._run(request, pk, "open", {})).data)

    @extend_schema(
        operation_id="publicity_items_confirm",
        summary="确认已阅读",
        description="必读内容的“已阅读/已学习”，只记一次；要求先通过测验的，须先通过。",
        request=None,
        responses={200: ReceiptSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="confirm")
    def confirm(self, request, pk=None):
        return Response(ReceiptSerializer(self._run(request, pk, "confirm", {})).data)

    @extend_schema(
        operation_id="publicity_items_quiz",
        summary="提交测验",
        description="每题必答；按学习培训的判分规则评分，保留最近一次结果，通过后一直有效。",
        request={"application/json": QUIZ_INPUT},
        responses={200: ResultSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="quiz")
    def quiz(self, request, pk=None):
        return Response(ResultSerializer(self._run(request, pk, "quiz", request.data)).data)

    @extend_schema(
        operation_id="publicity_items_publish",
        summary="发布",
        description="草稿立即发布，或到设定的发布时间后出现；必读内容向发送对象发站内消息。",
        request=None,
        responses={200: ItemDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="publish")
    def publish(self, request, pk=None):
        item = self._run(request, pk, "publish", {})
        return Response(ItemDetailSerializer(item, context={"request": request}).data)

    @extend_schema(
        operation_id="publicity_items_withdraw",
        summary="撤回",
        description="须填写撤回原因；撤回的内容保留在历史中，读者打开时看到原因。",
        request=PublicityWithdrawInput,
        responses={200: ItemDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="withdraw")
    def withdraw(self, request, pk=None):
        item = self._run(request, pk, "withdraw", request.data)
        return Response(ItemDetailSerializer(item, context={"request": request}).data)

    @extend_schema(
        operation_id="publicity_items_remind",
        summary="提醒未确认的人员",
        description="向本范围内尚未确认必读内容的人员发站内消息，同一人同一内容每天最多一次。",
        request=RemindInput,
        responses={200: RemindOutput, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="remind")
    def remind(self, request, pk=None):
        return Response({"told": self._run(request, pk, "remind", request.data)})

    @extend_schema(
        operation_id="publicity_items_reach",
        summary="阅读情况",
        description="本范围内的送达、打开、确认、测验通过人数和比率：合计、按下级组织、按日累计。"
        "不列个人，不排名。",
        parameters=[ORG],
        responses={200: ReachSerializer, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["get"], url_path="reach")
    def reach(self, request, pk=None):
        item = services.require_visible(request.user, pk)
        if not services.keeps(request.user, item):
            raise PermissionDenied("您无权查看阅读情况")
        root = reach.root_for(request.user, item, request.query_params.get("org", ""))
        total = reach.total(request.user, item)
        data = {
            "org": root.pk,
            "total": total,
            "units": reach.per_unit(request.user, item, root),
            "by_day": reach.by_day(request.user, item, total.delivered),
        }
        return Response(ReachSerializer(data).data)
