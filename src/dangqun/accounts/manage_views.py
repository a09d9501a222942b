"""Account administration pages: accounts (system admin) and role grants (security admin)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangqun.accounts import services
from dangqun.accounts.models import RoleGrant, User
from dangqun.accounts.roles import GRANT_ROLES, MANAGE_ACCOUNTS, ROLE_CHOICES
from dangqun.accounts.scope import Scope, get_in_scope, require
from dangqun.core.forms import StyledForm, add_errors
from dangqun.orgs.models import Org


class AccountForm(StyledForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150, required=False)
    employee_no = forms.CharField(label="关联人员工号", max_length=32, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class GrantForm(StyledForm):
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
    org = forms.ModelChoiceField(label="授权组织（含全部下级）", queryset=Org.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.active().only("pk", "name", "depth")


def _can_manage(scope: Scope) -> tuple[bool, bool]:
    return scope.has(MANAGE_ACCOUNTS), scope.has(GRANT_ROLES)


@login_required
def account_list(request):
    scope = Scope.of(request.user)
    manage, grant = _can_manage(scope)
    require(manage or grant, "只有系统管理员或安全管理员可以查看账号")
    users = User.objects.select_related("person").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/list.html",
        {"page": page, "q": q, "can_manage": manage, "can_grant": grant},
    )


@login_required
def account_create(request):
    require(Scope.of(request.user).has(MANAGE_ACCOUNTS), "只有系统管理员可以新建账号")
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_account(
                request.user,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password"],
                employee_no=data["employee_no"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "账号已创建。")
            return redirect("accounts:detail", pk=user.pk)
    return render(request, "accounts/form.html", {"form": form, "title": "新建账号"})


@login_required
def account_detail(request, pk: int):
    scope = Scope.of(request.user)
    manage, grant = _can_manage(scope)
    require(manage or grant, "只有系统管理员或安全管理员可以查看账号")
    account = get_in_scope(User.objects.select_related("person"), pk=pk)
    form = None
    if manage:
        form = AccountForm(
            request.POST or None,
            initial={
                "username": account.username,
                "full_name": account.first_name,
                "employee_no": account.person.employee_no if account.person_id else "",
                "is_active": account.is_active,
            },
        )
        form.fields["username"].disabled = True
        form.fields["password"].label = "重置密码（留空不变）"
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.update_account(
                    request.user,
                    account,
                    full_name=data["full_name"],
                    employee_no=data["employee_no"],
                    is_active=data["is_active"],
                    password=data["password"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("accounts:detail", pk=account.pk)
    grants = account.grants.select_related("org").order_by("role")
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "form": form,
            "grants": grants,
            "grant_form": GrantForm() if grant else None,
            "can_grant": grant,
        },
    )


@login_required
@require_POST
def grant_add(request, pk: int):
    require(Scope.of(request.user).has(GRANT_ROLES), "只有安全管理员可以授权")
    account = get_in_scope(User.objects.all(), pk=pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.grant_role(
                request.user, account, form.cleaned_data["role"], form.cleaned_data["org"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已授权。")
    else:
        messages.error(request, "请选择角色和组织。")
    return redirect("accounts:detail", pk=account.pk)


@login_required
@require_POST
def grant_remove(request, pk: int, grant_pk: int):
    require(Scope.of(request.user).has(GRANT_ROLES), "只有安全管理员可以撤销授权")
    grant = get_in_scope(RoleGrant.objects.filter(user_id=pk), pk=grant_pk)
    services.revoke_role(request.user, grant)
    messages.success(request, "已撤销授权。")
    return redirect("accounts:detail", pk=pk)
