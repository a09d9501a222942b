"""The working calendar page: a year's holidays and make-up days, and this site's adjustments
(changed by group-wide admins only; the rules are in ``calendar_days``)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from dangqun.voices import admin_actions, calendar_days, forms
from dangqun.web.htmx import render_page


@login_required
def work_calendar(request):
    """The holidays and make-up days of a year, and this site's own adjustments."""
    calendar_days.require_may_read(request.user)
    can_change = calendar_days.may_change(request.user)
    form = forms.CalendarDayForm()
    if request.method == "POST":
        calendar_days.require_may_change(request.user)
        if request.POST.get("remove"):
            try:
                day = datetime.date.fromisoformat(request.POST["remove"])
            except ValueError:
                raise Http404 from None
            calendar_days.remove_calendar_day(request.user, day)
            return redirect(f"{reverse('voices:calendar')}?year={day.year}")
        form = admin_actions.set_calendar_day(request.user, request.POST).form
        if not form.errors:
            day = form.cleaned_data["date"]
            return redirect(f"{reverse('voices:calendar')}?year={day.year}")
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    shipped, adjustments = calendar_days.year_days(year)
    return render_page(
        request,
        "voices/calendar.html",
        {
            "year": year,
            "shipped": shipped,
            "adjustments": adjustments,
            "form": form,
            "can_change": can_change,
        },
        status=422 if form.errors else 200,
    )
