"""What a person's pages do besides editing, over the API: the people list as xlsx, the head counts
of the home page, revealing a full ID number or phone number, and corrections (a member asks, the
branch and the 党委 review). The same service calls as the pages (``people.exports``, ``people.services``): the
same scope, the same refusals, the same audit rows."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.filters import PersonFilter
from dangqun.api.views import FORBIDDEN, INVALID, NOT_FOUND, ServiceErrorsMixin
from dangqun.people import exports, services
from dangqun.people.models import CorrectionRequest, Person

ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeopleExportView(ServiceErrorsMixin, APIView):
    def perform_content_negotiation(self, request, force=False):
        # the workbook is no DRF rendering (whatever Accept says); refusals are JSON
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="people_export",
        summary="导出人员（xlsx）",
        description="与人员列表页面的导出相同：按列表的筛选条件导出授权范围内的人员，"
        "身份证号遮蔽；需要导出权限，每次导出记入审计日志。响应头 X-Row-Count 为行数。",
        parameters=[
            OpenApiParameter(name, str, description=field.extra.get("help_text", ""))
            for name, field in PersonFilter.base_filters.items()
        ],
        responses={(200, XLSX): OpenApiTypes.BINARY, 400: INVALID, 403: FORBIDDEN},
    )
    def get(self, request):
        filters = PersonFilter(request.query_params, Person.objects.none(), request=request)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        content, count = exports.export_people(request.user, request.query_params)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, "人员.xlsx")
        response["X-Row-Count"] = str(count)
        return response


class HeadCountsSerializer(serializers.Serializer):
    people_count = serializers.IntegerField(help_text="人员")
    member_count = serializers.IntegerField(help_text="在册党员")
    probationary_count = serializers.IntegerField(help_text="其中预备党员")
    lost_count = serializers.IntegerField(help_text="其中失联党员")


class HeadCountsView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="people_head_counts",
        summary="人员概况",
        description="首页的人数统计：调用者可查看的人员、在册党员、预备党员和失联党员。",
        responses={200: HeadCountsSerializer},
    )
    def get(self, request):
        return Response(HeadCountsSerializer(services.head_counts(request.user)).data)


class IdNumberSerializer(serializers.Serializer):
    id_number = serializers.CharField(help_text="完整的公民身份号码；未登记时为空")


class RevealIdView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="people_reveal_id",
        parameters=[ID],
        summary="查看完整身份证号",
        description="本人，或有查看身份证号权限者；每次查看记入审计日志。",
        request=None,
        responses={200: IdNumberSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        person = services.require_visible(request.user, pk)
        return Response({"id_number": services.reveal_id_number(request.user, person)})


class PhoneSerializer(serializers.Serializer):
    phone = serializers.CharField(help_text="完整的联系电话；未登记时为空")


class RevealPhoneView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="people_reveal_phone",
        parameters=[ID],
        summary="查看完整联系电话",
        description="列表和详情只给出脱敏的号码（phone_masked）。完整号码：本人、可修改其信息者"
        "或有查看身份证号权限者；每次查看记入审计日志。",
        request=None,
        responses={200: PhoneSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        person = services.require_visible(request.user, pk)
        return Response({"phone": services.reveal_phone(request.user, person)})


class CorrectionSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    changes = serializers.DictField(child=serializers.CharField(), help_text="申请更正的字段及新值")

    class Meta:
        model = CorrectionRequest
        fields = [
            "id",
            "person",
            "person_name",
            "changes",
            "reason",
            "status",
            "status_label",
            "decision_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AskCorrectionSerializer(serializers.Serializer):
    """The form on a member's own page: the new values (any of them) and the reason."""

    reason = serializers.CharField(required=False, allow_blank=True, help_text="更正理由（必填）")

    def get_fields(self):
        fields = super().get_fields()
        for name, label in services.CORRECTABLE_FIELDS.items():
            fields[name] = serializers.CharField(
                required=False, allow_blank=True, help_text=f"{label}（新值）"
            )
        return fields


class PersonCorrectionsView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="people_corrections_of_person",
        parameters=[ID],
        summary="某人的信息更正申请",
        description="人员页面上列出的更正申请（最近在前）。",
        responses={200: CorrectionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, pk):
        person = services.require_visible(request.user, pk)
        return Response(CorrectionSerializer(person.corrections.all()[:50], many=True).data)

    @extend_schema(
        operation_id="people_ask_correction",
        parameters=[ID],
        summary="申请更正本人信息",
        description="只能申请更正本人信息：填写需要更正的字段（"
        + "、".join(services.CORRECTABLE_FIELDS.values())
        + "，日期为 YYYY-MM-DD）和理由，由支部审核、党委复核后更正。",
        request=AskCorrectionSerializer,
        responses={201: CorrectionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        person = services.require_visible(request.user, pk)
        asked = AskCorrectionSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        data = dict(asked.validated_data)
        reason = data.pop("reason", "")
        item = services.request_correction(request.user, person, data, reason)
        return Response(CorrectionSerializer(item).data, status=status.HTTP_201_CREATED)


class PendingCorrectionsView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="people_pending_corrections",
        summary="待审核的更正申请",
        description="与“更正申请审核”页面相同：调用者可审核的人员的待审核申请；无审核权限时 403。",
        responses={200: CorrectionSerializer(many=True), 403: FORBIDDEN},
    )
    def get(self, request):
        pending = services.pending_corrections(request.user)
        return Response(CorrectionSerializer(pending, many=True).data)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("approve", "同意"), ("reject", "退回")], help_text="approve 同意，reject 退回"
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="审核意见；退回时必填"
    )


class ReviewCorrectionView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="people_review_correction",
        parameters=[ID],
        summary="审核更正申请",
        description="支部审核，党委复核；复核同意后更正人员信息，每一步记入审计日志。",
        request=ReviewSerializer,
        responses={200: CorrectionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        item = services.require_reviewable(request.user, pk)
        review = ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        item = services.review_correction(
            request.user,
            item,
            approve=review.validated_data["decision"] == "approve",
            note=review.validated_data.get("note", ""),
        )
        return Response(CorrectionSerializer(item).data)
