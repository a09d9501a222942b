"""学习培训 over the API: a member's 学时 of a year (the ledger page's numbers and entries) and the
学时 overview of a party organisation (who is short: rates per sub-organisation, names at a
branch), scoped as the pages are."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.views import ServiceErrorsMixin
from dangqun.learning import ledger, overview
from dangqun.learning.models import LedgerEntry

NO_PERSON = "账号未关联人员档案"
YEARS_SHOWN = 5  # as the pages: this year and the four before
YEAR = OpenApiParameter("year", int, description="年度（今年及前四年，默认今年）")


class EntrySerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="get_source_display", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True, default="")

    class Meta:
        model = LedgerEntry
        fields = ["on", "hours", "title", "source", "source_name", "source_id", "org", "org_name"]
        read_only_fields = fields


class SourceTotalSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="来源（党课、主题党日、培训班……）")
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    done = serializers.DecimalField(max_digits=6, decimal_places=1, help_text="已完成学时")
    required = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        help_text="应完成学时（规则 learning.requirement，按天折算）",
    )
    left = serializers.DecimalField(max_digits=6, decimal_places=1, help_text="尚差学时")
    leader = serializers.BooleanField(help_text="该年度曾任党组织书记或委员")
    member = serializers.BooleanField(help_text="该年度是否为党员（非党员无学时要求）")
    by_source = SourceTotalSerializer(many=True)
    entries = EntrySerializer(many=True)


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.query_params.get("year", this_year))
    except ValueError:
        return this_year
    return year if this_year - YEARS_SHOWN < year <= this_year else this_year


class MyLedgerView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="learning_my_ledger",
        summary="我的学时",
        description="本人某一年度的学时：已完成、应完成、尚差，按来源合计，以及每一条记录及其来源。",
        parameters=[YEAR],
        responses={200: YearSerializer, 404: OpenApiResponse(description=NO_PERSON)},
    )
    def get(self, request):
        person_id = getattr(request.user, "person_id", None)
        if person_id is None:
            raise NotFound(NO_PERSON)
        shown = ledger.year_of(person_id, _year(request))
        body = {
            **{k: getattr(shown, k) for k in ("year", "done", "required", "left", "leader")},
            "member": shown.member,
            "by_source": [{"source": s, "hours": h} for s, h in shown.by_source],
            "entries": shown.entries,
        }
        return Response(YearSerializer(body).data)


class RowSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.name")
    members = serializers.IntegerField()
    completed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="完成率（0–1）")
    done = serializers.DecimalField(max_digits=10, decimal_places=1)
    required = serializers.DecimalField(max_digits=10, decimal_places=1)
    owed = serializers.DecimalField(max_digits=10, decimal_places=1, help_text="尚差学时合计")


class ShortSerializer(serializers.Serializer):
    name = serializers.CharField()
    employee_no = serializers.CharField()
    branch = serializers.CharField()
    required = serializers.DecimalField(max_digits=6, decimal_places=1)
    done = serializers.DecimalField(max_digits=6, decimal_places=1)
    owed = serializers.DecimalField(max_digits=6, decimal_places=1)


class OverviewSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.name")
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    partial = serializers.BooleanField(source="so_far", help_text="年度尚未结束：截至 as_of")
    rows = RowSerializer(many=True)
    total = RowSerializer()
    short = ShortSerializer(
        many=True, allow_null=True, help_text="在党支部：尚未完成的党员（按姓名拼音）；其上为 null"
    )


class OverviewView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="learning_overview",
        summary="学时完成情况",
        description=(
            "某党组织（默认本人可查看的最上级）年度学时完成情况：各下级组织的党员数、完成人数、"
            "完成率和尚差学时；在党支部列出尚未完成的党员。按组织比较，不作个人排名。"
        ),
        parameters=[
            OpenApiParameter("org", int, description="党组织编号"),
            YEAR,
            OpenApiParameter("as_of", str, description="截至日期 YYYY-MM-DD（默认今天或年末）"),
        ],
        responses={200: OverviewSerializer, 404: OpenApiResponse(description="不存在或无权查看")},
    )
    def get(self, request):
        org = overview.chosen_org(request.user, request.query_params.get("org"))
        year = _year(request)
        shown = overview.overview(
            request.user, org, year, overview.chosen_day(year, request.query_params.get("as_of"))
        )
        return Response(OverviewSerializer(shown).data)
