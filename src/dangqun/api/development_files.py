"""The documents of a 发展党员 case over the API, as the case page gives them: one document as a
download and the dossier (every document and an index PDF in one zip, audited), through the same
services (``development.services.require_case_file``, ``development.dossier.export``)."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from dangqun.api.views import NOT_FOUND
from dangqun.core import filestore
from dangqun.development import dossier, services
from dangqun.development.models import CaseFile

NO_EXPORT = OpenApiResponse(description="无权导出（须能办理或审批该党支部的发展党员）")


class CaseFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="下载地址（本接口）")

    class Meta:
        model = CaseFile
        fields = ["id", "step", "name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, row) -> str:
        return f"/api/development/cases/{row.case_id}/files/{row.pk}/"


class CaseDownloadsMixin:
    """The case's downloads, for ``api.development.CaseViewSet``."""

    @extend_schema(
        summary="下载发展党员材料",
        description="与案卷页面的材料下载相同：仅党务工作人员可见材料。",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_pk>\d+)")
    def file(self, request, pk=None, file_pk=None):
        case = services.require_visible(request.user, pk)
        return filestore.download(services.require_case_file(request.user, case, int(file_pk)))

    @extend_schema(
        summary="导出发展党员材料（zip）",
        description="与页面的“导出材料”相同：全部材料和目录 PDF 打包为 zip，记入审计日志。",
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            403: NO_EXPORT,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def dossier(self, request, pk=None):
        case = services.require_visible(request.user, pk)
        bundle = dossier.export(request.user, case)
        response = FileResponse(
            bundle,
            as_attachment=True,
            filename=dossier.filename(case),
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response
