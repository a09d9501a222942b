"""The figures of 发展党员 over the API, as the pages show them: the pipeline board of a branch or
a 党委 (open cases per stage, overdue, due within 30 days) and a 党委's annual plan against the
people admitted and those in the pipeline, which the 党委 sets (``development.actions.PLAN``)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.accounts.scope import require
from dangqun.api.development import CaseSerializer, body_of
from dangqun.api.views import NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core.dates import year_so_far
from dangqun.development import actions, plans, services
from dangqun.development.board import SOON, board

NO_WORK = "您没有查看发展党员工作的权限"
ORG = OpenApiParameter("org", int, description="党组织 ID；不填为权限范围内最上级的党组织")
YEAR = OpenApiParameter("year", int, description="年度（2000 至明年）；不填为今年")
FORBIDDEN = OpenApiResponse(description="没有查看（或制定计划）的权限")


class OrgRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StageCountSerializer(serializers.Serializer):
    stage = serializers.IntegerField(help_text="阶段（1—5）")
    name = serializers.CharField(help_text="阶段名称")
    count = serializers.IntegerField(help_text="正在办理的人数")


class BoardSerializer(serializers.Serializer):
    org = OrgRefSerializer(help_text="所看的党组织")
    total = serializers.IntegerField(help_text="正在办理的人数")
    stages = StageCountSerializer(many=True)
    overdue_count = serializers.IntegerField(help_text="已超期的人数")
    overdue = CaseSerializer(many=True, help_text="已超期的（最多 50 个，按期限）")
    soon_count = serializers.IntegerField(help_text=f"{SOON} 天内到期的人数")
    soon = CaseSerializer(many=True, help_text=f"{SOON} 天内到期的（最多 50 个，按期限）")


class PlanRowSerializer(serializers.Serializer):
    org = OrgRefSerializer()
    quota = serializers.IntegerField(allow_null=True, help_text="计划发展人数，未制定为空")
    admitted = serializers.IntegerField(help_text="本年上级党委审批接收的人数")
    candidates = serializers.IntegerField(help_text="发展对象人数")
    activists = serializers.IntegerField(help_text="入党积极分子人数")
    progress = serializers.IntegerField(allow_null=True, help_text="完成计划的百分比")


class PlanSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    partial = serializers.BooleanField(
        help_text="该年尚未结束：审批接收人数为截至今日的，不是全年结果"
    )
    through = serializers.DateField(
        allow_null=True, help_text="统计截止日期：往年为 12 月 31 日，今年为今天，明年为空"
    )
    total = PlanRowSerializer(help_text="该党组织合计")
    rows = PlanRowSerializer(many=True, help_text="直接下级党组织")
    may_set_quota = serializers.BooleanField(help_text="调用者可否制定该党组织的计划")


class QuotaSerializer(serializers.Serializer):
    quota = serializers.IntegerField(min_value=0, help_text="计划发展人数")
    note = serializers.CharField(required=False, allow_blank=True, help_text="说明")


def _org(org) -> dict:
    return {"id": org.pk, "name": org.name}


def _row(row: plans.PlanRow) -> dict:
    return {
        "org": _org(row.org),
        "quota": row.quota,
        "admitted": row.admitted,
        "candidates": row.candidates,
        "activists": row.activists,
        "progress": row.progress,
    }


class BoardView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="development_board",
        summary="发展党员工作看板",
        description=(
            "与“发展党员”看板页面相同：该党组织（含下级）正在办理的人数按阶段统计，"
            f"已超期的和 {SOON} 天内到期的。"
        ),
        parameters=[ORG],
        responses={200: BoardSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request):
        require(services.may_view_work(request.user), NO_WORK)
        org = services.chosen_org(request.user, request.query_params.get("org", ""))
        found = board(services.visible_to(request.user), org, timezone.localdate())
        body = {
            "org": _org(found.org),
            "total": found.total,
            "stages": [{"stage": s, "name": n, "count": c} for s, n, c in found.stages],
            "overdue_count": found.overdue_count,
            "overdue": found.overdue,
            "soon_count": found.soon_count,
            "soon": found.soon,
        }
        return Response(BoardSerializer(body, context={"request": request}).data)


class PlanView(ServiceErrorsMixin, APIView):
    def _planned(self, request) -> actions.PlanYear:
        require(services.may_view_work(request.user), NO_WORK)
        org = services.chosen_org(request.user, request.query_params.get("org", ""))
        return actions.PlanYear(
            org, plans.year_in(request.query_params.get("year", ""), timezone.localdate())
        )

    def _body(self, request, planned: actions.PlanYear) -> dict:
        total, rows = plans.plan(services.visible_to(request.user), planned.org, planned.year)
        partial, through = year_so_far(planned.year, timezone.localdate())
        return {
            "year": planned.year,
            "partial": partial,
            "through": through.isoformat() if through else None,
            "total": _row(total),
            "rows": [_row(r) for r in rows],
            "may_set_quota": core_actions.may(actions.PLAN, request.user, planned, "quota"),
        }

    @extend_schema(
        operation_id="development_plans",
        summary="年度发展党员计划",
        description="与“发展计划”页面相同：计划发展人数、本年审批接收、发展对象和入党积极分子人数，"
        "合计及直接下级党组织各一行。",
        parameters=[ORG, YEAR],
        responses={200: PlanSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request):
        return Response(self._body(request, self._planned(request)))

    @extend_schema(
        operation_id="development_plans_set_quota",
        summary="制定年度发展党员计划",
        description="审批党委制定（或修改）该年度的计划发展人数（记入审计日志）。",
        parameters=[ORG, YEAR],
        request=QuotaSerializer,
        responses={
            200: PlanSerializer,
            400: OpenApiResponse(description="数据有误"),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        planned = self._planned(request)
        outcome = core_actions.run(actions.PLAN, request.user, planned, "quota", body_of(request))
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(self._body(request, planned))
