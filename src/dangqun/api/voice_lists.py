"""Lists of voices a page shows besides the API's own list, scoped like their pages: the staff
inbox by tab and its overdue view (收件箱、超时; ``voices.inbox``: for those who view or handle
voices), and 公开答复 (published voices every employee reads, and 我也关注)."""

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dangqun.accounts.scope import get_in_scope
from dangqun.api.pagination import Pagination, PeoplePagination
from dangqun.api.views import NOT_FOUND, ServiceErrorsMixin
from dangqun.api.voices import VoiceSerializer
from dangqun.voices import inbox, publishing
from dangqun.voices.models import Voice


@extend_schema(
    summary="呼声收件箱",
    description=(
        "与收件箱页面相同：调用者所辖范围内反映或承办的呼声（本人提交的见 ?mine=1 的呼声列表），"
        "?show= 按页签，?overdue=1 只列出响应或办理已超时的，?q= 按标题或内容所含的词，"
        "?since= / ?until= 按提交日期。仅限可查看或承办呼声的账号。"
    ),
    parameters=[
        OpenApiParameter(
            "show",
            str,
            enum=list(inbox.TABS),
            description="页签："
            + "，".join(f"{key} {label}" for key, (label, _) in inbox.TABS.items())
            + "；默认 open",
        ),
        OpenApiParameter("overdue", str, enum=["1"], description="1：只列出已超时的"),
        OpenApiParameter(
            "q", str, description="标题或内容所含的词，多个以空格分隔，须都含有（热点话题的链接）"
        ),
        OpenApiParameter("since", OpenApiTypes.DATE, description="提交日期不早于（含）"),
        OpenApiParameter("until", OpenApiTypes.DATE, description="提交日期不晚于（含）"),
    ],
    responses={
        200: VoiceSerializer(many=True),
        403: OpenApiResponse(description="无权查看群众呼声"),
    },
)
class InboxView(ServiceErrorsMixin, generics.ListAPIView):
    serializer_class = VoiceSerializer
    pagination_class = PeoplePagination
    queryset = Voice.objects.none()  # for the schema: the real one depends on the caller

    def get_queryset(self):
        params = self.request.query_params
        tab = params.get("show") or inbox.DEFAULT_TAB
        if tab not in inbox.TABS:
            raise ValidationError({"show": [f"页签应为 {'、'.join(inbox.TABS)} 之一"]})
        dates = {}
        for key in ("since", "until"):
            if params.get(key) and inbox.read_day(params[key]) is None:
                raise ValidationError({key: ["日期格式不正确（应如 2025-03-15）"]})
            dates[key] = inbox.read_day(params.get(key))
        voices = inbox.inbox(
            self.request.user,
            tab,
            overdue=params.get("overdue") == "1",
            words=params.get("q", "").strip()[:100],
            **dates,
        )
        return voices.select_related("unit", "handling_org", "person")


class PublicVoiceSerializer(serializers.ModelSerializer):
    """A published voice as every employee reads it: its public wording, without who raised it."""

    title = serializers.CharField(source="public_title", help_text="公开的标题")
    content = serializers.CharField(source="public_content", help_text="公开的反映内容")
    answer = serializers.CharField(source="public_answer", help_text="公开的答复")
    unit_name = serializers.CharField(source="unit.name")
    category_name = serializers.CharField(source="category.name", default=None, allow_null=True)
    followers = serializers.IntegerField(help_text="关注人数")

    class Meta:
        model = Voice
        fields = [
            "id",
            "title",
            "content",
            "answer",
            "unit_name",
            "category_name",
            "published_at",
            "followers",
        ]
        read_only_fields = fields


class FollowSerializer(serializers.Serializer):
    followers = serializers.IntegerField(help_text="关注人数")
    message = serializers.CharField(help_text="已关注，或您已关注过这条呼声")


@extend_schema_view(
    list=extend_schema(
        summary="公开答复列表",
        description="已公开的呼声及答复（已隐去个人信息），最近公开的在前；所有员工可读。",
    ),
    retrieve=extend_schema(
        summary="公开答复详情", responses={200: PublicVoiceSerializer, 404: NOT_FOUND}
    ),
)
class PublicVoiceViewSet(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PublicVoiceSerializer
    pagination_class = Pagination  # the follower counts are an annotation: no ids-first paging

    def get_queryset(self):
        published = publishing.published().select_related("unit", "category")
        return published.annotate(followers=Count("follows"))

    def get_object(self):
        return get_in_scope(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        summary="我也关注",
        description="关注一条公开答复；每人一次，再次关注时返回 200 并说明已关注过。",
        request=None,
        responses={201: FollowSerializer, 200: FollowSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def follow(self, request, pk=None):
        voice = self.get_object()
        followed = publishing.follow(request.user, voice)
        body = {
            "followers": voice.follows.count(),
            "message": "已关注" if followed else "您已关注过这条呼声",
        }
        return Response(body, status=status.HTTP_201_CREATED if followed else status.HTTP_200_OK)
