"""群众呼声's figures over the API: 三率 (响应率, 解决率, 满意率, composite) of a period and grouping,
the monthly trend (this month, not over yet, marked ``partial`` as the page draws it "so far"),
the table as xlsx and the hot topics of any period. The same functions as the page
(``voices.figures``, ``voices.periods``): the same numbers, read by the same people (查看 over
voices; others 403), counted over the same voices. A period the page would replace by this month
is refused here with the reason (400)."""

import dataclasses
import datetime as dt

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.views import ServiceErrorsMixin
from dangqun.core.ids import parse_id
from dangqun.core.rules import get_rule
from dangqun.voices import figures
from dangqun.voices.metrics import GROUP_LABELS, GROUPS, RULE
from dangqun.voices.periods import DEFAULT_BY, Period, PeriodError, parse_period, read_window

FORBIDDEN = OpenApiResponse(description="无权查看群众呼声统计")
BAD_PERIOD = OpenApiResponse(description="统计期间或分组有误，给出中文说明")
NO_ORG = OpenApiResponse(description="组织不存在或无权查看")
PERIOD_PARAMETERS = [
    OpenApiParameter("from", str, description="开始月份，如 2025-01（含）；默认本月"),
    OpenApiParameter("to", str, description="结束月份，如 2025-12（含）；默认本月；最长 36 个月"),
    OpenApiParameter(
        "by",
        str,
        enum=list(GROUPS),
        description="分组："
        + "，".join(f"{key} {label}" for key, label in GROUP_LABELS.items())
        + "；默认 handling_org",
    ),
]


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "nullable": True,
        "description": "分组的键：组织或类别的 ID，渠道或类型的取值，月份 YYYY-MM；"
        "未交办、未分类及合计为 null",
    }
)
class GroupKeyField(serializers.Field):
    def to_representation(self, value):
        return value


def rate_field(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=7,
        decimal_places=4,
        coerce_to_string=False,
        allow_null=True,
        help_text=help_text + "（0—1，四位小数；没有有效件时为 null）",
    )


class RateRowSerializer(serializers.Serializer):
    key = GroupKeyField()
    label = serializers.CharField(help_text="分组名称")
    valid = serializers.IntegerField(help_text="有效件数")
    responded = serializers.IntegerField(help_text="已响应")
    solved = serializers.IntegerField(help_text="已解决")
    satisfied = serializers.IntegerField(help_text="满意")
    basically = serializers.IntegerField(help_text="基本满意")
    unsatisfied = serializers.IntegerField(help_text="不满意")
    rated = serializers.IntegerField(help_text="已评价")
    overdue_response = serializers.IntegerField(help_text="响应超时")
    response_rate = rate_field("响应率")
    resolution_rate = rate_field("解决率")
    satisfaction_rate = rate_field("满意率")
    composite = rate_field("综合得分")
    satisfaction_among_rated = rate_field("已评价件满意率")
    median_response_hours = serializers.FloatField(
        allow_null=True, help_text="响应用时中位数（工作小时）"
    )
    median_resolution_hours = serializers.FloatField(
        allow_null=True, help_text="办理用时中位数（工作小时）"
    )


PARTIAL = "本月尚未结束：许多呼声仍在办理或等待评价，各率偏低，不代表下降"


class PeriodSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="开始月份 YYYY-MM")
    end = serializers.CharField(help_text="结束月份 YYYY-MM（含）")
    by = serializers.ChoiceField(choices=list(GROUPS))
    by_label = serializers.CharField(help_text="分组名称")
    label = serializers.CharField(help_text="期间的中文写法")
    partial = serializers.BooleanField(help_text=f"期间含本月，数字为截至今日的（{PARTIAL}）")
    through = serializers.DateField(help_text="统计截止日期：期间最后一个月的月末，含本月时为今天")


class TrendMonthSerializer(RateRowSerializer):
    partial = serializers.BooleanField(
        help_text=f"本月，数字为截至今日的（{PARTIAL}）；页面以虚线表示"
    )
    through = serializers.DateField(help_text="统计截止日期：已结束的月份为月末，本月为今天")


class SoFarSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="本月 YYYY-MM")
    label = serializers.CharField(help_text="本月的写法（本月截至今日）")
    through = serializers.DateField(help_text="今天")
    note = serializers.CharField(help_text="页面上对本月数字的说明")


class RateRuleSerializer(serializers.Serializer):
    formula = serializers.CharField(help_text="综合得分的计算方法")
    citation = serializers.CharField(help_text="依据")
    weights = serializers.DictField(
        child=serializers.FloatField(), help_text="满意、基本满意的系数与三率的权重"
    )


class MetricsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    rows = RateRowSerializer(many=True)
    total = RateRowSerializer(help_text="合计")
    rule = RateRuleSerializer()


class TrendSerializer(serializers.Serializer):
    months = TrendMonthSerializer(many=True, help_text="每月一行，最早的在前；最后一行为本月")
    so_far = SoFarSerializer(help_text="本月尚未结束")
    rule = RateRuleSerializer()


class WindowSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="第一天")
    end = serializers.DateField(source="last_day", help_text="最后一天（含）")
    label = serializers.CharField(help_text="期间的中文写法")


class TopicVoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="representative_id", help_text="呼声 ID")
    title = serializers.CharField(source="representative_title", help_text="标题")


class TopicSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="话题名称：词与词组，以顿号分隔")
    terms = serializers.ListField(
        child=serializers.CharField(), help_text="话题的词与词组（词组内的词以空格分隔）"
    )
    voices = serializers.IntegerField(help_text="本期该话题的呼声数（抽样时为估计）")
    previous = serializers.IntegerField(help_text="上一期该话题的呼声数（抽样时为估计）")
    trend = serializers.ChoiceField(
        choices=["up", "down", "flat", "new"], help_text="较上一期：上升、下降、持平、新出现"
    )
    trend_label = serializers.CharField(help_text="走势的中文写法")
    search = serializers.CharField(help_text="查找该话题呼声时所用的词（须都含有）")
    representative = TopicVoiceSerializer(source="*", help_text="代表性呼声")


class HotTopicsSerializer(serializers.Serializer):
    period = WindowSerializer(source="window")
    previous_period = WindowSerializer(source="previous_window", help_text="等长的上一期")
    total = serializers.IntegerField(help_text="本期呼声数")
    previous_total = serializers.IntegerField(help_text="上一期呼声数")
    read = serializers.IntegerField(help_text="本期读取的呼声数（超过 2,000 条时均匀抽样）")
    sampled = serializers.BooleanField(help_text="条数是否按抽样估计")
    topics = TopicSerializer(many=True)


def requested_period(params) -> Period:
    """The period of ``from``/``to``/``by``, or 400 with the reason."""
    try:
        return parse_period(
            params.get("from", ""), params.get("to", ""), params.get("by") or DEFAULT_BY
        )
    except PeriodError as exc:
        raise ValidationError({"period": [exc.message]}) from exc


def rule_data() -> dict:
    rule = get_rule(RULE)
    return {"formula": rule.explain(), "citation": rule.citation, "weights": rule.params}


def period_data(period: Period) -> dict:
    partial, through = figures.counted_through(period.end)
    return {
        "start": f"{period.start:%Y-%m}",
        "end": f"{period.end:%Y-%m}",
        "by": period.by,
        "by_label": period.by_label,
        "label": period.label,
        "partial": partial,
        "through": through,
    }


def trend_data(rows) -> list[dict]:
    """Each month's row with whether it is this month, not over yet, and its last counted day."""
    marked = []
    for row in rows:
        year, month = map(int, row.key.split("-"))
        partial, through = figures.counted_through(dt.date(year, month, 1))
        marked.append({**dataclasses.asdict(row), "partial": partial, "through": through})
    return marked


