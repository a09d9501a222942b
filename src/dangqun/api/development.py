"""发展党员 over the API: the cases a caller may see, with their stage, the steps done, what is
next and what would refuse it; opening a case and every step of the case page through the same
actions table (``development.actions``), scoped and audited like the pages. Assessments, votes
and the 政审 conclusion are read on the pages; the documents' downloads are in
``api.development_files``, the board and the annual plan in ``api.development_figures``."""

from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from dangqun.accounts.scope import get_in_scope
from dangqun.api.development_files import CaseDownloadsMixin, CaseFileSerializer
from dangqun.api.pagination import Pagination
from dangqun.api.views import NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core.ids import parse_id
from dangqun.development import actions, checks, services
from dangqun.development import timeline as timelines
from dangqun.development.models import Case, Status
from dangqun.development.steps import ASSESSED, STAGES, STEPS, VOTES, stage_of
from dangqun.orgs.models import Org

FORBIDDEN = OpenApiResponse(description="无权办理（只读授权或不是该步骤的办理组织）")
INVALID = OpenApiResponse(description="数据有误或不符合规定，按字段给出中文说明（含依据的条款）")


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


class RuleSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="规则编号")
    title = serializers.CharField(help_text="规则名称")
    citation = serializers.CharField(help_text="依据的条款")


class RefusalSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="不能办理的原因（含依据）")
    rule = serializers.CharField(help_text="规则编号")
    citation = serializers.CharField(help_text="依据的条款，办理顺序类为空")


class NextStepSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="步骤序号（1—25）")
    name = serializers.CharField(help_text="步骤名称")
    stage = serializers.IntegerField(help_text="所处阶段（1—5）")
    by = serializers.ChoiceField(
        choices=["branch", "committee"], help_text="办理组织：党支部或审批党委"
    )
    may = serializers.BooleanField(help_text="调用者可否办理")
    action = serializers.ChoiceField(
        choices=["step", "vote", "assess"], help_text="用哪个操作办理（POST …/{id}/{action}/）"
    )
    rule = RuleSerializer(allow_null=True, help_text="该步骤依据的规则")
    refusals = RefusalSerializer(many=True, help_text="按今天的日期，会拒绝办理的原因")


class DeadlineSerializer(serializers.Serializer):
    what = serializers.CharField(help_text="待办事项")
    due_on = serializers.DateField(help_text="期限")
    overdue = serializers.BooleanField(help_text="是否已超期")
    rule = serializers.CharField(help_text="规则编号")
    citation = serializers.CharField(help_text="依据的条款")


class AllowedSerializer(serializers.Serializer):
    steps = serializers.ListField(
        child=serializers.IntegerField(), help_text="调用者现在可办理的步骤"
    )
    vote_step = serializers.IntegerField(allow_null=True, help_text="可录入表决结果的步骤")
    assess = serializers.BooleanField(help_text="可记录考察意见")
    extend = serializers.BooleanField(help_text="可延长预备期")
    close = serializers.BooleanField(help_text="可终止")
    export = serializers.BooleanField(help_text="可导出材料")


class CaseDetailSerializer(CaseSerializer):
    """A case with its timeline (``context["timeline"]``: what the case page reads)."""

    steps = serializers.SerializerMethodField(help_text="已办理的步骤")
    next_steps = serializers.SerializerMethodField(help_text="待办理的步骤及会拒绝办理的原因")
    deadlines = serializers.SerializerMethodField(help_text="待办的期限")
    allowed = serializers.SerializerMethodField(help_text="调用者可执行的操作")
    files = serializers.SerializerMethodField(help_text="材料（仅党务工作人员可见）")

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            *("steps", "next_steps", "deadlines", "allowed", "files"),
        ]
        read_only_fields = fields

    @property
    def line(self) -> timelines.Timeline:
        return self.context["timeline"]

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, case) -> list[dict]:
        records = self.line.facts.records
        return [
            {
                "number": number,
                "name": STEPS[number].name,
                "done_on": records[number].done_on,
                "org_name": records[number].org.name,
            }
            for number in sorted(records)
        ]

    @extend_schema_field(NextStepSerializer(many=True))
    def get_next_steps(self, case) -> list[dict]:
        return [_next_step(row) for row in self.line.steps if row.ready]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case) -> list[dict]:
        today = timezone.localdate()
        return [
            {
                "what": d.what,
                "due_on": d.due_on,
                "overdue": d.due_on < today,
                "rule": d.rule.id,
                "citation": d.rule.citation,
            }
            for d in checks.deadlines(self.line.facts)
        ]

    @extend_schema_field(AllowedSerializer)
    def get_allowed(self, case) -> dict:
        line = self.line
        return {
            "steps": [row.step.number for row in line.steps if row.may],
            "vote_step": line.vote_step,
            "assess": line.may_assess,
            "extend": line.may_extend,
            "close": line.may_close,
            "export": line.may_export,
        }

    @extend_schema_field(CaseFileSerializer(many=True))
    def get_files(self, case) -> list[dict]:
        rows = [row for step in self.line.steps for row in step.files]
        return CaseFileSerializer(rows, many=True).data


