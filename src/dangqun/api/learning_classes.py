"""培训班 and 外出培训 over the API (issue #17 §1, §5), scoped like the pages: the caller's classes
(enrolled, or open to them for sign-up) and one class with its sessions and the caller's own
attendance; signing up and checking in by the code shown at a session as the caller's person; the
caller's external training, listed and recorded (multipart, with the proof files).

Each call runs the same actions table as the pages (``learning.class_actions``): a service's
refusal is a 400 with its Chinese message per field, anything outside the caller's scope a 404.
"""

from django.db.models import Q
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dangqun.api.pagination import Pagination
from dangqun.api.views import FORBIDDEN, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.learning import class_actions, classes, completion, external
from dangqun.learning.class_models import (
    ClassSession,
    ClassStatus,
    Enrolment,
    ExternalProof,
    ExternalTraining,
    TrainingClass,
)

NO_SUCH = OpenApiResponse(description="培训班不存在或无权查看")
REFUSED = OpenApiResponse(description="不符合规定（签到码已过期、不在签到时间内等），中文说明")


class ClassSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    enrolment_label = serializers.CharField(source="get_enrolment_display", read_only=True)

    class Meta:
        model = TrainingClass
        fields = [
            *("id", "title", "org", "org_name", "status", "status_label", "enrolment"),
            *("enrolment_label", "threshold", "published_at"),
        ]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    attended = serializers.SerializerMethodField(help_text="调用者本人是否已出勤")

    class Meta:
        model = ClassSession
        fields = ["id", "topic", "starts_at", "ends_at", "place", "hours", "attended"]
        read_only_fields = fields

    def get_attended(self, session) -> bool:
        return session.pk in self.context.get("attended", set())


class ClassDetailSerializer(ClassSerializer):
    description = serializers.CharField(read_only=True)
    cancel_reason = serializers.CharField(read_only=True)
    sessions = serializers.SerializerMethodField()
    total_hours = serializers.SerializerMethodField(help_text="全部课次的学时")
    enrolled = serializers.SerializerMethodField(help_text="调用者本人是否在参训名单中")
    attended_hours = serializers.SerializerMethodField(help_text="本人已出勤课次的学时")
    completed = serializers.SerializerMethodField(help_text="本人是否已达到结业要求（学时已计入）")

    class Meta(ClassSerializer.Meta):
        fields = [
            *ClassSerializer.Meta.fields,
            *("description", "cancel_reason", "sessions", "total_hours", "enrolled"),
            *("attended_hours", "completed"),
        ]
        read_only_fields = fields

    def _standing(self, klass):
        if "standing" not in self.context:
            person_id = getattr(self.context["request"].user, "person_id", None)
            self.context["standing"] = completion.standing(klass, person_id)
            self.context["person_id"] = person_id
        return self.context["standing"]

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, klass) -> list[dict]:
        standing = self._standing(klass)
        got = standing.people.get(self.context["person_id"])
        context = {"attended": got.session_ids if got else set()}
        return SessionSerializer(classes.sessions_of(klass), many=True, context=context).data

    def get_total_hours(self, klass) -> str:
        return str(self._standing(klass).total_hours)

    def get_enrolled(self, klass) -> bool:
        return self.context["person_id"] in self._standing(klass).people

    def get_attended_hours(self, klass) -> str:
        got = self._standing(klass).people.get(self.context["person_id"])
        return str(got.hours if got else 0)

    def get_completed(self, klass) -> bool:
        return self._standing(klass).completed(self.context["person_id"])


class ClassCodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="课次现场显示的签到码")
    session = serializers.IntegerField(required=False, help_text="课次编号（可不填：按签到码识别）")


class ClassScannedSerializer(serializers.Serializer):
    first = serializers.BooleanField(help_text="本次记录（否：此前已签到）")
    session = serializers.IntegerField(source="session.pk")


