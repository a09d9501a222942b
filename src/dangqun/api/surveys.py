"""问卷调查 over the API (issue #18 §2, §4), scoped like the pages: the surveys the caller sees
(``?show=todo``: those waiting for their answer), one survey with its questions, answering (the
response's key is never returned), the results within k, and the organiser's create, questions,
publish and close — the same actions tables as the pages (``surveys.actions``). A refusal is a
400 in Chinese, anything outside the caller's scope a 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from dangqun.api.metrics import rate_field
from dangqun.api.pagination import Pagination
from dangqun.api.views import ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core.ids import parse_id
from dangqun.core.rules import get_rule
from dangqun.surveys import actions, results, satisfaction, services
from dangqun.surveys.models import Participation, Question, Survey


class SurveyQuestionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    skip = serializers.JSONField(
        read_only=True, help_text="单选题的跳题：{选项序号(从0起): 题目 ID}"
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "kind",
            "kind_label",
            "text",
            "required",
            "options",
            "items",
            "skip",
            "code",
        ]
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Survey
        fields = [
            *("id", "title", "org", "org_name", "anonymous", "status", "status_label"),
            *("opens_on", "closes_on", "audience_who", "template", "wave"),
        ]
        read_only_fields = fields


class SurveyDetailSerializer(SurveySerializer):
    description = serializers.CharField(read_only=True)
    questions = SurveyQuestionSerializer(many=True, read_only=True)

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "description", "questions"]
        read_only_fields = fields


class SurveyRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="比例（%），矩阵题为该项平均分")


class SurveyQuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    position = serializers.IntegerField(source="question.position")
    text = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")
    answered = serializers.IntegerField(allow_null=True, help_text="作答份数（本题不显示时为空）")
    hidden = serializers.BooleanField(help_text="本题作答不足 k 份或可被推算，暂不显示")
    rows = SurveyRowSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    satisfied = serializers.FloatField(allow_null=True, help_text="满意率（4、5 分的比例，%）")
    nps = serializers.FloatField(allow_null=True, help_text="净推荐值（0–10 分题）")
    topics = serializers.ListField(
        child=serializers.ListField(), help_text="文字回答的话题：[话题, 条数]（不含原文）"
    )


class SurveyUnitResultSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    label = serializers.CharField()
    responses = serializers.IntegerField()
    satisfied = serializers.FloatField(allow_null=True, help_text="综合满意率（%）")


class SurveyResultsSerializer(serializers.Serializer):
    k = serializers.IntegerField(help_text="最小群体（规则 surveys.min_group）")
    total = serializers.IntegerField(help_text="答卷总数")
    shown = serializers.BooleanField(help_text="是否达到 k 份；未达到时不给出任何结果")
    unit = serializers.IntegerField(source="unit.pk", allow_null=True, default=None)
    satisfied = serializers.FloatField(allow_null=True)
    questions = SurveyQuestionResultSerializer(many=True)
    units = SurveyUnitResultSerializer(
        many=True, help_text="各单位（只列达到 k 份且不能被推算的单位）"
    )
    hidden_units = serializers.IntegerField(help_text="不单独列出的单位数")
    waves = serializers.ListField(child=serializers.DictField(), help_text="同一模板各期")


def _index_field(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True, help_text=help_text
    )


class IndexCellSerializer(serializers.Serializer):
    quarter = serializers.DateField(help_text="季度的第一天")
    label = serializers.CharField()
    responses = serializers.IntegerField(help_text="计入的答卷数（该季度未调查或不足 k 份时为 0）")
    index = _index_field("满意度指数（0—100，一位小数）；未调查或不足 k 份时为 null")
    below_k = serializers.BooleanField(
        help_text="全部：该季度有调查但答卷不足 k 份；单位：各计分题作答均不足 k 份"
        "（问卷结果中不显示的单位不列出）"
    )
    items = serializers.DictField(
        child=serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False),
        help_text="{项目代码: 得分（0—100）}",
    )
    voices = serializers.IntegerField(
        allow_null=True, help_text="群众呼声有效件数；无权查看该单位呼声时为 null"
    )
    satisfaction_rate = rate_field("群众呼声满意率")
    resolution_rate = rate_field("群众呼声解决率")


class IndexLineSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        source="unit_id", allow_null=True, help_text="单位 ID；全部为 null"
    )
    label = serializers.CharField()
    cells = IndexCellSerializer(many=True)


class SatisfactionIndexSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org.pk", help_text="调查组织单位")
    org_name = serializers.CharField(source="org.name")
    k = serializers.IntegerField(help_text="最小群体（规则 surveys.min_group）")
    weights = serializers.SerializerMethodField(help_text="{项目代码: 权重}")
    items = serializers.DictField(source="item_labels", help_text="{项目代码: 题目}")
    rule = serializers.SerializerMethodField(help_text="计算方法与依据")
    whole = IndexLineSerializer()
    units = IndexLineSerializer(many=True)

    def get_weights(self, index) -> dict[str, float]:
        return {code: float(weight) for code, weight in index.weights.items()}

    def get_rule(self, index) -> str:
        rule = get_rule(satisfaction.RULE)
        return f"{rule.explain()}（依据：{rule.citation}）"


class SurveyCreateInput(serializers.Serializer):
    org = serializers.IntegerField(help_text="组织单位 ID")
    template = serializers.ChoiceField(
        choices=["pulse", "masses_rating", "union_home"], required=False, help_text="按模板创建"
    )
    title = serializers.CharField(required=False, help_text="空白问卷的标题")
    anonymous = serializers.BooleanField(required=False)
    audience_who = serializers.CharField(required=False)


class SurveyAnswerInput(serializers.Serializer):
    answers = serializers.DictField(
        help_text="{题目 ID: 答案}：单选为选项序号（从 0 起），多选为序号列表，评分为整数，"
        "矩阵为 {项目序号: 分}，文字为字符串"
    )


NO_SUCH = OpenApiResponse(description="问卷不存在或无权查看")
REFUSED = OpenApiResponse(description="不符合规定（已结束、已填写过、评分超出范围等），中文说明")
FORBIDDEN = OpenApiResponse(description="无权执行")
SHOW = OpenApiParameter("show", str, enum=["todo"], description="todo：等待调用者填写的问卷")
UNIT = OpenApiParameter("unit", int, description="只看一个单位（须达到 k 份且不能被推算）")
STEPS = [s for s in actions.ACTIONS if s != "answer"]


@extend_schema_view(
    list=extend_schema(
        summary="问卷列表",
        description="调用者能看到的问卷：组织或查看范围内的，以及面向调用者的进行中问卷。",
        parameters=[SHOW],
        responses={200: SurveySerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="问卷详情", responses={200: SurveyDetailSerializer, 404: NO_SUCH}
    ),
)
class SurveyViewSet(
    ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pagination_class = Pagination
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return SurveyDetailSerializer if self.action == "retrieve" else SurveySerializer

    def get_queryset(self):
        user = self.request.user
        if self.request.query_params.get("show") == "todo":
            person_id = getattr(user, "person_id", None)
            done = Participation.objects.filter(person_id=person_id).values("survey_id")
            rows = services.assigned_to(user).exclude(pk__in=done)
        else:
            rows = services.visible_to(user).distinct()
        return rows.select_related("org").order_by("-id")

    def get_object(self):
        survey = services.require_visible(self.request.user, self.kwargs["pk"])
        return Survey.objects.select_related("org").prefetch_related("questions").get(pk=survey.pk)

    @extend_schema(
        operation_id="surveys_create",
        summary="新建问卷",
        description="给出 template 则按模板创建（同一组织同一模板的下一期），否则为空白问卷；均为草稿。",
        request=SurveyCreateInput,
        responses={201: SurveyDetailSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    def create(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        name = "from_template" if data.get("template") else "create"
        outcome = core_actions.run(actions.NEW, request.user, None, name, request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(SurveyDetailSerializer(outcome.result).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="surveys_answer",
        summary="填写问卷",
        description="每人一次。匿名问卷的答卷不记录填写人，也不返回答卷编号。",
        request=SurveyAnswerInput,
        responses={
            201: OpenApiResponse(description="已提交"),
            400: REFUSED,
            403: FORBIDDEN,
            404: NO_SUCH,
        },
    )
    @action(detail=True, methods=["post"], url_path="answer")
    def answer(self, request, pk=None):
        survey = services.require_visible(request.user, pk)
        outcome = core_actions.run(actions.ACTIONS, request.user, survey, "answer", request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response({"detail": actions.ACTIONS["answer"].done}, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="surveys_results",
        summary="问卷结果",
        description="只给出达到 k 份（规则 surveys.min_group）且不能被其他结果推算的群体；"
        "文字回答只以话题汇总给出。",
        parameters=[UNIT],
        responses={200: SurveyResultsSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["get"], url_path="results")
    def results(self, request, pk=None):
        survey = services.require_visible(request.user, pk)
        if not services.can_read_results(request.user, survey):
            raise PermissionDenied("您无权查看该问卷的结果")
        raw = request.query_params.get("unit")
        unit_id = parse_id(raw) if raw else None
        if raw and unit_id is None:
            raise ValidationError({"unit": ["单位编号不正确"]})
        try:
            found = results.results(survey, unit_id)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(SurveyResultsSerializer(found).data)

    @extend_schema(
        operation_id="surveys_satisfaction_index",
        summary="员工满意度指数",
        description="各单位各季度的员工满意度指数（规则 surveys.satisfaction_index）及答卷数，"
        "并列同期群众呼声的满意率、解决率；只含问卷结果中可显示的群体（规则 surveys.min_group）。",
        parameters=[
            OpenApiParameter("org", int, description="调查组织单位（默认可查看的最高一级）"),
            OpenApiParameter(
                "n", int, enum=list(satisfaction.QUARTER_CHOICES), description="季度数"
            ),
        ],
        responses={200: SatisfactionIndexSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["get"], url_path="satisfaction-index")
    def satisfaction_index(self, request):
        if not services.reads(request.user):
            raise PermissionDenied("您无权查看员工满意度指数")
        raw_org, raw_n = request.query_params.get("org"), request.query_params.get("n")
        org_id = parse_id(raw_org) if raw_org else None
        if raw_org and org_id is None:
            raise ValidationError({"org": ["组织编号不正确"]})
        count = satisfaction.DEFAULT_QUARTERS
        if raw_n:
            if (
                not (raw_n.isascii() and raw_n.isdigit())
                or int(raw_n) not in satisfaction.QUARTER_CHOICES
            ):
                raise ValidationError({"n": ["季度数只能是 4、8 或 12"]})
            count = int(raw_n)
        try:
            index = satisfaction.compute(request.user, org_id, count)
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from None
        return Response(SatisfactionIndexSerializer(index).data)

    @extend_schema(
        operation_id="surveys_act",
        parameters=[
            OpenApiParameter("step", str, OpenApiParameter.PATH, enum=STEPS, description="操作")
        ],
        summary="组织问卷",
        description=(
            "与页面相同的操作，step 为：" + "、".join(STEPS) + "。请求体字段与页面表单相同："
            "question 需要 kind、text、required，选择题 options、矩阵题 items 每行一个，"
            "跳题 skip 每行“选项序号=题号”，修改时给出 question（题目 ID）；move 需要 question、step（-1 或 1）。"
        ),
        request=None,
        responses={200: SurveyDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(STEPS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in STEPS:
            raise NotFound("没有这个操作")
        survey = services.require_visible(request.user, pk)
        outcome = core_actions.run(actions.ACTIONS, request.user, survey, step, request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(SurveyDetailSerializer(self.get_object()).data)
