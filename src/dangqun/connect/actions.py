"""What can be done here, by whom and with which form (``core.actions`` tables): a person's own
message setting, and a system administrator's binding of an account by hand."""

from django.core.exceptions import ValidationError

from dangqun.accounts.services import MANAGERS_ONLY, can_manage_accounts
from dangqun.connect import forms, services
from dangqun.connect.models import Binding
from dangqun.core.actions import Action


def _unbind(user, account, data):
    binding = Binding.objects.filter(pk=data["binding"], user=account).first()
    if binding is None:
        raise ValidationError("该绑定不存在或已解除。")
    services.unbind(user, binding)


OWN_ACTIONS: dict[str, Action] = {
    "digest": Action(
        forms.DigestForm,
        lambda user, _none, data: services.set_daily_digest(user, data["daily_digest"]),
        done="已保存消息推送方式。",
    ),
}

ACCOUNT_ACTIONS: dict[str, Action] = {
    "bind": Action(
        forms.BindForm,
        lambda user, account, data: services.bind(
            user, account, data["provider"], data["external_id"]
        ),
        allowed=lambda user, _account: can_manage_accounts(user),
        done="已绑定。",
        refused=MANAGERS_ONLY,
    ),
    "unbind": Action(
        forms.UnbindForm,
        _unbind,
        allowed=lambda user, _account: can_manage_accounts(user),
        done="已解除绑定。",
        refused=MANAGERS_ONLY,
    ),
}
