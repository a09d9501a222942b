"""Lists of voices a page shows besides the API's own list: the staff inbox by tab and its overdue
view (收件箱、超时), scoped like the page (``voices.inbox``): for those who view or handle voices."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from dangqun.api.pagination import PeoplePagination
from dangqun.api.views import ServiceErrorsMixin
from dangqun.api.voices import VoiceSerializer
from dangqun.voices import inbox
from dangqun.voices.models import Voice


@extend_schema(
    summary="呼声收件箱",
    description=(
        "与收件箱页面相同：调用者所辖范围内反映或承办的呼声（本人提交的见 ?mine=1 的呼声列表），"
        "?show= 按页签，?overdue=1 只列出响应或办理已超时的。仅限可查看或承办呼声的账号。"
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
        voices = inbox.inbox(self.request.user, tab, overdue=params.get("overdue") == "1")
        return voices.select_related("unit", "handling_org", "person")
