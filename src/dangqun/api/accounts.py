"""Accounts over the API, for the system and security admins as on the pages: the list (with the
page's search) and one account with its role grants, and every change the pages make
(``accounts.actions``: the same forms, rules and audit) — create, edit, grant and revoke a role.
Password hashes never leave: an account shows its name, person, state and grants."""

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from dangqun.accounts import actions, services
from dangqun.accounts.models import RoleGrant, User
from dangqun.accounts.roles import ROLE_CHOICES
from dangqun.api.views import FORBIDDEN, NOT_FOUND, ServiceErrorsMixin
from dangqun.core import actions as core_actions

INVALID = OpenApiResponse(description="数据有误或不符合规定，按字段给出中文说明")
ADMINS_ONLY = OpenApiResponse(description="只有系统管理员或安全管理员可以查看账号")
GRANTS = Prefetch("grants", queryset=RoleGrant.objects.select_related("org").order_by("role"))
STEP = OpenApiParameter(
    "step", str, OpenApiParameter.PATH, enum=list(actions.ACTIONS), description="操作"
)
STEPS_HELP = (
    "与账号页面相同的操作，step 为：" + "、".join(actions.ACTIONS) + "。"
    "edit（系统管理员）可带 full_name、employee_no（关联人员工号，空为不关联）、is_active、"
    "password（重置密码，留空不变），未填的字段保持原值；grant（安全管理员）需要 role、"
    "org（授权组织 ID，含全部下级），不能给自己授权。返回办理后的账号。"
)


class GrantSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=ROLE_CHOICES, read_only=True, help_text="角色")
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "role", "role_label", "org", "org_name", "granted_at"]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    """An account as its page shows it; never its password hash."""

    full_name = serializers.CharField(source="first_name", read_only=True, help_text="姓名")
    employee_no = serializers.CharField(
        source="person.employee_no", read_only=True, allow_null=True, help_text="关联人员工号"
    )
    grants = GrantSerializer(many=True, read_only=True, help_text="角色授权")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "person",
            "employee_no",
            "is_active",
            "last_login",
            "date_joined",
            "grants",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="账号列表",
        description="系统管理员或安全管理员可查看；?q= 按用户名或姓名查找（与账号页面相同）。",
        parameters=[OpenApiParameter("q", str, description="用户名或姓名")],
        responses={200: AccountSerializer(many=True), 403: ADMINS_ONLY},
    ),
    retrieve=extend_schema(
        summary="账号详情",
        description="账号及其角色授权。",
        responses={200: AccountSerializer, 403: ADMINS_ONLY, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="新建账号",
        description=(
            "与页面“新建账号”相同（系统管理员）：username、password（初始密码，须符合密码规则），"
            "可带 full_name、employee_no（关联人员工号）。"
        ),
        request=None,
        responses={201: AccountSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
)
class AccountViewSet(ServiceErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Accounts and their role grants, for the system and security admins."""

    serializer_class = AccountSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema asks for the model only
            return User.objects.none()
        q = self.request.query_params.get("q", "")
        return services.search(self.request.user, q).prefetch_related(GRANTS)

    def get_object(self):
        return self._account(self.kwargs["pk"])

    def _account(self, pk) -> User:
        account = services.require_visible(self.request.user, pk)
        prefetch_related_objects([account], GRANTS)
        return account

    def _answer(self, outcome, pk, code=status.HTTP_200_OK) -> Response:
        if not outcome.ok:
            raise ValidationError(core_actions.errors_by_field(outcome.form))
        return Response(AccountSerializer(self._account(pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        outcome = actions.create(request.user, request.data)
        pk = outcome.result.pk if outcome.ok else None
        return self._answer(outcome, pk, status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="accounts_act",
        parameters=[STEP],
        summary="办理账号变更",
        description=STEPS_HELP,
        request=None,
        responses={200: AccountSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="(?P<step>" + "|".join(actions.ACTIONS) + ")")
    def act(self, request, pk=None, step=None):
        if step not in actions.ACTIONS:
            raise NotFound("没有这个操作")
        account = services.require_visible(request.user, pk)
        data = actions.keeping_the_rest(account, request.data) if step == "edit" else request.data
        return self._answer(actions.run(request.user, account, step, data), pk)

    @extend_schema(
        operation_id="accounts_grants_revoke",
        summary="撤销角色授权",
        description="与页面的“撤销”相同（安全管理员）。返回该账号。",
        request=None,
        responses={200: AccountSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path=r"grants/(?P<grant_pk>\d+)/revoke")
    def revoke(self, request, pk=None, grant_pk=None):
        grant = services.require_grant(request.user, pk, grant_pk)
        return self._answer(actions.revoke(request.user, grant), pk)
