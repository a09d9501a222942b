"""职代会 over the API, as the congress pages keep them (``voices.admin_actions``: the same forms,
rules and audit): the congresses the caller keeps, one with its representatives and proposals,
a new congress, its settings, representatives added by 工号 or removed, paper proposals; and a
representative proposing to a congress taking proposals."""

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
from dangqun.api.proposals import CongressSerializer, ProposalSerializer
from dangqun.api.views import FORBIDDEN, INVALID, NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.voices import admin_actions, proposals, services
from dangqun.voices.models import Representative, Voice

STEPS = ["settings", "reps", "paper"]
STEP = OpenApiParameter("step", str, OpenApiParameter.PATH, enum=STEPS, description="操作")
STEPS_HELP = (
    "与职代会页面相同的操作：settings 修改设置（org、name、starts_on，可带 ends_on、accepting）；"
    "reps 按工号添加代表（employee_nos，每行或逗号分隔，全部有效才添加）；paper 登记纸质提案"
    "（proposer 提案代表 ID、title、content、seconders 签名附议的代表 ID 列表，可带 category）。"
    "返回该职代会。"
)
NO_CONTENT = OpenApiResponse(description="已移除")


class RepresentativeSerializer(serializers.ModelSerializer):
    employee_no = serializers.CharField(source="person.employee_no")
    name = serializers.CharField(source="person.name")
    delegation_name = serializers.CharField(source="delegation.name", help_text="代表团")

    class Meta:
        model = Representative
        fields = ["id", "employee_no", "name", "delegation", "delegation_name", "added_at"]
        read_only_fields = fields


class CongressDetailSerializer(CongressSerializer):
    representatives = RepresentativeSerializer(many=True, help_text="职工代表")
    proposals = ProposalSerializer(many=True, help_text="提案")

    class Meta(CongressSerializer.Meta):
        fields = [*CongressSerializer.Meta.fields, "representatives", "proposals"]
        read_only_fields = fields


class CongressInputSerializer(serializers.Serializer):
    """The congress form's fields (documentation only: the page's form reads them)."""

    org = serializers.IntegerField(help_text="召开单位（组织 ID）")
    name = serializers.CharField(max_length=100, help_text="名称")
    starts_on = serializers.DateField(help_text="本届起始日期")
    ends_on = serializers.DateField(required=False, allow_null=True, help_text="本届届满日期")
    accepting = serializers.BooleanField(required=False, help_text="正在征集提案")


class ProposalInputSerializer(serializers.Serializer):
    """The proposal form's fields (documentation only: the page's form reads them)."""

    title = serializers.CharField(help_text="案由（一事一案）")
    content = serializers.CharField(help_text="理由和建议")
    category = serializers.IntegerField(required=False, allow_null=True, help_text="类别 ID")
    seconders = serializers.ListField(
        child=serializers.IntegerField(), help_text="附议代表（代表 ID）"
    )


@extend_schema_view(
    list=extend_schema(
        summary="职代会列表",
        description="与职代会页面相同：您维护的职代会（维护群众呼声的管理员可看）。",
        responses={200: CongressSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="职代会详情",
        description="设置、职工代表和提案。",
        responses={200: CongressDetailSerializer, 404: NOT_FOUND},
    ),
)
class CongressViewSet(ServiceErrorsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CongressSerializer

    def get_queryset(self):
        return proposals.congresses_kept_by(self.request.user).order_by("-starts_on", "-id")

    def list(self, request, *args, **kwargs):
        services.require_manager(request.user, admin_actions.KEEP_CONGRESSES)
        return super().list(request, *args, **kwargs)

    def _detail(self, pk, code=status.HTTP_200_OK) -> Response:
        congress = get_in_scope(
            self.get_queryset().prefetch_related(
                "representatives__person",
                "representatives__delegation",
                "proposals__person",
                "proposals__handling_org",
                "proposals__congress",
            ),
            pk=pk,
        )
        return Response(CongressDetailSerializer(congress).data, status=code)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    @staticmethod
    def _refused(outcome) -> None:
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))

    @extend_schema(
        operation_id="voices_congresses_create",
        summary="新建职代会",
        description="与职代会页面的表单相同；召开单位须是您管理范围内的企业单位。",
        request=CongressInputSerializer,
        responses={201: CongressDetailSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def create(self, request):
        services.require_manager(request.user, admin_actions.KEEP_CONGRESSES)
        outcome = admin_actions.run_on_congress(request.user, None, "create", request.data)
        self._refused(outcome)
        return self._detail(outcome.result.pk, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="voices_congresses_act",
        parameters=[STEP],
        summary="维护职代会",
        description=STEPS_HELP,
        request=None,
        responses={200: CongressDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(STEPS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in STEPS:
            raise NotFound("没有这个操作")
        congress = get_in_scope(self.get_queryset(), pk=pk)
        self._refused(admin_actions.run_on_congress(request.user, congress, step, request.data))
        return self._detail(congress.pk)

    @extend_schema(
        operation_id="voices_congresses_representative_remove",
        summary="移除职工代表",
        description="与职代会页面的“移除”相同。",
        responses={204: NO_CONTENT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["delete"], url_path=r"representatives/(?P<rep_pk>[0-9]{1,18})")
    def remove_representative(self, request, pk=None, rep_pk=None):
        congress = get_in_scope(self.get_queryset(), pk=pk)
        rep = Representative.objects.select_related("congress", "person").filter(
            congress=congress, pk=rep_pk
        )
        if not rep:
            raise NotFound(NOT_FOUND.description)
        proposals.remove_representative(request.user, rep[0])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="voices_congresses_propose",
        summary="提交职代会提案",
        description="与提案页面相同：您是该职代会的代表且正在征集提案时可提案；所选代表被邀请附议。"
        "返回新提案。",
        request=ProposalInputSerializer,
        responses={201: ProposalSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        congress = get_in_scope(proposals.representing(request.user.person), pk=pk)
        outcome = admin_actions.run_on_congress(request.user, congress, "propose", request.data)
        self._refused(outcome)
        voice = Voice.objects.select_related("congress", "handling_org", "person").get(
            pk=outcome.result.voice.pk
        )
        return Response(ProposalSerializer(voice).data, status=status.HTTP_201_CREATED)
