"""Accounts, role grants on organisation sub-trees, and hashed API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from dangqun.accounts.roles import ROLE_CHOICES, ROLES


class User(AbstractUser):
    """A login. May be linked to the person (employee) it belongs to."""

    person = models.OneToOneField(
        "people.Person",
        verbose_name="对应人员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )

    class Meta:
        verbose_name = "账号"

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        return (self.first_name or "").strip() or self.username


class RoleGrant(models.Model):
    """A role held on an organisation node; it covers the node's whole sub-tree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=32, choices=ROLE_CHOICES)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="授权组织", on_delete=models.PROTECT, related_name="grants"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="unique_role_grant")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} @ {self.org}"

    @property
    def capabilities(self) -> frozenset[str]:
        return ROLES[self.role].capabilities


class ApiToken(models.Model):
    """A per-user API token. Only a hash is stored; the token is shown once when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"

    def __str__(self):
        return f"{self.user} · {self.prefix}…"
