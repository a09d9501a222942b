"""The bell and the audit log over the API: a person's recent notices (open one to mark it read, or
mark all read), and the audit search of the 审计管理员, through the same services as the pages."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.pagination import Pagination
from dangqun.api.views import NOT_FOUND, ServiceErrorsMixin
from dangqun.core import audit_names
from dangqun.core.models import AuditLog
from dangqun.notices import services as notices
from dangqun.notices.models import Notice
from dangqun.web import audit_search


class NoticeSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField(help_text="是否已读")

    class Meta:
        model = Notice
        fields = ("id", "kind", "title", "url", "created_at", "read_at", "read")

    def get_read(self, notice) -> bool:
        return notice.read_at is not None


class NoticesSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="未读条数")
    results = NoticeSerializer(many=True)


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="本次标为已读的条数")


class NoticesView(ServiceErrorsMixin, APIView):
    @extend_schema(
        summary="我的消息",
        description="与消息页面相同：最近的消息（新的在前）和未读条数。",
        responses={200: NoticesSerializer},
    )
    def get(self, request):
        recent = notices.recent(request.user)
        body = {"unread": notices.unread_count(request.user), "results": recent}
        return Response(NoticesSerializer(body).data)


class OpenNoticeView(ServiceErrorsMixin, APIView):
    @extend_schema(
        summary="打开一条消息（标为已读）",
        request=None,
        responses={200: NoticeSerializer, 404: NOT_FOUND},
    )
    def post(self, request, pk):
        try:
            notice = notices.open_notice(request.user, int(pk))
        except Notice.DoesNotExist:
            raise NotFound("消息不存在") from None
        return Response(NoticeSerializer(notice).data)


class ReadAllView(ServiceErrorsMixin, APIView):
    @extend_schema(summary="全部标为已读", request=None, responses={200: ReadAllSerializer})
    def post(self, request):
        return Response({"marked": notices.mark_all_read(request.user)})


class AuditRowSerializer(serializers.ModelSerializer):
    action_name = serializers.SerializerMethodField(help_text="动作的中文名称")

    class Meta:
        model = AuditLog
        fields = (
            *("id", "at", "actor_name", "action", "action_name"),
            *("object_type", "object_id", "object_repr"),
            *("before", "after", "ip", "request_id"),
        )

    def get_action_name(self, row) -> str:
        return audit_names.name_of(row.action)


AUDIT_PARAMETERS = [
    OpenApiParameter("actor", str, description="操作人账号（包含）"),
    OpenApiParameter(
        "action", str, description="动作：代码的开头（如 person.）或中文名称中的字（如 身份证）"
    ),
    OpenApiParameter("object", str, description="对象名称（包含）或对象编号"),
    OpenApiParameter("start", str, description="起始日期，如 2026-01-01"),
    OpenApiParameter("end", str, description="截止日期（含当天）"),
]


class AuditLogView(ServiceErrorsMixin, generics.ListAPIView):
    serializer_class = AuditRowSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks with no user
            return AuditLog.objects.none()
        return audit_search.search(
            self.request.user, audit_search.params_of(self.request.query_params)
        )

    @extend_schema(
        summary="审计日志",
        description="与审计日志页面相同的筛选，仅审计管理员可查看；新的在前。",
        parameters=AUDIT_PARAMETERS,
        responses={
            200: AuditRowSerializer(many=True),
            400: OpenApiResponse(description="日期格式有误"),
            403: OpenApiResponse(description="只有审计管理员可以查看审计日志"),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