@extend_schema_view(
    list=extend_schema(
        summary="我的培训班",
        description="调用者参加的培训班（不含已退出的），以及可以报名的培训班。",
        responses={200: ClassSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="培训班详情",
        description="含课次、本人出勤和是否已结业。",
        responses={200: ClassDetailSerializer, 404: NO_SUCH},
    ),
)
class ClassViewSet(
    ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pagination_class = Pagination
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return ClassSerializer if self.action == "list" else ClassDetailSerializer

    def get_queryset(self):
        user = self.request.user
        person_id = getattr(user, "person_id", None)
        active = Enrolment.objects.filter(person_id=person_id, left_at__isnull=True)
        enrolled = TrainingClass.objects.exclude(status=ClassStatus.DRAFT).filter(
            pk__in=active.values("klass_id")
        )
        return (
            TrainingClass.objects.filter(
                Q(pk__in=enrolled.values("pk")) | Q(pk__in=classes.open_to(user).values("pk"))
            )
            .select_related("org")
            .order_by("-published_at", "-id")
        )

    def get_object(self):
        return classes.require_visible(self.request.user, self.kwargs["pk"])

    def _run(self, request, pk, name, data):
        klass = classes.require_visible(request.user, pk)
        outcome = core_actions.run(class_actions.CLASS, request.user, klass, name, data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return klass, outcome.result

    @extend_schema(
        operation_id="learning_classes_check_in",
        summary="培训班扫码签到",
        description="以调用者本人签到，code 为课次现场显示的签到码（每 30 秒更换）；重复签到保留首次。",
        request=ClassCodeInput,
        responses={200: ClassScannedSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        incoming = ClassCodeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {"code": incoming.validated_data["code"]}
        if incoming.validated_data.get("session"):
            data["session"] = str(incoming.validated_data["session"])
        _, scanned = self._run(request, pk, "check_in", data)
        return Response(ClassScannedSerializer(scanned).data)

    @extend_schema(
        operation_id="learning_classes_sign_up",
        summary="报名培训班",
        description="自愿报名的培训班，参训对象范围内的本人报名。",
        request=None,
        responses={200: ClassDetailSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NO_SUCH},
    )
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, pk=None):
        klass, _ = self._run(request, pk, "sign_up", {})
        return Response(ClassDetailSerializer(klass, context={"request": request}).data)


class ProofSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalProof
        fields = ["id", "name", "size"]
        read_only_fields = fields


class ExternalSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    proofs = ProofSerializer(many=True, read_only=True)

    class Meta:
        model = ExternalTraining
        fields = [
            *("id", "kind", "kind_label", "title", "organiser", "starts_on", "ends_on"),
            *("claimed", "hours", "note", "status", "status_label", "reason", "created_at"),
            *("decided_at", "proofs"),
        ]
        read_only_fields = fields


class ExternalInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExternalTraining._meta.get_field("kind").choices)
    title = serializers.CharField(max_length=100)
    organiser = serializers.CharField(max_length=100, help_text="举办单位")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    claimed = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="申报学时")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    proofs = serializers.ListField(child=serializers.FileField(), help_text="证明材料（可多个）")


@extend_schema_view(
    list=extend_schema(
        summary="我的外出培训",
        description="调用者登记的外出培训及其状态（待确认、已确认、已退回）。",
        responses={200: ExternalSerializer(many=True)},
    ),
    create=extend_schema(
        summary="登记外出培训",
        description="multipart 表单，附证明材料 proofs；所在党支部确认后学时计入本人学时。",
        request={"multipart/form-data": ExternalInput},
        responses={201: ExternalSerializer, 400: REFUSED, 403: FORBIDDEN},
    ),
)
class ExternalViewSet(
    ServiceErrorsMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    pagination_class = Pagination
    serializer_class = ExternalSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return (
            external.mine(self.request.user)
            .prefetch_related("proofs")
            .order_by("-created_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        outcome = core_actions.run(
            class_actions.NEW_EXTERNAL, request.user, None, "record", request.data, request.FILES
        )
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        row = ExternalTraining.objects.prefetch_related("proofs").get(pk=outcome.result.pk)
        return Response(ExternalSerializer(row).data, status=status.HTTP_201_CREATED)
