"""The bell in the page header: the user's unread notice count."""

import functools

from dangqun.notices.services import unread_count_of_page


def bell(request):
    """The unread count on the bell in every page's header: one indexed count, made only when a
    page renders the header (not for HTMX fragments)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": functools.cache(lambda: unread_count_of_page(user))}
