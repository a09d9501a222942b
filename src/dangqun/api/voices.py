"""Voices over the API: an employee's program (or an app) submits with the caller's account; staff
read the voices their scope shows and handle them with the same actions, forms and services as
the pages (``voices.actions``)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from dangqun.accounts.scope import get_in_scope
from dangqun.api.pagination import PeoplePagination
from dangqun.api.views import NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core import uploads
from dangqun.people.models import Person
from dangqun.voices import actions, intake, services, suggestions
from dangqun.voices.models import Category, Channel, Identity, Kind, Rating, Status, Voice

KINDS = [(k.value, k.label) for k in Kind if k != Kind.PROPOSAL]


class VoiceSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, help_text="编号")
    raised_by = serializers.SerializerMethodField(
        help_text="反映人：实名显示姓名，保密仅管理员可见"
    )
    overdue = serializers.SerializerMethodField(help_text="超时情况，空为未超时")
    rating = serializers.ChoiceField(
        choices=Rating.choices, read_only=True, allow_blank=True, help_text="评价，空为未评价"
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    handling_org_name = serializers.CharField(
        source="handling_org.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Voice
        fields = [
            "id",
            "number",
            "kind",
            "channel",
            "identity",
            "title",
            "content",
            "category",
            "urgency",
            "unit",
            "unit_name",
            "handling_org",
            "handling_org_name",
            "raised_by",
            "status",
            "submitted_at",
            "response_due",
            "resolution_due",
            "responded_at",
            "answered_at",
            "closed_at",
            "answer",
            "solved",
            "rating",
            "overdue",
        ]
        read_only_fields = fields

    def get_raised_by(self, voice) -> str:
        return services.who_raised(self.context["request"].user, voice)

    def get_overdue(self, voice) -> str:
        return voice.overdue()


_when = serializers.DateTimeField().to_representation


def as_submitted(user, voice: Voice) -> dict:
    """``VoiceSerializer(voice).data`` for a voice just submitted, built directly: the model
    serializer builds its 25 fields again for every instance, a third of a submission's time
    in Python (issue #15 §5). A test holds the two equal."""
    return {
        "id": voice.pk,
        "number": voice.number,
        "kind": voice.kind,
        "channel": voice.channel,
        "identity": voice.identity,
        "title": voice.title,
        "content": voice.content,
        "category": voice.category_id,
        "urgency": voice.urgency,
        "unit": voice.unit_id,
        "unit_name": voice.unit.name,
        "handling_org": voice.handling_org_id,
        "handling_org_name": voice.handling_org.name if voice.handling_org_id else None,
        "raised_by": services.who_raised(user, voice),
        "status": voice.status,
        **{
            name: None if getattr(voice, name) is None else _when(getattr(voice, name))
            for name in SUBMITTED_TIMES
        },
        "answer": voice.answer,
        "solved": voice.solved,
        "rating": voice.rating,
        "overdue": voice.overdue(),
    }


SUBMITTED_TIMES = (
    "submitted_at",
    "response_due",
    "resolution_due",
    "responded_at",
    "answered_at",
    "closed_at",
)


class NewVoiceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS, default=Kind.SUGGESTION)
    title = serializers.CharField(max_length=services.MAX_TITLE)
    content = serializers.CharField(max_length=services.MAX_BODY)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(active=True), required=False, allow_null=True
    )
    identity = serializers.ChoiceField(choices=Identity.choices, default=Identity.NAMED)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class SuggestTextSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=services.MAX_TITLE, required=False, allow_blank=True, help_text="标题（可空）"
    )
    content = serializers.CharField(
        max_length=services.MAX_BODY, required=False, allow_blank=True, help_text="内容"
    )

    def validate(self, attrs):
        # most archived messages have no title: the content alone is enough
        if not (attrs.get("title") or "").strip() and not (attrs.get("content") or "").strip():
            raise ValidationError({"content": ["请填写标题或内容"]})
        return attrs


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    similarity = serializers.FloatField(help_text="文字相似度 0–1")


