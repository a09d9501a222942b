"""Organisations over the API: the list and one organisation, scoped to the caller's grants, and
every change its pages make (``orgs.actions``: the same forms, rules and audit) — add a child,
edit, move, dissolve, a new term, appoint, and end a post."""

from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Left, Length
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from dangqun.accounts.scope import get_in_scope
from dangqun.api import errors
from dangqun.api.filters import OrgFilter
from dangqun.api.serializers import OrgSerializer
from dangqun.api.views import FORBIDDEN, NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.orgs import actions, checks, services
from dangqun.orgs.models import Org

INVALID = OpenApiResponse(description="数据有误或不符合规定，按字段给出中文说明")
STEP = OpenApiParameter(
    "step", str, OpenApiParameter.PATH, enum=list(actions.ACTIONS), description="操作"
)
STEPS_HELP = (
    "与页面相同的操作，step 为：" + "、".join(actions.ACTIONS) + "。请求体字段与页面表单相同："
    "add_child 需要 name、kind、founded_on（党群组织可带所在单位 unit）；"
    "edit 需要 name、on（生效日期），可带 short_name、unit、unit_situation、contact_name、"
    "contact_phone、approves_members；move 需要 new_parent、on；dissolve 需要 on，可带 note；"
    "new_term 需要 elected_on，可带 years、has_committee；appoint 需要 person（人员工号）、title、"
    "started_on。返回办理后的组织（add_child 返回新建的下级组织）。"
)


class OrgFindingSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org_id", help_text="组织 ID")
    org_name = serializers.CharField(help_text="组织名称")
    rule = serializers.CharField(source="finding.rule.id", help_text="规则编号")
    title = serializers.CharField(source="finding.rule.title", help_text="规则名称")
    text = serializers.CharField(source="finding.text", help_text="问题说明")
    citation = serializers.CharField(source="finding.citation", help_text="依据")


class FindingsSerializer(serializers.Serializer):
    orgs = serializers.IntegerField(help_text="检查的组织数（未撤销的）")
    count = serializers.IntegerField(help_text="问题数")
    findings = OrgFindingSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="组织列表", description="授权范围内的组织；?parent=ID 列出直接下级。"
    ),
    retrieve=extend_schema(summary="组织详情", responses={200: OrgSerializer, 404: NOT_FOUND}),
)
class OrgViewSet(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations of every system, scoped to the caller's grants, and their changes."""

    serializer_class = OrgSerializer
    filterset_class = OrgFilter

    def get_queryset(self):
        parent = Org.objects.filter(
            path=Left(OuterRef("path"), Length(OuterRef("path")) - Value(Org.steplen))
        ).values("pk")[:1]
        return (
            services.visible_to(self.request.user)
            .annotate(parent_pk=Subquery(parent, output_field=IntegerField()))
            .order_by("path")
        )

    def get_object(self):
        return get_in_scope(self.get_queryset(), pk=self.kwargs["pk"])

    def _answer(self, outcome, org: Org) -> Response:
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        target = outcome.result if isinstance(outcome.result, Org) else org
        return Response(OrgSerializer(get_in_scope(self.get_queryset(), pk=target.pk)).data)

    @extend_schema(
        operation_id="orgs_act",
        parameters=[STEP],
        summary="办理组织变更",
        description=STEPS_HELP,
        request=None,
        responses={200: OrgSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(actions.ACTIONS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in actions.ACTIONS:
            raise NotFound("没有这个操作")
        org = services.require_visible(request.user, pk)
        return self._answer(actions.run(request.user, org, step, request.data), org)

    @extend_schema(
        operation_id="orgs_findings",
        summary="组织建设规则提醒",
        description="首页和组织页面的规则提醒（支部规模、委员会、换届、联合支部、单位应建支部），"
        "每条给出依据：授权范围内全部组织的，或 ?org=ID 该组织及其下级的。",
        parameters=[OpenApiParameter("org", int, description="只看该组织及其下级")],
        responses={200: FindingsSerializer, 400: INVALID, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"])
    def findings(self, request):
        org = None
        if "org" in request.query_params:
            org_id = request.query_params["org"]
            if not errors.is_object_id(org_id):
                raise ValidationError({"org": ["组织 ID 应为数字"]})
            org = services.require_visible(request.user, org_id)
        orgs, findings = checks.findings_visible_to(request.user, org)
        body = {"orgs": len(orgs), "count": len(findings), "findings": findings}
        return Response(FindingsSerializer(body).data)

    @extend_schema(
        operation_id="orgs_posts_end",
        summary="登记离任",
        description="与页面的“离任”相同：ended_on 为离任日期。返回该组织。",
        request=None,
        responses={200: OrgSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path=r"posts/(?P<post_pk>\d+)/end")
    def end_post(self, request, pk=None, post_pk=None):
        org = services.require_visible(request.user, pk)
        post = services.require_post(org, post_pk)
        return self._answer(actions.run_on_post(request.user, post, "end_post", request.data), org)
