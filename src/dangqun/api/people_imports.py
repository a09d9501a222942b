"""People's import over the API, as the import pages do it: the template, starting a job with an
uploaded xlsx/csv, the job's progress and its row errors, and its error file (audited), through
``people.imports.jobs``. Jobs belong to the caller who started them; importing is a right of its
own (403 without it)."""

from django.core.exceptions import ValidationError as ServiceError
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dangqun.api.uploads import TOO_LARGE, SizeLimitedUploads
from dangqun.api.views import NOT_FOUND, ServiceErrorsMixin
from dangqun.people.imports import jobs, sheets
from dangqun.people.models import ImportJob

NO_IMPORT = OpenApiResponse(description="没有导入人员的权限")
NOT_MULTIPART = OpenApiResponse(description="请求体应为 multipart/form-data")
INVALID = OpenApiResponse(description="未选择文件、文件过大或选项有误，按字段给出中文说明")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING = (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="文件中的行号；整个文件的问题为空")
    column = serializers.CharField(allow_blank=True, help_text="列名")
    message = serializers.CharField(help_text="错误说明")


class ImportJobSerializer(serializers.ModelSerializer):
    status_name = serializers.CharField(source="get_status_display", read_only=True)
    running = serializers.SerializerMethodField(help_text="是否仍在校验或导入")
    progress_percent = serializers.IntegerField(read_only=True, help_text="进度（0—100）")
    errors = RowErrorSerializer(many=True, read_only=True, help_text="校验发现的错误")
    error_file_url = serializers.SerializerMethodField(help_text="错误文件的下载地址；没有时为空")

    class Meta:
        model = ImportJob
        fields = [
            *("id", "file_name", "valid_rows_only", "status", "status_name", "running"),
            *("total_rows", "processed_rows", "progress_percent"),
            *("created_count", "updated_count", "unchanged_count"),
            *("errors", "message", "error_file_url", "created_at", "finished_at"),
        ]
        read_only_fields = fields

    def get_running(self, job) -> bool:
        return job.status in RUNNING

    def get_error_file_url(self, job) -> str | None:
        # the status page offers the error file on the same condition
        finished = job.status in (ImportJob.Status.INVALID, ImportJob.Status.DONE)
        return f"/api/people/imports/{job.pk}/errors/" if finished and job.errors else None


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
)
class ImportJobViewSet(
    SizeLimitedUploads,
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ImportJobSerializer
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]

    queryset = ImportJob.objects.none()  # the schema's model; the caller's jobs are below

    def get_queryset(self):
        return jobs.recent_jobs(self.request.user)

    def list(self, request, *args, **kwargs):
        jobs.require_import(request.user)
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return jobs.require_own_job(self.request.user, self.kwargs["pk"])

    @extend_schema(
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
    )
    def create(self, request, *args, **kwargs):
        jobs.require_import(request.user)
        self.refuse_oversize(request)
        options = StartImportSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        try:
            job = jobs.start_import(
                request.user,
                options.validated_data.get("file"),
                valid_rows_only=options.validated_data["valid_only"],
            )
        except ServiceError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载导入错误文件",
        description="与页面相同：原文件加上每行的错误说明（xlsx），记入审计日志；没有错误文件时 404。",
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: NO_IMPORT, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        job, path = jobs.download_error_file(request.user, pk)
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"导入错误-{job.pk}.xlsx",
            content_type=XLSX,
        )

    @extend_schema(
        summary="下载人员导入模板",
        description="与页面的模板相同：列名、可选值和填写说明。",
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: NO_IMPORT},
    )
    @action(detail=False, methods=["get"])
    def template(self, request):
        jobs.require_import(request.user)
        response = HttpResponse(sheets.template_workbook(request.user), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, "人员导入模板.xlsx")
        return response
