"""职代会提案 over the API, as the 提案 page shows them to the caller: the proposals waiting for
their 附议, their own proposals, the congresses they may propose to and those they keep.
Seconding is a step of ``POST /api/voices/{id}/second/`` (``decline_second``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dangqun.api.views import ServiceErrorsMixin
from dangqun.voices import proposals
from dangqun.voices.models import Congress, Kind, Voice


class ProposalSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, help_text="编号")
    congress_name = serializers.CharField(source="congress.name", default=None, allow_null=True)
    proposer = serializers.CharField(
        source="person.name", default="", help_text="提案人（职工代表）"
    )
    handling_org_name = serializers.CharField(
        source="handling_org.name", default=None, allow_null=True
    )

    class Meta:
        model = Voice
        fields = [
            "id",
            "number",
            "title",
            "status",
            "congress",
            "congress_name",
            "proposer",
            "handling_org",
            "handling_org_name",
            "submitted_at",
        ]
        read_only_fields = fields


class CongressSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")

    class Meta:
        model = Congress
        fields = ["id", "name", "org", "org_name", "starts_on", "ends_on", "accepting"]
        read_only_fields = fields


class ProposalsOverviewSerializer(serializers.Serializer):
    asked = ProposalSerializer(many=True, help_text="待我附议的提案")
    mine = ProposalSerializer(many=True, help_text="我的提案")
    congresses = CongressSerializer(many=True, help_text="我是代表、正在征集提案的职代会")
    kept = CongressSerializer(many=True, help_text="我维护的职代会")
    rule = serializers.CharField(help_text="提案与附议的规则")
    citation = serializers.CharField(help_text="依据")


class ProposalsView(ServiceErrorsMixin, APIView):
    @extend_schema(
        operation_id="voices_proposals",
        summary="职代会提案（本人）",
        description="与提案页面相同：待我附议的提案、我的提案、我可提案的职代会、我维护的职代会。"
        "附议或不附议用 POST /api/voices/{id}/second/ 或 decline_second/。",
        responses={200: ProposalsOverviewSerializer},
    )
    def get(self, request):
        user = request.user
        asked = [seconder.voice for seconder in proposals.asked_of(user)]
        mine = Voice.objects.filter(kind=Kind.PROPOSAL, user=user).select_related(
            "congress", "handling_org", "person"
        )
        rule = proposals.rule()
        body = {
            "asked": asked,
            "mine": mine.order_by("-submitted_at", "-id"),
            "congresses": proposals.representing(user.person).select_related("org"),
            "kept": proposals.congresses_kept_by(user),
            "rule": rule.explain(),
            "citation": rule.citation,
        }
        return Response(ProposalsOverviewSerializer(body).data)
