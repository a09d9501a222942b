"""What every import's API shares (``core.imports``): a job's row errors, the fields every job
shows, and a viewset over one ``ImportKind`` — the caller's latest jobs, one of their own (anyone
else's is 404), starting a job with an uploaded file (stopped at the size limit while it streams
in), its error file (audited) and the template. Each import's module subclasses both and gives its
summaries (``extend_schema_view`` on ``create``, ``errors`` and ``template``)."""

from django.core.exceptions import ValidationError as ServiceError
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dangqun.api.uploads import SizeLimitedUploads
from dangqun.api.views import ServiceErrorsMixin
from dangqun.core.imports import views as pages
from dangqun.core.imports.jobs import ImportKind

XLSX = pages.XLSX


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="文件中的行号；整个文件的问题为空")
    column = serializers.CharField(allow_blank=True, help_text="列名")
    message = serializers.CharField(help_text="错误说明")


# The fields every job shows; a subclass names its model, its fields and where its error file is
# (``error_file_url_pattern``, with ``{pk}``). No docstring: the schema would show it as each
# subclass's description.
class ImportJobFieldsSerializer(serializers.ModelSerializer):
    error_file_url_pattern: str

    status_name = serializers.CharField(source="get_status_display", read_only=True)
    running = serializers.SerializerMethodField(help_text="是否仍在校验或导入")
    progress_percent = serializers.IntegerField(read_only=True, help_text="进度（0—100）")
    errors = RowErrorSerializer(many=True, read_only=True, help_text="校验发现的错误")
    error_file_url = serializers.SerializerMethodField(help_text="错误文件的下载地址；没有时为空")

    def get_running(self, job) -> bool:
        return job.running

    def get_error_file_url(self, job) -> str | None:
        # the status page offers the error file on the same condition
        return self.error_file_url_pattern.format(pk=job.pk) if job.has_error_file else None


class ImportViewSet(
    SizeLimitedUploads,
    ServiceErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A subclass sets ``kind``, ``serializer_class`` (the job's), ``start_serializer_class`` (the
    upload's options, with ``file`` and ``valid_only``), ``queryset`` (``Model.objects.none()``,
    the schema's model) and ``start_options``."""

    kind: ImportKind
    start_serializer_class: type[serializers.Serializer]
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return self.kind.recent_jobs(self.request.user)

    def list(self, request, *args, **kwargs):
        self.kind.require_import(request.user)
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return self.kind.require_own_job(self.request.user, self.kwargs["pk"])

    def start_options(self, data: dict) -> dict:
        """The job's options besides ``valid_rows_only``, from the start serializer's data."""
        return {}

    def create(self, request, *args, **kwargs):
        self.kind.require_import(request.user)
        self.refuse_oversize(request)
        options = self.start_serializer_class(data=request.data)
        options.is_valid(raise_exception=True)
        data = options.validated_data
        try:
            job = self.kind.start(
                request.user,
                data.get("file"),
                valid_rows_only=data["valid_only"],
                **self.start_options(data),
            )
        except ServiceError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        return pages.error_file(request, self.kind, pk)

    @action(detail=False, methods=["get"])
    def template(self, request):
        return pages.template(request, self.kind)
