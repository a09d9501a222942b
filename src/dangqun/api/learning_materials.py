"""学习资料 over the API (issue #17 §2, §5), scoped like the pages: the caller's materials
(``?tag=`` a theme), or with ``?kept=1`` the organiser's with each one's reach in their sub-tree
(counts and rates, no names); one material with the caller's own study; marking it opened and
confirming 已学 with an optional note — the same actions table as the pages
(``learning.material_actions``). A refusal is a 400 in Chinese, anything outside the caller's
scope a 404."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from dangqun.api.pagination import Pagination
from dangqun.api.views import ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.learning import material_actions, materials, services, studies
from dangqun.learning.material_models import Material, MaterialKind, Study


class StudySerializer(serializers.ModelSerializer):
    class Meta:
        model = Study
        fields = ["opened_at", "confirmed_at", "note"]
        read_only_fields = fields


class MaterialSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    tags = serializers.SerializerMethodField(help_text="主题")

    class Meta:
        model = Material
        fields = [
            *("id", "title", "kind", "kind_label", "org", "org_name", "tags", "due_on"),
            *("status", "status_label", "published_at"),
        ]
        read_only_fields = fields

    def get_tags(self, material) -> list[str]:
        return [tag.name for tag in material.tags.all()]


class MyMaterialSerializer(MaterialSerializer):
    opened = serializers.BooleanField(read_only=True, help_text="已打开")
    confirmed = serializers.BooleanField(read_only=True, help_text="已确认学完")

    class Meta(MaterialSerializer.Meta):
        fields = [*MaterialSerializer.Meta.fields, "opened", "confirmed"]
        read_only_fields = fields


class ReachSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="本范围内应学人数")
    opened = serializers.IntegerField(help_text="已打开人数")
    confirmed = serializers.IntegerField(help_text="已学人数")
    opened_rate = serializers.IntegerField(allow_null=True, help_text="打开率（%）")
    confirmed_rate = serializers.IntegerField(allow_null=True, help_text="学习率（%）")


class KeptMaterialSerializer(MaterialSerializer):
    reach = serializers.SerializerMethodField(help_text="本范围内的学习情况（人数和比率）")

    class Meta(MaterialSerializer.Meta):
        fields = [*MaterialSerializer.Meta.fields, "reach"]
        read_only_fields = fields

    @extend_schema_field(ReachSerializer)
    def get_reach(self, material):
        return ReachSerializer(studies.reach(self.context["request"].user, material)).data


class MaterialDetailSerializer(MaterialSerializer):
    description = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="链接类资料的网址")
    file_url = serializers.SerializerMethodField(
        help_text="文件或视频的地址（视频支持 Range 请求）"
    )
    my_study = serializers.SerializerMethodField(help_text="调用者本人的学习记录，未打开为 null")

    class Meta(MaterialSerializer.Meta):
        fields = [*MaterialSerializer.Meta.fields, "description", "url", "file_url", "my_study"]
        read_only_fields = fields

    def get_file_url(self, material) -> str | None:
        if material.kind == MaterialKind.LINK or not material.files.exists():
            return None
        return reverse("learning:material_file", args=[material.pk])

    @extend_schema_field(StudySerializer(allow_null=True))
    def get_my_study(self, material):
        study = studies.study_of(self.context["request"].user, material)
        return StudySerializer(study).data if study else None


class ConfirmInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="心得体会（可不填，最多 1000 字）"
    )


TAG = OpenApiParameter("tag", str, description="按主题筛选，如 党章党规")
KEPT = OpenApiParameter(
    "kept", str, enum=["1"], description="1：列出本人组织（或上级组织下发到本范围）的资料和学习情况"
)
NO_SUCH = OpenApiResponse(description="学习资料不存在或无权查看")
REFUSED = OpenApiResponse(description="不符合规定（不在学习任务中、心得过长等），中文说明")
FORBIDDEN = OpenApiResponse(description="无权执行（不是组织者，或账号未关联人员档案）")


@extend_schema_view(
    list=extend_schema(
        summary="我的学习资料",
        description="已发布且学习对象包含调用者的资料，期限近的在前；?kept=1 为组织者的资料列表，"
        "含本范围内应学、已打开、已学的人数和比率（不列个人排名）。",
        parameters=[TAG, KEPT],
        responses={200: MyMaterialSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="学习资料详情",
        description="含文件地址和调用者本人的学习记录。只读，不记录打开（用“标记已打开”）。",
        responses={200: MaterialDetailSerializer, 404: NO_SUCH},
    ),
)
class LearningMaterialViewSet(
    ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pagination_class = Pagination
    lookup_value_regex = r"\d+"

    def _kept(self) -> bool:
        return self.request.query_params.get("kept") == "1"

    def get_serializer_class(self):
        if self.action != "list":
            return MaterialDetailSerializer
        return KeptMaterialSerializer if self._kept() else MyMaterialSerializer

    def get_queryset(self):
        user = self.request.user
        tag = self.request.query_params.get("tag", "").strip()[:20]
        if self._kept():
            if not services.organises(user):
                raise PermissionDenied(services.NOT_ORGANISER)
            rows = materials.kept_by(user).order_by("-id")
            if tag:
                rows = rows.filter(tags__name=tag)
            return rows.select_related("org").prefetch_related("tags", "audience_orgs")
        if getattr(user, "person_id", None) is None:
            return Material.objects.none()
        return studies.mine(user, tag)

    def get_object(self):
        return materials.require_visible(self.request.user, self.kwargs["pk"])

    def _run(self, request, pk, step: str, data):
        material = materials.require_visible(request.user, pk)
        outcome = core_actions.run(material_actions.ACTIONS, request.user, material, step, data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(StudySerializer(outcome.result).data)

    @extend_schema(
        operation_id="learning_materials_opened",
        summary="标记已打开",
        description="记录首次打开的时间（再次打开保留首次）；不计在线时长。",
        request=None,
        responses={200: StudySerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="opened")
    def opened(self, request, pk=None):
        return self._run(request, pk, "open", {})

    @extend_schema(
        operation_id="learning_materials_confirm",
        summary="确认已学",
        description="一键“已学”，可附心得体会（只有资料的组织者和本人所在支部能看到）；"
        "再次提交可修改心得。启用规则 learning.self_study 时按每项学时计入，每年有上限。",
        request=ConfirmInput,
        responses={200: StudySerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="confirm")
    def confirm(self, request, pk=None):
        return self._run(request, pk, "confirm", request.data)
