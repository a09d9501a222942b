"""组织生活's compliance radar over the API: the figures of the radar page for an organisation and a year
(per branch, rolled up under each child organisation, each finding citing its rule), its xlsx and a
branch's printed annual record, audited by the same ``life.reports`` calls as the pages."""

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.views import FORBIDDEN, NOT_FOUND, ServiceErrorsMixin
from dangqun.core.dates import year_so_far
from dangqun.life import reports


# The compliance radar ---------------------------------------------------------------------------
class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.id", help_text="规则编号")
    title = serializers.CharField(source="rule.title", help_text="规则名称")
    text = serializers.CharField(help_text="问题说明")
    citation = serializers.CharField(help_text="依据")


class DueSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="组织生活类型")
    label = serializers.CharField()
    expected = serializers.IntegerField(help_text="应开次数（已结束的周期）")
    held = serializers.IntegerField(help_text="按期召开次数")


class RadarOrgSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="org.pk")
    name = serializers.CharField(source="org.name")


class DuesMixin(serializers.Serializer):
    due = serializers.SerializerMethodField(help_text="各类组织生活应开与实开")

    @extend_schema_field(DueSerializer(many=True))
    def get_due(self, result) -> list:
        return DueSerializer(list(result.due.values()), many=True).data


class BranchRadarSerializer(DuesMixin, RadarOrgSerializer):
    expected_attendance = serializers.IntegerField(help_text="应到人次")
    present_attendance = serializers.IntegerField(help_text="出席人次")
    attendance_rate = serializers.FloatField(allow_null=True, help_text="出勤率 0–1")
    last_held = serializers.DateField(allow_null=True, help_text="最近一次召开")
    green = serializers.BooleanField(help_text="没有问题")
    findings = FindingSerializer(many=True)


class RollupSerializer(DuesMixin, RadarOrgSerializer):
    branches = serializers.IntegerField(help_text="支部数")
    green = serializers.IntegerField(help_text="没有问题的支部数")
    attendance_rate = serializers.FloatField(allow_null=True, help_text="出勤率 0–1")
    silent = serializers.IntegerField(help_text="长期未开展组织生活的支部数")
    findings = serializers.IntegerField(help_text="问题数")


class RadarSerializer(serializers.Serializer):
    org = serializers.SerializerMethodField()
    year = serializers.IntegerField()
    partial = serializers.SerializerMethodField(
        help_text="今年尚未结束：数字为截至今日的（应开次数只计已结束的周期）"
    )
    through = serializers.SerializerMethodField(
        help_text="统计截止日期：往年为 12 月 31 日，今年为今天"
    )
    branches = BranchRadarSerializer(many=True, source="results", help_text="下属每个支部")
    rows = RollupSerializer(
        many=True, allow_null=True, help_text="按直接下级汇总（查看的组织本身是支部时为 null）"
    )

    @extend_schema_field(RadarOrgSerializer)
    def get_org(self, found) -> dict:
        return {"id": found.org.pk, "name": found.org.name}

    def get_partial(self, found) -> bool:
        return year_so_far(found.year, timezone.localdate())[0]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_through(self, found) -> str:
        return year_so_far(found.year, timezone.localdate())[1].isoformat()


class RadarView(ServiceErrorsMixin, APIView):
    @extend_schema(
        summary="组织生活合规雷达",
        description=(
            "与页面相同：授权范围内党组织某年各支部按规定周期应开与实开次数、出勤率和问题（附规则依据），"
            "以及按直接下级的汇总。?org= 党组织 ID（默认权限范围内最上级），?year= 年度（默认今年）。"
        ),
        parameters=[
            OpenApiParameter("org", int, description="党组织 ID"),
            OpenApiParameter("year", int, description="年度"),
        ],
        responses={200: RadarSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request):
        params = request.query_params
        found = reports.radar_of(request.user, params.get("org"), params.get("year"))
        return Response(RadarSerializer(found).data)


RADAR_PARAMETERS = [
    OpenApiParameter("org", int, description="党组织 ID（默认权限范围内最上级）"),
    OpenApiParameter("year", int, description="年度（默认今年）"),
]


class RadarExportView(ServiceErrorsMixin, APIView):
    @extend_schema(
        summary="导出组织生活统计（xlsx）",
        description="与页面的“导出”相同：下属每个支部一行，含应开与实开次数、出勤率和问题；记入审计日志。",
        parameters=RADAR_PARAMETERS,
        responses={
            (200, reports.XLSX): OpenApiTypes.BINARY,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request):
        params = request.query_params
        done = reports.export_radar(request.user, params.get("org"), params.get("year"))
        response = HttpResponse(done.body, content_type=reports.XLSX)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''life-radar-{done.org.pk}-{done.year}.xlsx"
        )
        return response


class AnnualRecordView(ServiceErrorsMixin, APIView):
    @extend_schema(
        summary="打印支部年度组织生活记录（PDF）",
        description="与页面的“打印年度记录”相同：对照规定周期的汇总和各次定稿的会议记录；记入审计日志。",
        parameters=RADAR_PARAMETERS,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request):
        params = request.query_params
        done = reports.annual_record(request.user, params.get("org"), params.get("year"))
        response = HttpResponse(done.body, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="life-{done.org.pk}-{done.year}.pdf"'
        return response
