"""A person's message push setting over the API (企业微信 / 钉钉, decision 0017): the same actions
table as the page 登录与消息推送."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.views import ServiceErrorsMixin
from dangqun.connect import actions, config, services
from dangqun.core import actions as core_actions


class BindingSerializer(serializers.Serializer):
    provider = serializers.CharField(help_text="wecom（企业微信）、dingtalk（钉钉）或 oidc")
    created_at = serializers.DateTimeField(help_text="绑定时间")


class PushSerializer(serializers.Serializer):
    daily_digest = serializers.BooleanField(
        help_text="true：每天 8:00 汇总推送一次；false：即时推送"
    )
    channels = serializers.ListField(
        child=serializers.CharField(), help_text="本平台已开通的推送渠道"
    )
    bindings = BindingSerializer(many=True, help_text="本人已绑定的身份")


class PushInputSerializer(serializers.Serializer):
    daily_digest = serializers.BooleanField()


def _body(user) -> dict:
    return {
        "daily_digest": services.wants_digest(user),
        "channels": [config.label(p) for p in config.message_providers()],
        "bindings": services.bindings_of(user),
    }


class PushPreferenceView(ServiceErrorsMixin, APIView):
    @extend_schema(summary="我的消息推送方式", responses={200: PushSerializer})
    def get(self, request):
        return Response(PushSerializer(_body(request.user)).data)

    @extend_schema(
        summary="修改我的消息推送方式",
        description="与“登录与消息推送”页面相同：即时推送，或每日汇总推送一次。",
        request=PushInputSerializer,
        responses={200: PushSerializer, 400: OpenApiResponse(description="输入有误")},
    )
    def post(self, request):
        outcome = core_actions.run(actions.OWN_ACTIONS, request.user, None, "digest", request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(PushSerializer(_body(request.user)).data)
