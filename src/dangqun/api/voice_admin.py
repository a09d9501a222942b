"""The 群众呼声 administration over the API, as its pages do it (``voices.admin_actions``: the same
forms, rules and audit): the voice categories and the working calendar's site days (the import
of past voices is ``voice_imports``)."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.views import FORBIDDEN, INVALID, NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core.ids import parse_id
from dangqun.voices import admin_actions, calendar_days, posters, services
from dangqun.voices.models import Category, Urgency

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NO_CONTENT = OpenApiResponse(description="已删除（没有这一天的调整时也一样）")


class CategorySerializer(serializers.ModelSerializer):
    parent_name = serializers.CharField(source="parent.name", default=None, allow_null=True)
    handling_org_name = serializers.CharField(
        source="handling_org.name", default=None, allow_null=True
    )

    class Meta:
        model = Category
        fields = [
            "id",
            "name",
            "parent",
            "parent_name",
            "handling_org",
            "handling_org_name",
            "urgency",
            "active",
        ]
        read_only_fields = fields


class CategoryInputSerializer(serializers.Serializer):
    """The category form's fields (documentation only: the page's form reads them)."""

    name = serializers.CharField(max_length=50, help_text="类别名称")
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="上级类别（一级类别的 ID；不填为一级类别）"
    )
    handling_org = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="默认承办单位（组织 ID）；可不填（如导入的历史类别），"
        "此时只有全企业的群工管理员可以维护，受理时须另选承办单位",
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, help_text="默认紧急程度")
    active = serializers.BooleanField(required=False, help_text="启用")


def _saved(request, category: Category | None, created: int) -> Response:
    outcome = admin_actions.save_category(request.user, category, request.data)
    if not outcome.ok:
        raise ValidationError(core_actions.errors_by_field(outcome.form))
    saved = Category.objects.select_related("parent", "handling_org").get(pk=outcome.result.pk)
    return Response(CategorySerializer(saved).data, status=created)


def _category(pk) -> Category:
    category = Category.objects.select_related("parent", "handling_org").filter(pk=parse_id(pk))
    if not category:
        raise NotFound("没有这个类别")
    return category[0]


class CategoriesView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_categories_list",
        summary="呼声类别",
        description="与类别页面相同：全部类别（两级）及各自的默认承办单位与紧急程度；"
        "维护群众呼声的管理员可看。?active=1 只列启用的，?active=0 只列停用的。",
        parameters=[OpenApiParameter("active", str, enum=["0", "1"], description="是否启用")],
        responses={200: CategorySerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request):
        services.require_manager(request.user, admin_actions.KEEP_CATEGORIES)
        rows = Category.objects.select_related("parent", "handling_org").order_by(
            "parent__name", "name", "pk"
        )
        active = request.query_params.get("active")
        if active in ("0", "1"):
            rows = rows.filter(active=active == "1")
        return Response(CategorySerializer(rows, many=True).data)

    @extend_schema(
        operation_id="voices_categories_create",
        summary="新增呼声类别",
        description="与类别页面的表单相同；默认承办单位须在您的管理范围内，类别最多两级。",
        request=CategoryInputSerializer,
        responses={201: CategorySerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def post(self, request):
        services.require_manager(request.user, admin_actions.KEEP_CATEGORIES)
        return _saved(request, None, status.HTTP_201_CREATED)


class CategoryView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_categories_update",
        summary="修改呼声类别",
        description="与类别页面的表单相同（字段全部重新填写）；其他单位的类别不能修改，"
        "没有默认承办单位的类别只有全企业的群工管理员可以修改。",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=CategoryInputSerializer,
        responses={200: CategorySerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        services.require_manager(request.user, admin_actions.KEEP_CATEGORIES)
        return _saved(request, _category(pk), status.HTTP_200_OK)


class CategoryDeactivateView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_categories_deactivate",
        summary="停用呼声类别",
        description="与类别页面的“停用”相同：类别不能删除（已有呼声保留它），停用后不再供选择、"
        "不参与类别推荐的学习和推荐；已停用的再停用不变。请求体为空。",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=None,
        responses={200: CategorySerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        services.require_manager(request.user, admin_actions.KEEP_CATEGORIES)
        category = _category(pk)
        outcome = admin_actions.deactivate_category(request.user, category)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(CategorySerializer(_category(pk)).data)


class ShippedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField(help_text="是否上班（调休上班日）")


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_workday = serializers.BooleanField(help_text="是否上班（调休上班日）")
    note = serializers.CharField(help_text="说明")


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    can_change = serializers.BooleanField(help_text="您能否调整（只有全企业的群工管理员可以）")
    shipped = ShippedDaySerializer(many=True, help_text="国家规定的节假日与调休上班日")
    adjustments = CalendarDaySerializer(many=True, help_text="本单位的调整")


class CalendarDayInputSerializer(serializers.Serializer):
    """The calendar form's fields (documentation only: the page's form reads them)."""

    date = serializers.DateField(help_text="日期")
    is_workday = serializers.ChoiceField(
        choices=[("0", "休息（节假日）"), ("1", "上班（调休上班日）")], help_text="这一天"
    )
    note = serializers.CharField(max_length=50, required=False, help_text="说明")


def _calendar_year(user, year: int) -> Response:
    shipped, adjustments = calendar_days.year_days(year)
    body = {
        "year": year,
        "can_change": calendar_days.may_change(user),
        "shipped": [{"date": day, "is_workday": workday} for day, workday in shipped],
        "adjustments": adjustments,
    }
    return Response(CalendarYearSerializer(body).data)


YEAR = OpenApiParameter("year", int, description="年份（默认今年）")


class CalendarView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_calendar",
        summary="工作日历",
        description="与工作日历页面相同：一年的法定节假日、调休上班日和本单位的调整。",
        parameters=[YEAR],
        responses={200: CalendarYearSerializer, 403: FORBIDDEN},
    )
    def get(self, request):
        calendar_days.require_may_read(request.user)
        try:
            year = int(request.query_params.get("year", timezone.localdate().year))
            datetime.date(year, 1, 1)
        except (ValueError, OverflowError):
            year = timezone.localdate().year
        return _calendar_year(request.user, year)

    @extend_schema(
        operation_id="voices_calendar_set",
        summary="调整工作日历",
        description="与工作日历页面的表单相同：把一天设为休息（is_workday 为 0）或上班（1）。"
        "只有全企业的群工管理员可以调整；改变此后交办的呼声的期限。返回该年的日历。",
        request=CalendarDayInputSerializer,
        responses={200: CalendarYearSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def post(self, request):
        calendar_days.require_may_read(request.user)
        outcome = admin_actions.set_calendar_day(request.user, request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return _calendar_year(request.user, outcome.form.cleaned_data["date"].year)


class CalendarDayView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_calendar_remove",
        summary="删除工作日历调整",
        description="与工作日历页面的“删除”相同：day 为日期（YYYY-MM-DD）。",
        parameters=[OpenApiParameter("day", datetime.date, OpenApiParameter.PATH)],
        responses={204: NO_CONTENT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, day):
        calendar_days.require_may_read(request.user)
        calendar_days.require_may_change(request.user)
        try:
            date = datetime.date.fromisoformat(day)
        except ValueError:
            raise NotFound("日期有误") from None
        calendar_days.remove_calendar_day(request.user, date)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PosterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk", help_text="单位 ID")
    unit_name = serializers.CharField(source="unit.name", help_text="单位名称")
    url = serializers.URLField(help_text="二维码所指的免登录反映页面（可自行生成二维码张贴）")


class PosterView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_poster",
        summary="单位反映二维码",
        description="与“二维码海报”页面相同：本单位免登录反映页面的地址，扫码可直接反映；"
        "需要该单位的群众呼声管理权限。",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="单位 ID")],
        responses={200: PosterSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        unit = posters.require_poster_unit(request.user, pk)
        url = request.build_absolute_uri(posters.public_path(unit))
        return Response(PosterSerializer({"unit": unit, "url": url}).data)
