"""What the 群众呼声 administration changes, by whom and with which form: the voice categories and
the working calendar's site days. One table each (``core.actions``), shared by the pages and
``/api/voices/categories/`` and ``/api/voices/calendar/``."""

from dangqun.core import actions
from dangqun.core.actions import Action
from dangqun.voices import calendar_days, categories, forms
from dangqun.voices.actions import handling_orgs
from dangqun.voices.services import manages_somewhere

KEEP_CATEGORIES = "您无权维护呼声类别"

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


def save_category(user, category, data, files=None) -> actions.Outcome:
    return actions.run(CATEGORY_ACTIONS, user, category, "save", data, files)


def set_calendar_day(user, data) -> actions.Outcome:
    return actions.run(CALENDAR_ACTIONS, user, None, "set", data)
