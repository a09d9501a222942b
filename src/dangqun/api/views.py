"""API endpoints: thin views over the scoped querysets and the services.

Reads go through each app's ``visible_to(user)`` (outside the scope: 404). Writes check the change
capability first (visible but read-only: 403), then call the service, which checks again and audits.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.views.generic import TemplateView
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from dangqun.accounts.roles import CHANGE_PEOPLE
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.accounts.services import API_ONLY, may_use_api
from dangqun.api import errors
from dangqun.api.filters import PersonFilter
from dangqun.api.pagination import PeoplePagination
from dangqun.api.serializers import PartyProfileSerializer, PersonSerializer
from dangqun.core import actions as core_actions
from dangqun.people import actions as people_actions
from dangqun.people import services
from dangqun.people.models import PartyProfile

PROFILE_KEYS = {f.removesuffix("_id") for f in services.PROFILE_FIELDS}
NOT_FOUND = OpenApiResponse(description="不存在或不在授权范围内")
FORBIDDEN = OpenApiResponse(description="只读授权或无权修改")
INVALID = OpenApiResponse(description="数据有误或不符合规定，按字段给出中文说明")
# the people page actions not reached otherwise (edit is PATCH, the party profile PUT/PATCH)
PERSON_STEPS = ["member_event"]
PERSON_STEP = OpenApiParameter(
    "step", str, OpenApiParameter.PATH, enum=PERSON_STEPS, description="操作"
)


class ServiceErrorsMixin:
    """The API's error conventions: the services' ValidationError and PermissionDenied answer
    400 and 403; an object ID that is not a number is not found (404), like a missing one."""

    def get_exception_handler(self):
        return errors.exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "pk" in kwargs and not errors.is_object_id(kwargs["pk"]):
            raise NotFound(NOT_FOUND.description)


@extend_schema_view(
    list=extend_schema(
        summary="人员列表", description="授权范围内的人员，筛选条件与人员页面相同。"
    ),
    retrieve=extend_schema(summary="人员详情", responses={200: PersonSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="登记人员",
        description="可同时填写党员信息（party_profile）。",
        responses={
            201: PersonSerializer,
            400: OpenApiResponse(description="数据有误"),
            403: FORBIDDEN,
        },
    ),
    partial_update=extend_schema(
        summary="修改人员信息",
        responses={
            200: PersonSerializer,
            400: OpenApiResponse(description="数据有误"),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
)
class PersonViewSet(
    ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """People, scoped to the caller's grants (and their own record)."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    pagination_class = PeoplePagination

    def get_queryset(self):
        return (
            services.visible_to(self.request.user)
            .select_related("unit", "party_profile__branch")
            .order_by("employee_no")
        )

    def filter_queryset(self, queryset):
        # The list filters (which hide members who left, by default) apply to the list only.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self):
        return get_in_scope(self.get_queryset(), pk=self.kwargs["pk"])

    def _changeable_object(self):
        return services.require_changeable(self.request.user, self.kwargs["pk"])

    def _fresh(self, person):
        return services.require_visible(self.request.user, person.pk)

    def create(self, request, *args, **kwargs):
        require(Scope.of(request.user).has(CHANGE_PEOPLE), "您无权登记人员")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, profile = serializer.service_data()
        try:
            person = services.create_person(request.user, data, profile)
        except DjangoValidationError as exc:
            raise errors.nested_errors(exc, PROFILE_KEYS, "party_profile") from exc
        output = self.get_serializer(self._fresh(person))
        return Response(output.data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        person = self._changeable_object()
        serializer = self.get_serializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, _ = serializer.service_data()
        services.update_person(request.user, person, data)
        return Response(self.get_serializer(self._fresh(person)).data)

    @extend_schema(
        methods=["GET"],
        summary="党员信息",
        responses={200: PartyProfileSerializer, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        summary="建立或修改党员信息",
        description="PUT 需填写全部可写字段；PATCH 只改所填字段。没有党员信息时建立之。",
        responses={
            200: PartyProfileSerializer,
            201: PartyProfileSerializer,
            400: OpenApiResponse(description="数据有误"),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get", "put", "patch"],
        url_path="party-profile",
        serializer_class=PartyProfileSerializer,
    )
    def party_profile(self, request, pk=None):
        """One member's party profile: branch, dates, category, flags."""
        if request.method == "GET":
            person = self.get_object()
            profile = getattr(person, "party_profile", None)
            if profile is None:
                raise Http404("该人员没有党员信息")
            return Response(self.get_serializer(profile).data)
        person = self._changeable_object()
        existing = getattr(person, "party_profile", None)
        serializer = self.get_serializer(
            existing, data=request.data, partial=request.method == "PATCH"
        )
        serializer.is_valid(raise_exception=True)
        profile = services.set_party_profile(request.user, person, dict(serializer.validated_data))
        profile = PartyProfile.objects.select_related("branch").get(pk=profile.pk)
        code = status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED
        return Response(self.get_serializer(profile).data, status=code)

    @extend_schema(
        operation_id="people_act",
        parameters=[PERSON_STEP],
        summary="办理党员组织关系与党籍事项",
        description=(
            "与页面“组织关系与党籍事项”相同（people.actions）。member_event 需要 type"
            "（transfer_in/transfer_out/internal_move/expelled/deceased/suspended/restored/"
            "lost_contact/contact_restored/probation_cancelled）、on，内部调动、转入带 to_branch，"
            "可带 counterpart、note。返回办理后的人员。"
        ),
        request=None,
        responses={200: PersonSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(PERSON_STEPS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in PERSON_STEPS:
            raise NotFound("没有这个操作")
        person = self._changeable_object()
        outcome = people_actions.run(request.user, person, step, request.data)
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(PersonSerializer(self._fresh(person)).data)


@extend_schema(
    summary="本人档案",
    description="调用者账号所关联的人员；未关联时 404。",
    responses={200: PersonSerializer, 404: NOT_FOUND},
)
class MeView(ServiceErrorsMixin, generics.RetrieveAPIView):
    """The caller's own person record."""

    serializer_class = PersonSerializer

    def get_object(self):
        if not self.request.user.person_id:
            raise Http404("您的账号尚未关联人员档案")
        return services.require_visible(self.request.user, self.request.user.person_id)


class UsesApi(BasePermission):
    """Token holders and the administrators who issue tokens (``accounts.services.may_use_api``)."""

    message = API_ONLY

    def has_permission(self, request, view) -> bool:
        return may_use_api(request.user)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for those who use the API (others: 401 / 403 with the reason)."""

    permission_classes = [IsAuthenticated, UsesApi]

    def get_exception_handler(self):
        return errors.exception_handler

    def handle_exception(self, exc):
        # a refusal is JSON like the rest of the API's, not a schema document (YAML)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class DocsView(TemplateView):
    """Swagger UI served from our own static files: works offline and under the strict CSP.
    For those who use the API, as the menu's "API": others are sent to sign in, or refused."""

    template_name = "api/docs.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_use_api(request.user):
            raise PermissionDenied(API_ONLY)
        return super().dispatch(request, *args, **kwargs)
