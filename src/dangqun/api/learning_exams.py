"""学习培训's exams over the API (issue #17 §3, §5): a member's exams, starting an attempt, saving
one answer, submitting, the result; the organiser's question bank list and xlsx import. They run
the tables the pages use (``learning.exam_actions``): the same forms, rules and audit."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dangqun.api.pagination import Pagination
from dangqun.api.views import FORBIDDEN, INVALID, ServiceErrorsMixin
from dangqun.core import actions as core_actions
from dangqun.core.ids import parse_id
from dangqun.learning import (
    exam_actions,
    exams,
    question_import,
    questions,
    services,
)
from dangqun.learning.exam_models import Attempt, Exam, Question

NOT_FOUND = OpenApiResponse(description="不存在或无权查看")


class ExamSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(
        help_text="upcoming 未开始 / open 进行中 / closed 已截止"
    )

    class Meta:
        model = Exam
        fields = [
            *("id", "title", "opens_at", "closes_at", "limit_minutes", "attempts_allowed"),
            *("pass_mark", "hours", "state"),
        ]
        read_only_fields = fields

    def get_state(self, exam) -> str:
        return exams.window(exam)


class OptionSerializer(serializers.Serializer):
    place = serializers.IntegerField(help_text="保存答案时提交的选项位置")
    text = serializers.CharField()


class PlaceSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="题目位置（保存答案时提交）")
    kind = serializers.CharField(
        source="question.kind", help_text="single / multiple / true_false / fill"
    )
    stem = serializers.CharField(source="question.stem")
    points = serializers.DecimalField(max_digits=5, decimal_places=1)
    options = serializers.SerializerMethodField()
    response = serializers.ListField(help_text="已保存的答案：选项位置，或填空的文字")
    right = serializers.ListField(allow_null=True, help_text="正确答案（考试截止后才有）")
    correct = serializers.BooleanField(allow_null=True)

    def get_options(self, place) -> list[dict]:
        return [{"place": p, "text": t} for p, t in place.options]


class AttemptSerializer(serializers.ModelSerializer):
    exam_title = serializers.CharField(source="exam.title", read_only=True)
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            *("id", "exam", "exam_title", "number", "started_at", "deadline", "submitted_at"),
            *("late", "score", "total", "passed", "questions"),
        ]
        read_only_fields = fields

    def get_questions(self, attempt) -> list[dict]:
        with_answers = attempt.submitted and exams.results_shown(attempt.exam)
        return PlaceSerializer(exams.places(attempt, with_answers), many=True).data


class AnswerInput(serializers.Serializer):
    position = serializers.IntegerField(help_text="题目位置")
    choice = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="选择题：所选选项位置"
    )
    text = serializers.CharField(required=False, help_text="填空题：答案文字")


class SavedSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    saved_at = serializers.DateTimeField()


class QuestionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Question
        fields = [
            *("id", "org", "org_name", "kind", "stem", "options", "answer", "explanation"),
            *("tags", "difficulty", "active"),
        ]
        read_only_fields = fields


class ImportInput(serializers.Serializer):
    org = serializers.IntegerField(help_text="题库所属组织")
    file = serializers.FileField(help_text="按模板填写的 .xlsx 文件")


class ImportResult(serializers.Serializer):
    imported = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        operation_id="learning_exams_list",
        summary="我的考试",
        description="本人在参考范围内的考试（未开始、进行中、已截止），按截止时间排序。",
    ),
)
class ExamViewSet(ServiceErrorsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ExamSerializer
    pagination_class = Pagination

    def get_queryset(self):
        person = getattr(self.request.user, "person", None)
        if person is None:
            return Exam.objects.none()
        return exams.mine(person).order_by("closes_at", "id")

    @extend_schema(
        operation_id="learning_exams_start",
        summary="开始答题",
        description="在考试时间内开始（或继续未交卷的）一次作答；返回题目（选项顺序因人而异）和截止时间。",
        request=None,
        responses={201: AttemptSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="start")
    def start(self, request, pk=None):
        exam = exams.require_mine(request.user, pk)
        outcome = core_actions.run(exam_actions.TAKE, request.user, exam, "start", {})
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(AttemptSerializer(outcome.result).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(
        operation_id="learning_attempts_retrieve",
        summary="答卷与结果",
        description="本人的答卷：题目、已保存的答案、得分；每题对错和正确答案在考试截止后才返回。",
        responses={200: AttemptSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class AttemptViewSet(ServiceErrorsMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AttemptSerializer

    def get_queryset(self):
        return Attempt.objects.none()

    def get_object(self):
        attempt = exams.require_own(self.request.user, self.kwargs["pk"])
        exams.settle(Attempt.objects.filter(pk=attempt.pk))
        attempt.refresh_from_db()
        return attempt

    @extend_schema(
        operation_id="learning_attempts_answer",
        summary="保存一题答案",
        description="随答随存，可重复提交（以最后一次为准）；答题时间已到或已交卷时拒绝。",
        request=AnswerInput,
        responses={200: SavedSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="answer")
    def answer(self, request, pk=None):
        # the save reads the attempt as the caller's own (404 otherwise): read once, not twice
        outcome = core_actions.run(exam_actions.TAKE, request.user, int(pk), "save", request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response({"ok": True, "saved_at": outcome.result.saved_at})

    @extend_schema(
        operation_id="learning_attempts_submit",
        summary="交卷",
        description="按已保存的答案评分，只评一次（重复交卷返回同一结果）；通过且考试计学时的，计入学时。",
        request=None,
        responses={200: AttemptSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="submit")
    def submit(self, request, pk=None):
        exams.require_own(request.user, pk)
        outcome = core_actions.run(exam_actions.TAKE, request.user, int(pk), "submit", {})
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(AttemptSerializer(outcome.result).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="learning_questions_list",
        summary="题库",
        description="本人可组织学习培训的组织的试题；筛选：kind 题型、tag 标签、difficulty 难度、state（active/retired）、q 题干。",
        responses={200: QuestionSerializer(many=True), 403: FORBIDDEN},
    ),
)
class QuestionViewSet(ServiceErrorsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = QuestionSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        if not services.organises(self.request.user):
            raise PermissionDenied(services.NOT_ORGANISER)
        rows = questions.filtered(
            questions.visible_to(self.request.user), self.request.query_params
        )
        return rows.select_related("org").order_by("-id")

    @extend_schema(
        operation_id="learning_questions_import",
        summary="导入试题",
        description="按模板填写的 xlsx；整份文件无误才导入，否则一题不写，逐条返回错误（行、列、原因）。",
        request={"multipart/form-data": ImportInput},
        responses={201: ImportResult, 400: INVALID, 403: FORBIDDEN},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        if not services.organises(request.user):
            raise PermissionDenied(services.NOT_ORGANISER)
        org_id = parse_id(request.data.get("org"))
        org = services.organiser_orgs(request.user).filter(pk=org_id).first() if org_id else None
        uploaded = request.FILES.get("file")
        if org is None or uploaded is None:
            raise ValidationError({"non_field_errors": ["请选择题库所属组织和要导入的文件"]})
        checked = question_import.import_upload(request.user, org, uploaded)
        if checked.file_error:
            raise ValidationError({"file": [checked.file_error]})
        if checked.errors:
            raise ValidationError({"rows": [str(e) for e in checked.errors]})
        return Response({"imported": len(checked.questions)}, status=status.HTTP_201_CREATED)
