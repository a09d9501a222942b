"""What the 群众呼声 administration changes, by whom and with which form: the voice categories, the
working calendar's site days, the congresses and their proposals. One table each (``core.actions``), shared by the pages and
``/api/voices/categories/``, ``/api/voices/calendar/`` and ``/api/voices/congresses/``."""

from dangqun.core import actions
from dangqun.core.actions import Action
from dangqun.voices import calendar_days, categories, forms, proposals
from dangqun.voices.actions import handling_orgs
from dangqun.voices.services import manages_somewhere

KEEP_CATEGORIES = "您无权维护呼声类别"
KEEP_CONGRESSES = "您无权维护职代会"

# obj: the category to change, or None for a new one
CATEGORY_ACTIONS = {
    "save": Action(
        forms.CategoryForm,
        categories.save_category,
        allowed=lambda user, category: manages_somewhere(user),
        form_kwargs=lambda user, category: {"orgs": handling_orgs(user)},
        refused=KEEP_CATEGORIES,
        done="已保存",
    ),
    "deactivate": Action(
        None,
        lambda user, category, _: categories.deactivate(user, category),
        allowed=lambda user, category: manages_somewhere(user),
        refused=KEEP_CATEGORIES,
        done="已停用",
    ),
}

# obj: None (the calendar is the site's)
CALENDAR_ACTIONS = {
    "set": Action(
        forms.CalendarDayForm,
        lambda user, _, data: calendar_days.set_calendar_day(
            user, data["date"], is_workday=data["is_workday"], note=data["note"]
        ),
        allowed=lambda user, _: calendar_days.may_change(user),
        refused=calendar_days.ONLY_GROUP_ADMINS,
        done="已保存",
    ),
}


def _run(table, user, obj, name: str, data, files=None) -> actions.Outcome:
    return actions.run(table, user, obj, name, data, files)


def save_category(user, category, data, files=None) -> actions.Outcome:
    return _run(CATEGORY_ACTIONS, user, category, "save", data, files)


def deactivate_category(user, category) -> actions.Outcome:
    return _run(CATEGORY_ACTIONS, user, category, "deactivate", {})


def set_calendar_day(user, data) -> actions.Outcome:
    return _run(CALENDAR_ACTIONS, user, None, "set", data)


def run_on_congress(user, congress, name: str, data) -> actions.Outcome:
    return _run(CONGRESS_ACTIONS, user, congress, name, data)


def _congress_orgs(user, congress) -> dict:
    return {"orgs": proposals.congress_orgs(user)}


def _seconders(data) -> list:
    return [rep.person for rep in data["seconders"]]


# obj: the congress (None for a new one); the caller finds it among those they keep, or for
# "propose" among those they represent in
CONGRESS_ACTIONS = {
    "create": Action(
        forms.CongressForm,
        lambda user, _, data: proposals.save_congress(user, None, data),
        allowed=lambda user, _: manages_somewhere(user),
        form_kwargs=_congress_orgs,
        refused=KEEP_CONGRESSES,
    ),
    "settings": Action(
        forms.CongressForm,
        lambda user, congress, data: proposals.save_congress(user, congress, data),
        form_kwargs=_congress_orgs,
    ),
    "reps": Action(
        forms.RepresentativesForm,
        lambda user, congress, data: proposals.add_representatives(
            user, congress, data["employee_nos"]
        ),
    ),
    "paper": Action(
        forms.ProposalForm,
        lambda user, congress, data: proposals.submit(
            user,
            data,
            congress=congress,
            proposer=data["proposer"].person,
            seconders=_seconders(data),
        ),
        form_kwargs=lambda user, congress: {"congress": congress, "on_paper": True},
    ),
    "propose": Action(
        forms.ProposalForm,
        lambda user, congress, data: proposals.submit(
            user, data, congress=congress, seconders=_seconders(data)
        ),
        form_kwargs=lambda user, congress: {"congress": congress, "exclude_person": user.person},
    ),
}
