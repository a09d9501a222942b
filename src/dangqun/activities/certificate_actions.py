"""The actions of 志愿服务证明 (``core.actions`` table, shared by the pages and any API): a person
asks for their own certificate; an organiser issues one for a person in the name of an
organisation they organise for (neither is done to an existing record: ``obj`` is None); whoever
may issue a certificate withdraws it (作废) with a reason."""

from dangqun.accounts.roles import MANAGE_ACTIVITIES
from dangqun.accounts.scope import Scope
from dangqun.activities import certificates
from dangqun.activities.certificate_forms import IssueForm, OwnCertificateForm, WithdrawForm
from dangqun.core.actions import Action


def organises(user, obj=None) -> bool:
    return Scope.of(user).has(MANAGE_ACTIVITIES)


def _own(user, obj, data):
    return certificates.issue_own(user, data["starts_on"], data["ends_on"])


def _issue(user, obj, data):
    return certificates.issue(
        user, data["employee_no"], data["starts_on"], data["ends_on"], data["org"]
    )


def _withdraw(user, certificate, data):
    return certificates.withdraw(user, certificate, data["reason"])


ACTIONS = {
    "own": Action(OwnCertificateForm, _own, done="志愿服务证明已开具"),
    "issue": Action(
        IssueForm,
        _issue,
        allowed=organises,
        form_kwargs=lambda user, obj: {"user": user},
        done="志愿服务证明已开具",
        refused=certificates.REFUSED,
    ),
    "withdraw": Action(
        WithdrawForm,
        _withdraw,
        allowed=certificates.can_withdraw,
        done="证明已作废",
        refused=certificates.NOT_WITHDRAWABLE,
    ),
}