def _next_step(row: timelines.StepRow) -> dict:
    number = row.step.number
    rule = row.rule
    return {
        "number": number,
        "name": row.step.name,
        "stage": row.step.stage,
        "by": row.step.by,
        "may": row.may,
        "action": "vote" if number in VOTES else "assess" if number in ASSESSED else "step",
        "rule": rule and {"id": rule.id, "title": rule.title, "citation": rule.citation},
        "refusals": [
            {"message": checks.message(f), "rule": f.rule.id, "citation": f.rule.citation}
            for f in row.findings
        ],
    }


class OpenCaseSerializer(serializers.Serializer):
    branch = serializers.IntegerField(help_text="党支部 ID（调用者可办理发展党员的）")
    employee_no = serializers.CharField(help_text="申请人工号（调用者管理范围内的）")
    applied_on = serializers.DateField(help_text="递交入党申请书日期")
    note = serializers.CharField(required=False, allow_blank=True, help_text="情况说明")


def body_of(request):
    """The request's fields as a form reads them: a form post as it is; a JSON object with its
    values as text (true/false as 1/0, null as empty, a list item by item). Other JSON — an
    array, a nested object — is refused as a 400 naming the field."""
    data = request.data
    if isinstance(data, QueryDict):
        return data
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["请求体应为 JSON 对象或表单"]})
    fields = MultiValueDict()
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        if not all(_is_plain(v) for v in values):
            raise ValidationError({key: ["应为文字、数字、true/false 或它们的列表"]})
        fields.setlist(key, [_as_text(v) for v in values])
    return fields


def _is_plain(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


STEP_HELP = (
    "与页面相同的办理操作，step 为：" + "、".join(actions.ACTIONS) + "。"
    "step（办理步骤）需要 number（步骤序号）、on（日期）、note，以及该步骤特有的字段："
    "⑤⑨ people（人员 ID 列表）、⑩ conclusion 和 qualified（1 或 0，亦可 true/false）、⑪ days 或 hours、"
    "⑰㉔ approved（1 或 0，亦可 true/false）；vote（⑮㉓ 支部大会表决）需要 step、meeting 或 held_on、expected、"
    "present，以及 written、yes、no、abstain；files 需要 number 和 multipart 的 files 字段；"
    "assess 需要 on、text；extend 需要 months、on、reason；close 需要 on、reason。"
    "附件用 multipart/form-data 的 files 字段。不符合规定时返回 400，并给出依据的条款。"
)


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
class CaseViewSet(ServiceErrorsMixin, CaseDownloadsMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_queryset(self):
        cases = services.visible_to(self.request.user).select_related("person", "branch")
        params = self.request.query_params
        if params.get("status") in Status.values:
            cases = cases.filter(status=params["status"])
        stage = params.get("stage", "")
        if parse_id(stage) in STAGES:
            cases = cases.filter(step__in=[n for n, s in STEPS.items() if s.stage == int(stage)])
        org = parse_id(params.get("org", ""))
        if org:
            path = Org.objects.filter(pk=org).values_list("path", flat=True).first() or "-"
            cases = cases.filter(branch__path__startswith=path)
        if params.get("overdue") in ("1", "true"):
            cases = cases.filter(next_due_on__lt=timezone.localdate())
        return cases.order_by("-applied_on", "-id")

    def get_object(self):
        return get_in_scope(self.get_queryset(), pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    def _detail(self, case) -> dict:
        line = timelines.of(self.request.user, case, timezone.localdate())
        context = {**self.get_serializer_context(), "timeline": line}
        return CaseDetailSerializer(case, context=context).data

    @extend_schema(
        operation_id="development_cases_open",
        summary="登记入党申请（发展党员第①步）",
        description="与“登记入党申请”页面相同：调用者须有办理发展党员的权限，申请人须在其管理范围内。",
        request=OpenCaseSerializer,
        responses={201: CaseDetailSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    @action(detail=False, methods=["post"], url_path="open")
    def open(self, request):
        outcome = core_actions.run(actions.OPEN, request.user, None, "open", body_of(request))
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        case = services.require_visible(request.user, outcome.result.pk)
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="development_cases_act",
        parameters=[
            OpenApiParameter(
                "step",
                str,
                OpenApiParameter.PATH,
                enum=list(actions.ACTIONS),
                description="操作",
            )
        ],
        summary="办理发展党员",
        description=STEP_HELP,
        request=None,
        responses={200: CaseDetailSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(actions.ACTIONS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in actions.ACTIONS:
            raise NotFound("没有这个操作")
        case = services.require_visible(request.user, pk)
        if not core_actions.may(actions.ACTIONS, request.user, case, step):
            raise PermissionDenied(actions.ACTIONS[step].refused)
        body = body_of(request)
        unknown = actions.unknown_step(step, body)
        if unknown:
            raise ValidationError({"number": [unknown]})
        data, files = actions.with_prefix(step, body, request.FILES)
        outcome = core_actions.run(actions.ACTIONS, request.user, case, step, data, files)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(self._detail(services.require_visible(request.user, pk)))