class AnsweredBeforeSerializer(DuplicateSerializer):
    answer = serializers.CharField(help_text="既往答复，可作为本条答复的草稿")
    answered_at = serializers.DateTimeField(allow_null=True, help_text="答复时间")
    solved = serializers.BooleanField(allow_null=True, help_text="是否已解决")


class SuggestedCategorySerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text="类别 ID")
    category_name = serializers.CharField(help_text="类别名称（二级类别含上级）")
    confidence = serializers.FloatField(help_text="置信度 0–1")


class SuggestionSerializer(serializers.Serializer):
    suggestions = SuggestedCategorySerializer(
        many=True, help_text="最可能的 3 个启用中的类别，置信度从高到低（未训练模型时为空）"
    )
    prefill = serializers.IntegerField(
        allow_null=True,
        help_text="可预填的类别 ID：第一个建议的置信度达到 threshold 时为其 ID，否则为 null",
    )
    threshold = serializers.FloatField(
        allow_null=True, help_text="预填门槛（规则 voices.suggestions；规则停用时为 null）"
    )
    category = serializers.IntegerField(
        allow_null=True, help_text="（兼容旧版）第一个建议的类别 ID，不论置信度"
    )
    category_name = serializers.CharField(allow_null=True, help_text="（兼容旧版）其名称")
    confidence = serializers.FloatField(allow_null=True, help_text="（兼容旧版）其置信度 0–1")
    duplicates = DuplicateSerializer(
        many=True, required=False, help_text="同单位或同承办单位可能重复的呼声（可合并）"
    )
    answered_before = AnsweredBeforeSerializer(
        many=True, required=False, help_text="已答复的相似呼声及其答复"
    )