class MetricsView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_metrics",
        summary="呼声办理统计（三率）",
        description="与统计页面相同的数字：按所选月份与分组的有效件数、响应率、解决率、满意率、"
        "综合得分与用时中位数，及合计。只统计调用者可查看的呼声。",
        parameters=PERIOD_PARAMETERS,
        responses={200: MetricsSerializer, 400: BAD_PERIOD, 403: FORBIDDEN},
    )
    def get(self, request):
        figures.require_viewer(request.user)
        period = requested_period(request.query_params)
        rows, total = figures.period_table(request.user, period)
        body = {"period": period_data(period), "rows": rows, "total": total, "rule": rule_data()}
        return Response(MetricsSerializer(body).data)


class TrendView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_metrics_trend",
        summary="三率的月度走势",
        description="最近若干个月（含本月）每月一行，没有呼声的月份也列出。本月尚未结束，"
        "其一行标 partial: true，through 为今天：数字为截至今日的，与页面的虚线“本月截至今日”相同，"
        "不应画成下降。",
        parameters=[
            OpenApiParameter(
                "months", int, description=f"月数，1—{figures.MAX_TREND_MONTHS}，默认 12"
            )
        ],
        responses={
            200: TrendSerializer,
            400: OpenApiResponse(description="月数有误"),
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        figures.require_viewer(request.user)
        raw = request.query_params.get("months", str(figures.TREND_MONTHS))
        months = parse_id(raw)
        if months is None or not 1 <= months <= figures.MAX_TREND_MONTHS:
            message = f"月数应为 1—{figures.MAX_TREND_MONTHS} 的整数"
            raise ValidationError({"months": [message]})
        body = {
            "months": trend_data(figures.trend(request.user, months)),
            "so_far": figures.so_far(),
            "rule": rule_data(),
        }
        return Response(TrendSerializer(body).data)


class ExportView(ServiceErrorsMixin, APIView):
    def perform_content_negotiation(self, request, force=False):
        # the workbook is no DRF rendering (whatever Accept says); refusals are JSON
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="voices_metrics_export",
        summary="导出呼声办理统计（xlsx）",
        description="与统计页面的导出相同的表格；每次导出记入审计日志。",
        parameters=PERIOD_PARAMETERS,
        responses={
            (200, figures.XLSX): OpenApiTypes.BINARY,
            400: BAD_PERIOD,
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        figures.require_viewer(request.user)
        period = requested_period(request.query_params)
        response = HttpResponse(
            figures.export_table(request.user, period), content_type=figures.XLSX
        )
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{figures.export_name(period)}"
        )
        return response


class HotTopicsView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_hot_topics",
        summary="热点话题",
        description="调用者可查看的呼声在所选期间的热点话题：把说同一件事的呼声归为一个话题，"
        "以共有的词与词组命名，给出条数、较等长上一期的走势和一条代表性呼声（每小时更新）。"
        "期间为整月（from/to，默认本月）或任意日期（since/until），最长 36 个月。",
        parameters=[
            OpenApiParameter("from", str, description="开始月份，如 2025-01（含）；默认本月"),
            OpenApiParameter("to", str, description="结束月份，如 2025-12（含）；默认本月"),
            OpenApiParameter(
                "since", OpenApiTypes.DATE, description="开始日期（含）；给出时不看月份"
            ),
            OpenApiParameter("until", OpenApiTypes.DATE, description="结束日期（含）；默认今天"),
            OpenApiParameter("org", int, description="只看该组织及其下级反映或承办的呼声"),
        ],
        responses={200: HotTopicsSerializer, 400: BAD_PERIOD, 403: FORBIDDEN, 404: NO_ORG},
    )
    def get(self, request):
        figures.require_viewer(request.user)
        params = request.query_params
        try:
            window = read_window(params, "from", "to")
        except PeriodError as exc:
            raise ValidationError({"period": [exc.message]}) from exc
        raw_org = params.get("org", "").strip()
        org = parse_id(raw_org)
        if raw_org and org is None:
            raise ValidationError({"org": ["组织编号应为正整数"]})
        found = figures.hot_topics(request.user, window, org)
        return Response(HotTopicsSerializer(found).data)
