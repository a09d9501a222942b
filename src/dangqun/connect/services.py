"""Who an enterprise identity is here, and a person's own message preference.

The binding rules (issue #14 §2): an identity is matched by the enterprise's user id kept on a
``Binding``; else, the first time, by 工号 and then by mobile number; a match that is not one
person is refused in Chinese and an administrator binds by hand. The first binding is audited.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.accounts.scope import require
from dangqun.accounts.services import MANAGERS_ONLY, can_manage_accounts
from dangqun.connect.client import Identity
from dangqun.connect.config import label
from dangqun.connect.models import Binding, Preference
from dangqun.core import audit
from dangqun.people.models import Person

CONTACT_ADMIN = "请联系管理员在系统中为您绑定账号，或使用账号密码登录。"


def digits(mobile: str) -> str:
    """A mainland mobile number's 11 digits (drops +86, spaces and dashes)."""
    only = re.sub(r"\D", "", mobile or "")
    if only.startswith("86") and len(only) == 13:
        only = only[2:]
    return only


def masked(mobile: str) -> str:
    number = digits(mobile)
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 7 else "***"


def _account_of(person: Person, source: str, what: str) -> User:
    account = User.objects.filter(person=person).first()
    if account is None:
        raise ValidationError(
            f"已按{what}找到人员“{person.name}”，但其尚未开通账号。{CONTACT_ADMIN}"
        )
    return account


def match(identity: Identity) -> tuple[User, str]:
    """The account this identity is (and how it was found), or a ``ValidationError``."""
    source = label(identity.provider)
    binding = (
        Binding.objects.select_related("user")
        .filter(provider=identity.provider, external_id=identity.external_id)
        .first()
    )
    if binding is not None:
        return binding.user, "binding"
    if identity.employee_no:
        person = Person.objects.filter(employee_no=identity.employee_no).first()
        if person is not None:
            return _account_of(person, source, "工号"), "employee_no"
    number = digits(identity.mobile)
    if len(number) == 11:
        candidates = [
            p
            for p in Person.objects.filter(phone__endswith=number[-4:]).only("pk", "name", "phone")
            if digits(p.phone) == number
        ]
        if len(candidates) > 1:
            raise ValidationError(
                f"手机号 {masked(number)} 对应多名人员，无法确定您的身份。{CONTACT_ADMIN}"
            )
        if candidates:
            return _account_of(candidates[0], source, "手机号"), "mobile"
    raise ValidationError(f"未找到与您的{source}账号对应的人员。{CONTACT_ADMIN}")


def sign_in_user(identity: Identity) -> User:
    """Match the identity, write its binding the first time (audited), and return the account."""
    user, matched_by = match(identity)
    if not user.is_active:
        raise ValidationError("该账号已停用，无法登录。")
    now = timezone.now()
    if matched_by == "binding":
        Binding.objects.filter(provider=identity.provider, external_id=identity.external_id).update(
            last_login_at=now
        )
        return user
    existing = Binding.objects.filter(user=user, provider=identity.provider).first()
    if existing is not None:
        raise ValidationError(
            f"账号“{user}”已绑定另一个{label(identity.provider)}身份，不能再自动绑定。{CONTACT_ADMIN}"
        )
    try:
        with transaction.atomic():
            binding = Binding.objects.create(
                user=user,
                provider=identity.provider,
                external_id=identity.external_id,
                matched_by=matched_by,
                created_at=now,
                last_login_at=now,
            )
            audit.record(
                user,
                "connect.bind",
                binding,
                after={
                    "provider": identity.provider,
                    "external_id": identity.external_id,
                    "matched_by": matched_by,
                },
                object_repr=f"{user} · {label(identity.provider)}",
            )
    except IntegrityError:
        # Two first sign-ins at once: the other one bound it; use that binding.
        return match(identity)[0]
    return user


def bindings_of(user) -> list[Binding]:
    return list(Binding.objects.filter(user=user).order_by("provider"))


def wants_digest(user) -> bool:
    return Preference.objects.filter(user=user, daily_digest=True).exists()


def set_daily_digest(actor, on: bool) -> Preference:
    """The person's own choice: messages as they happen, or one digest a day."""
    with transaction.atomic():
        preference, _ = Preference.objects.select_for_update().get_or_create(user=actor)
        before = preference.daily_digest
        if before != on:
            preference.daily_digest = on
            preference.save(update_fields=["daily_digest"])
            audit.record(
                actor,
                "connect.digest",
                preference,
                before={"daily_digest": before},
                after={"daily_digest": on},
                object_repr=str(actor),
            )
    return preference


# Binding by hand (a system administrator), for whom the rules above found no one person -----------


def bind(actor, user, provider: str, external_id: str) -> Binding:
    """Bind ``user`` to an identity by hand; ``actor=None`` is the operator's command."""
    if actor is not None:
        require(can_manage_accounts(actor), MANAGERS_ONLY)
    external_id = external_id.strip()
    with transaction.atomic():
        taken = Binding.objects.filter(provider=provider, external_id=external_id).first()
        if taken is not None:
            raise ValidationError(
                {"external_id": f"该{label(provider)}身份已绑定账号“{taken.user}”，请先解除。"}
            )
        if Binding.objects.filter(user=user, provider=provider).exists():
            raise ValidationError({"provider": f"该账号已绑定{label(provider)}身份，请先解除。"})
        binding = Binding.objects.create(
            user=user, provider=provider, external_id=external_id, matched_by="admin"
        )
        audit.record(
            actor,
            "connect.bind",
            binding,
            after={"provider": provider, "external_id": external_id, "matched_by": "admin"},
            object_repr=f"{user} · {label(provider)}",
        )
    return binding


def unbind(actor, binding: Binding) -> None:
    if actor is not None:
        require(can_manage_accounts(actor), MANAGERS_ONLY)
    with transaction.atomic():
        audit.record(
            actor,
            "connect.unbind",
            binding,
            before={"provider": binding.provider, "external_id": binding.external_id},
            object_repr=f"{binding.user} · {label(binding.provider)}",
        )
        binding.delete()