class VoiceFilterMixin:
    def filter_queryset(self, queryset):
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Status.values:
                raise ValidationError({"status": [f"状态应为 {', '.join(Status.values)} 之一"]})
            queryset = queryset.filter(status=wanted)
        if self.request.query_params.get("mine") == "1":
            queryset = queryset.filter(user=self.request.user)
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="群众呼声列表",
        description="授权范围内的呼声与本人提交的呼声；?status= 按状态，?mine=1 仅本人。",
        parameters=[
            OpenApiParameter("status", str, enum=Status.values, description="状态"),
            OpenApiParameter("mine", str, enum=["1"], description="1：只列出本人提交的"),
        ],
    ),
    retrieve=extend_schema(summary="呼声详情", responses={200: VoiceSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="提交呼声",
        description=(
            "以调用者账号提交（渠道：接口）。返回的 query_code 只出现这一次。"
            "附件用 multipart/form-data 的 files 字段（可多个），按内容检查类型。"
        ),
        request=NewVoiceSerializer,
        responses={201: VoiceSerializer, 400: OpenApiResponse(description="数据有误")},
    ),
)
class VoiceViewSet(
    ServiceErrorsMixin,
    VoiceFilterMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = VoiceSerializer
    pagination_class = PeoplePagination

    def get_queryset(self):
        return (
            services.visible_to(self.request.user)
            .select_related("unit", "handling_org", "person")
            .order_by("-submitted_at", "-id")
        )

    def get_object(self):
        return get_in_scope(self.get_queryset(), pk=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        incoming = NewVoiceSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # the person and their unit in one query, only the columns submitting reads (a whole
        # person took twice as long); the cached person is what intake records
        people = (
            Person.objects.select_related("unit")
            .only("name", "unit__name", "unit__system", "unit__path")
            .filter(pk=request.user.person_id)
        )
        person = next(iter(people), None)  # not .first(): its ORDER BY costs more to compile
        if person is None:
            raise ValidationError({"unit": ["账号未关联人员档案，无法确定反映单位"]})
        request.user.person = person
        data = dict(incoming.validated_data)
        try:
            files = uploads.check_all(request.FILES.getlist("files"))
        except DjangoValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
        submitted = intake.submit(
            request.user,
            data,
            unit=person.unit,
            channel=Channel.API,
            identity=data["identity"],
            files=files,
        )
        body = {"query_code": submitted.code}
        if submitted.voice.identity != Identity.ANONYMOUS:  # an anonymous voice is nobody's
            # the voice as just written (its unit and person are loaded): the submitter sees
            # their own voice, so reading it back through the scope would only cost queries
            body.update(as_submitted(request.user, submitted.voice))
        else:
            body.update({"number": submitted.voice.number, "status": submitted.voice.status})
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="voices_act",
        parameters=[
            OpenApiParameter(
                "step", str, OpenApiParameter.PATH, enum=list(actions.ACTIONS), description="操作"
            )
        ],
        summary="办理呼声",
        description=(
            "与页面相同的办理操作，step 为：" + "、".join(actions.ACTIONS) + "。"
            "请求体字段与页面表单相同，例如 assign 需要 handling_org、urgency，answer 需要 text、solved"
            "（1 或 0），rate 需要 rating；附件用 multipart 的 files 字段。"
        ),
        request=None,
        responses={
            200: VoiceSerializer,
            400: OpenApiResponse(description="数据有误，按字段给出中文说明"),
            403: OpenApiResponse(description="无权执行该操作"),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(actions.ACTIONS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in actions.ACTIONS:
            raise NotFound("没有这个办理操作")
        voice = services.require_visible(request.user, pk)
        form = actions.run(request.user, voice, step, request.data, request.FILES)
        if form is not None:
            raise ValidationError(core_actions.errors_by_field(form))
        voice = services.require_visible(request.user, pk)
        return Response(self.get_serializer(voice).data)

    @extend_schema(
        summary="呼声的智能提示",
        description=(
            "依据本单位已办理呼声学习的最可能的 3 个类别及置信度（未训练模型时为空），"
            "第一个的置信度达到预填门槛时 prefill 为其 ID；"
            "以及全部历史中可能重复的呼声（同单位或同承办单位，可合并）和已答复的相似呼声及其答复"
            "（均仅限调用者可见的）。"
        ),
        responses={200: SuggestionSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def suggestion(self, request, pk=None):
        voice = services.require_visible(request.user, pk)
        body = _suggestion(voice.title, voice.content)
        similar = suggestions.similar_voices(request.user, voice)
        body["duplicates"] = [_similar(other, score) for other, score in similar.duplicates]
        body["answered_before"] = [
            {
                **_similar(other, score),
                "answer": other.answer,
                "answered_at": other.answered_at,
                "solved": other.solved,
            }
            for other, score in similar.answered
        ]
        return Response(SuggestionSerializer(body).data)

    @extend_schema(
        summary="为尚未提交的文字建议类别",
        description=(
            "返回最可能的 3 个类别及置信度；prefill 不为 null 时表单可预填该类别，"
            "否则只把建议列出供参考。标题可空；很长的内容只读前 2000 字。不保存任何内容。"
        ),
        request=SuggestTextSerializer,
        responses={200: SuggestionSerializer, 400: OpenApiResponse(description="数据有误")},
    )
    @action(detail=False, methods=["post"])
    def suggest(self, request):
        incoming = SuggestTextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        return Response(_suggestion(data.get("title", ""), data.get("content", "")))


def _similar(other, score: float) -> dict:
    return {"id": other.pk, "number": other.number, "title": other.title, "similarity": score}


def _suggestion(title: str, content: str) -> dict:
    suggested = suggestions.suggest_categories(title, content)
    top = [
        {"category": s.category.pk, "category_name": str(s.category), "confidence": s.confidence}
        for s in suggested.top
    ]
    first = top[0] if top else {"category": None, "category_name": None, "confidence": None}
    return {
        "suggestions": top,
        "prefill": suggested.prefill.category.pk if suggested.prefill else None,
        "threshold": suggested.threshold,
        **first,
    }
