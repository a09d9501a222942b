"""The 工作台 over the API: the caller's cards as JSON (``core.cards``), the same cards, numbers
and links the home page shows, scoped the same way."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.views import ServiceErrorsMixin
from dangqun.core import cards


class NumberSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="数字的说明")
    value = serializers.CharField(help_text="页面上显示的文字（数字、比率或日期）")
    count = serializers.IntegerField(allow_null=True, help_text="是计数时的整数，否则为 null")
    url = serializers.CharField(help_text="列出这些记录的页面地址（已带筛选条件）")
    tone = serializers.ChoiceField(
        choices=cards.TONES, help_text="提示色：空、danger（红）、warning（黄）、success（绿）"
    )


class ActionSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField()


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    data = serializers.ListField(child=serializers.FloatField(allow_null=True))


class ChartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["line", "bar"])
    unit = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())
    partial_last = serializers.BooleanField(help_text="最后一期尚未结束（数字为至今）")
    series = SeriesSerializer(many=True)


class CardSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="卡片标识，如 voices.mine")
    title = serializers.CharField()
    next_step = serializers.CharField(help_text="下一步该做什么")
    numbers = NumberSerializer(many=True)
    action = ActionSerializer(allow_null=True)
    chart = ChartSerializer(allow_null=True)


class WorkbenchSerializer(serializers.Serializer):
    cards = CardSerializer(many=True)


class WorkbenchView(ServiceErrorsMixin, APIView):
    @extend_schema(
        summary="我的工作台",
        description="与首页工作台相同的卡片：每张卡片的数字、说明和对应列表页面的地址（已带筛选），"
        "以及下一步该做什么；按调用者的权限范围统计。全部卡片一次计算较慢（集团党委约数百毫秒），"
        "可用 card 参数只取需要的卡片（可重复），与首页逐张加载相同。",
        parameters=[
            OpenApiParameter(
                "card",
                str,
                many=True,
                description="只返回这些卡片，如 voices.mine（可重复；未知或无权的标识不返回）",
            )
        ],
        responses={200: WorkbenchSerializer},
    )
    def get(self, request):
        only = set(request.query_params.getlist("card")) or None
        shown = [card.as_dict() for card in cards.for_user(request.user, only=only)]
        for card in shown:
            for number in card["numbers"]:
                value = number["value"]
                number["count"] = value if isinstance(value, int) else None
                number["value"] = str(value)
        return Response(WorkbenchSerializer({"cards": shown}).data)
