"""发展党员 over the API, read-only: the cases a caller may see, with their stage, the steps done
and the next deadline — what another system (a 党建 platform, a report) needs without re-entering
it. Assessments, votes, the 政审 conclusion and documents stay on the pages."""

from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets

from dangqun.accounts.scope import get_in_scope
from dangqun.api.pagination import Pagination
from dangqun.api.views import NOT_FOUND, ServiceErrorsMixin
from dangqun.development import checks, services
from dangqun.development.models import Case, Status
from dangqun.development.steps import STAGES, STEPS, stage_of
from dangqun.orgs.models import Org


class StepSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="步骤序号（1—25）")
    name = serializers.CharField(help_text="步骤名称")
    done_on = serializers.DateField(help_text="办理日期")
    org_name = serializers.CharField(help_text="办理组织")


class CaseSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    employee_no = serializers.CharField(source="person.employee_no", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    step_name = serializers.SerializerMethodField(help_text="已完成的最后一个步骤")
    stage = serializers.SerializerMethodField(help_text="所处阶段（1—5）")
    stage_name = serializers.SerializerMethodField(help_text="阶段名称")
    probation_ends = serializers.SerializerMethodField(help_text="预备期届满日期")

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "person_name",
            "employee_no",
            "branch",
            "branch_name",
            "applied_on",
            "status",
            "step",
            "step_name",
            "stage",
            "stage_name",
            "admitted_on",
            "extension_months",
            "probation_ends",
            "next_due_on",
            "next_due",
            "closed_on",
            "closed_reason",
        ]
        read_only_fields = fields

    def get_step_name(self, case) -> str:
        return STEPS[case.step].name

    def get_stage(self, case) -> int:
        return stage_of(case.step)

    def get_stage_name(self, case) -> str:
        return STAGES[stage_of(case.step)]

    def get_probation_ends(self, case) -> str | None:
        ends = checks.probation_ends(case)
        return ends.isoformat() if ends else None


class CaseDetailSerializer(CaseSerializer):
    steps = serializers.SerializerMethodField(help_text="已办理的步骤")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "steps"]
        read_only_fields = fields

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, case) -> list[dict]:
        return [
            {
                "number": r.number,
                "name": STEPS[r.number].name,
                "done_on": r.done_on,
                "org_name": r.org.name,
            }
            for r in case.records.select_related("org").order_by("number")
        ]


@extend_schema_view(
    list=extend_schema(
        summary="发展党员列表",
        description="授权范围内党支部的发展党员记录（本人可见自己的记录）；"
        "?status= 状态、?stage= 阶段（1—5）、?org= 组织（含下级）、?overdue=1 只看已超期。",
        parameters=[
            OpenApiParameter("status", str, enum=[s.value for s in Status]),
            OpenApiParameter("stage", int, enum=list(STAGES)),
            OpenApiParameter("org", int, description="党组织 ID，含其下级"),
            OpenApiParameter("overdue", bool, description="只看最近期限已过的"),
        ],
    ),
    retrieve=extend_schema(
        summary="发展党员详情", responses={200: CaseDetailSerializer, 404: NOT_FOUND}
    ),
)
class CaseViewSet(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_queryset(self):
        cases = services.visible_to(self.request.user).select_related("person", "branch")
        params = self.request.query_params
        if params.get("status") in Status.values:
            cases = cases.filter(status=params["status"])
        stage = params.get("stage", "")
        if stage.isdigit() and int(stage) in STAGES:
            cases = cases.filter(step__in=[n for n, s in STEPS.items() if s.stage == int(stage)])
        org = params.get("org", "")
        if org.isdigit():
            path = Org.objects.filter(pk=org).values_list("path", flat=True).first() or "-"
            cases = cases.filter(branch__path__startswith=path)
        if params.get("overdue") in ("1", "true"):
            cases = cases.filter(next_due_on__lt=timezone.localdate())
        return cases.order_by("-applied_on", "-id")

    def get_object(self):
        return get_in_scope(self.get_queryset(), pk=self.kwargs["pk"])
