"""志愿服务证明 over the API (issue #16 §5): the certificates the caller may see (their own, and
those issued in the name of organisations they organise for), asking for one's own, an
organiser issuing one for a person, and the PDF. They run ``activities.certificate_actions``, the
table the pages use: the same forms, rules and audit."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dangqun.activities import certificate_actions, certificate_pdf, certificates
from dangqun.activities.certificate_models import Certificate
from dangqun.api.pagination import Pagination
from dangqun.api.views import FORBIDDEN, INVALID, ServiceErrorsMixin
from dangqun.core import actions as core_actions

NO_CERTIFICATE = OpenApiResponse(description="证明不存在或无权查看")


class CertificateSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    code = serializers.SerializerMethodField(help_text="验证码（任何人可在 /c/ 验证）")

    class Meta:
        model = Certificate
        fields = [
            *("id", "person", "person_name", "starts_on", "ends_on", "hours"),
            *("issuer", "issuer_name", "covers", "issued_at", "code"),
            *("withdrawn_at", "withdrawn_reason"),
        ]
        read_only_fields = fields

    def get_code(self, certificate) -> str:
        return certificates.displayed(certificates.code_of(certificate))


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(help_text="作废原因")


class RequestInput(serializers.Serializer):
    starts_on = serializers.DateField(help_text="起始日期")
    ends_on = serializers.DateField(help_text="截止日期（不晚于今天）")
    org = serializers.IntegerField(
        required=False, help_text="组织者为他人开具时：出具组织（须为本人组织的组织）"
    )
    employee_no = serializers.CharField(
        required=False, help_text="组织者为他人开具时：志愿者的工号；不填即为本人申请"
    )


@extend_schema_view(
    list=extend_schema(
        operation_id="activities_certificates_list",
        summary="志愿服务证明列表",
        description="本人的证明，以及以本人所组织的组织名义开具的证明；新的在前。",
    ),
    retrieve=extend_schema(
        operation_id="activities_certificates_retrieve",
        summary="志愿服务证明详情",
        responses={200: CertificateSerializer, 404: NO_CERTIFICATE},
    ),
    create=extend_schema(
        operation_id="activities_certificates_create",
        summary="开具志愿服务证明",
        description=(
            "不填工号：为本人开具该期间全部已确认的志愿服务时长；"
            "组织者填写 org 和 employee_no：以该组织名义开具其组织的活动时长。免费出具，留有审计记录。"
        ),
        request=RequestInput,
        responses={201: CertificateSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
)
class CertificateViewSet(
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CertificateSerializer
    pagination_class = Pagination

    def get_queryset(self):
        rows = certificates.visible_to(self.request.user)
        return rows.select_related("person", "issuer").order_by("-issued_at", "-id")

    def get_object(self):
        return certificates.require_visible(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = request.data if hasattr(request.data, "get") else {}
        name = "issue" if data.get("employee_no") else "own"
        outcome = core_actions.run(certificate_actions.ACTIONS, request.user, None, name, data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        body = CertificateSerializer(outcome.result).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="activities_certificates_withdraw",
        summary="作废志愿服务证明",
        description=(
            "出具组织的组织者（本人申请的证明：本人）填写原因作废证明；证明保留，"
            "公开核验页显示已作废。"
        ),
        request=WithdrawInput,
        responses={200: CertificateSerializer, 400: INVALID, 403: FORBIDDEN, 404: NO_CERTIFICATE},
    )
    @action(detail=True, methods=["post"], url_path="withdraw")
    def withdraw(self, request, pk=None):
        certificate = self.get_object()
        outcome = core_actions.run(
            certificate_actions.ACTIONS, request.user, certificate, "withdraw", request.data
        )
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(CertificateSerializer(outcome.result).data)

    @extend_schema(
        operation_id="activities_certificates_pdf",
        summary="下载志愿服务证明（PDF）",
        description="证明的 PDF，含验证码和验证二维码；每次下载留有审计记录。",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="证明已作废"),
            404: NO_CERTIFICATE,
        },
    )
    @action(detail=True, methods=["get"], url_path="pdf")
    def pdf(self, request, pk=None):
        certificate, body = certificate_pdf.downloaded(request, pk)
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
        return response
