"""The import of past voices over the API, as its pages do it (``voices.import_jobs``, on the
shared ``api.imports``): start a job with an xlsx/csv, follow its progress and row errors, answer
which existing category or unit each unknown name means, download the error file (audited) and
the template. Jobs belong to the caller who started them; managing voices somewhere is the right
to import."""

from django.core.exceptions import ValidationError as ServiceError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dangqun.api.imports import XLSX, ImportJobFieldsSerializer, ImportViewSet
from dangqun.api.uploads import TOO_LARGE
from dangqun.api.views import FORBIDDEN, INVALID, NOT_FOUND
from dangqun.voices import import_jobs
from dangqun.voices.import_jobs import IMPORTS
from dangqun.voices.models import VoiceImportJob

NOT_MULTIPART = OpenApiResponse(description="请求体应为 multipart/form-data")


class UnknownNameSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="文件中的名称")
    rows = serializers.ListField(
        child=serializers.IntegerField(), help_text="使用它的行（前 20 行）"
    )
    count = serializers.IntegerField(help_text="使用它的行数")


class UnknownSerializer(serializers.Serializer):
    category = UnknownNameSerializer(many=True, required=False, help_text="系统中没有的类别名称")
    unit = UnknownNameSerializer(many=True, required=False, help_text="系统中没有的单位名称")


class VoiceImportJobSerializer(ImportJobFieldsSerializer):
    error_file_url_pattern = "/api/voices/import/{pk}/errors/"
    unknown = UnknownSerializer(
        read_only=True, help_text="状态为 mapping 时：待对应的名称（用 mapping 接口对应）"
    )

    class Meta:
        model = VoiceImportJob
        fields = [
            *("id", "file_name", "valid_rows_only", "unanswered_as_history", "status"),
            *("status_name", "running", "total_rows", "processed_rows", "progress_percent"),
            *("created_count", "history_count", "unchanged_count", "errors", "unknown"),
            *("message", "error_file_url", "created_at", "finished_at"),
        ]
        read_only_fields = fields


class StartSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="按导入模板填写的 xlsx 或 csv 文件")
    valid_only = serializers.BooleanField(
        required=False, default=False, help_text="仅导入无误的行（否则有任何错误即不导入）"
    )
    unanswered_as_history = serializers.BooleanField(
        required=False,
        default=True,
        help_text="没有答复的行作为历史记录（不计入三率和办理时限）；false 时作为待受理",
    )


class MappingSerializer(serializers.Serializer):
    category = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="文件中的类别名称 → 现有类别 ID（0 为不设类别）",
    )
    unit = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text="文件中的单位名称 → 单位 ID"
    )


@extend_schema_view(
    list=extend_schema(
        summary="我的呼声导入任务",
        description="调用者最近发起的历史呼声导入任务（最多 10 个），新的在前。",
        responses={200: VoiceImportJobSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="呼声导入任务的进度与结果",
        description="只能查看自己发起的任务；错误按行列给出中文说明；状态为 mapping 时列出待对应的名称。",
        responses={200: VoiceImportJobSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="导入历史呼声",
        description="与导入页面相同：上传 xlsx 或 csv（字段名 file），后台先校验整个文件再写入；"
        "用“呼声导入任务的进度与结果”查看进度。有错误时不导入，除非选了 valid_only；"
        "同一行（同一编号，或没有编号时同一提交时间、单位和内容）再次导入会跳过。",
        request={"multipart/form-data": StartSerializer},
        responses={
            201: VoiceImportJobSerializer,
            400: INVALID,
            403: FORBIDDEN,
            413: TOO_LARGE,
            415: NOT_MULTIPART,
        },
    ),
    errors=extend_schema(
        summary="下载呼声导入错误文件",
        description="与页面相同：有错误的行加上错误原因（xlsx），记入审计日志；没有错误文件时 404。",
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
    template=extend_schema(
        summary="下载历史呼声导入模板",
        description="与导入页面的模板相同：列名和一行示例。",
        responses={(200, XLSX): OpenApiTypes.BINARY, 403: FORBIDDEN},
    ),
)
class VoiceImportViewSet(ImportViewSet):
    kind = IMPORTS
    serializer_class = VoiceImportJobSerializer
    start_serializer_class = StartSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    queryset = VoiceImportJob.objects.none()  # the schema's model; the caller's jobs are the kind's
    lookup_value_regex = r"\d+"

    def start_options(self, data: dict) -> dict:
        return {"unanswered_as_history": data["unanswered_as_history"]}

    @extend_schema(
        summary="对应导入文件中的类别和单位名称",
        description="与导入结果页面相同：任务状态为 mapping 时，为每个待对应的名称选择现有类别"
        "（0 为不设类别）或单位，任务随即重新校验并导入。",
        request=MappingSerializer,
        responses={200: VoiceImportJobSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def mapping(self, request, pk=None):
        job = self.get_object()
        answers = MappingSerializer(data=request.data)
        answers.is_valid(raise_exception=True)
        try:
            job = import_jobs.set_mapping(request.user, job, answers.validated_data)
        except ServiceError as exc:
            raise ValidationError({"mapping": exc.messages}) from exc
        return Response(VoiceImportJobSerializer(self.get_object()).data)
