"""The navigation every page shows: which sections the user's roles open."""

from dangqun.accounts.roles import (
    APPROVE_DEVELOPMENT,
    CHECK_CORRECTIONS,
    GRANT_ROLES,
    HANDLE_VOICES,
    IMPORT_PEOPLE,
    MANAGE_ACCOUNTS,
    MANAGE_ACTIVITIES,
    MANAGE_DEVELOPMENT,
    MANAGE_LEARNING,
    MANAGE_LIFE,
    MANAGE_PUBLICITY,
    MANAGE_SURVEYS,
    MANAGE_VOICES,
    VIEW_ACTIVITIES,
    VIEW_AUDIT,
    VIEW_DEVELOPMENT,
    VIEW_LEARNING,
    VIEW_LIFE,
    VIEW_ORGS,
    VIEW_PEOPLE,
    VIEW_PUBLICITY,
    VIEW_SURVEYS,
    VIEW_VOICES,
)
from dangqun.accounts.scope import Scope
from dangqun.accounts.services import may_use_api


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = Scope.of(user)
    runs_accounts = scope.has(MANAGE_ACCOUNTS) or scope.has(GRANT_ROLES)
    return {
        "nav": {
            # the same rule as the docs and schema pages themselves (decision 0016)
            "api": may_use_api(user),
            "orgs": scope.has(VIEW_ORGS),
            "people": scope.has(VIEW_PEOPLE),
            "import": scope.has(IMPORT_PEOPLE),
            "audit": scope.has(VIEW_AUDIT),
            "accounts": runs_accounts,
            "corrections": scope.has(CHECK_CORRECTIONS),
            "self": user.person_id is not None,
            "voices": scope.has(VIEW_VOICES) or scope.has(HANDLE_VOICES),
            "life": scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE) or user.person_id is not None,
            "orders": user.person_id is not None
            or any(scope.has(c) for c in (VIEW_ACTIVITIES, MANAGE_ACTIVITIES, MANAGE_VOICES)),
            "activities": user.person_id is not None
            or scope.has(VIEW_ACTIVITIES)
            or scope.has(MANAGE_ACTIVITIES),
            "learning": user.person_id is not None
            or scope.has(VIEW_LEARNING)
            or scope.has(MANAGE_LEARNING),
            "surveys": user.person_id is not None
            or scope.has(VIEW_SURVEYS)
            or scope.has(MANAGE_SURVEYS),
            "publicity": user.person_id is not None
            or scope.has(VIEW_PUBLICITY)
            or scope.has(MANAGE_PUBLICITY),
            "development": any(
                scope.has(c) for c in (VIEW_DEVELOPMENT, MANAGE_DEVELOPMENT, APPROVE_DEVELOPMENT)
            ),
        }
    }
