"""People's import over the API, as the import pages do it: the template, starting a job with an
uploaded xlsx/csv, the job's progress and its row errors, and its error file (audited), through
``people.imports.jobs`` on the shared ``api.imports``. Jobs belong to the caller who started them;
importing is a right of its own (403 without it)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

from dangqun.api.imports import XLSX, ImportJobFieldsSerializer, ImportViewSet
from dangqun.api.uploads import TOO_LARGE
from dangqun.api.views import NOT_FOUND
from dangqun.people.imports.jobs import IMPORTS
from dangqun.people.models import ImportJob

NO_IMPORT = OpenApiResponse(description="没有导入人员的权限")
NOT_MULTIPART = OpenApiResponse(description="请求体应为 multipart/form-data")
INVALID = OpenApiResponse(description="未选择文件、文件过大或选项有误，按字段给出中文说明")


class ImportJobSerializer(ImportJobFieldsSerializer):
    error_file_url_pattern = "/api/people/imports/{pk}/errors/"

    class Meta:
        model = ImportJob
        fields = [
            *("id", "file_name", "valid_rows_only", "status", "status_name", "running"),
            *("total_rows", "processed_rows", "progress_percent"),
            *("created_count", "updated_count", "unchanged_count"),
            *("errors", "message", "error_file_url", "created_at", "finished_at"),
        ]
        read_only_fields = fields


class StartImportSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="按导入模板填写的 xlsx 或 csv 文件")
    valid_only = serializers.BooleanField(
        required=False, default=False, help_text="仅导入无误的行（否则有任何错误即不导入）"
    )


@extend_schema_view(
    list=extend_schema(
        summary="我的导入任务",
        description="调用者最近发起的导入任务（最多 10 个），新的在前。",
        responses={200: ImportJobSerializer(many=True), 403: NO_IMPORT},
    ),
    retrieve=extend_schema(
        summary="导入任务的进度与结果",
        description="只能查看自己发起的任务；校验出的错误按行给出中文说明。",
        responses={200: ImportJobSerializer, 403: NO_IMPORT, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="导入人员",
        description="与“导入人员”页面相同：上传按模板填写的 xlsx 或 csv，后台先校验整个文件再写入；"
        "用“导入任务的进度与结果”查看进度。有错误时不导入，除非选了 valid_only。",
        request={"multipart/form-data": StartImportSerializer},
        responses={
            201: ImportJobSerializer,
            400: INVALID,
            403: NO_IMPORT,
            413: TOO_LARGE,
            415: NOT_MULTIPART,
        },
    ),
    errors=extend_schema(
        summary="下载导入错误文件",
        description="与页面相同：原文件加上每行的错误说明（xlsx），记入审计日志；没有错误文件时 404。",
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: NO_IMPORT, 404: NOT_FOUND},
    ),
    template=extend_schema(
        summary="下载人员导入模板",
        description="与页面的模板相同：列名、可选值和填写说明。",
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: NO_IMPORT},
    ),
)
class ImportJobViewSet(ImportViewSet):
    kind = IMPORTS
    serializer_class = ImportJobSerializer
    start_serializer_class = StartImportSerializer
    queryset = ImportJob.objects.none()  # the schema's model; the caller's jobs are the kind's
