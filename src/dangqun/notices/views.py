"""The bell's page: recent notices, open one (marks it read), mark all read."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangqun.notices import services
from dangqun.notices.models import Notice
from dangqun.web.htmx import render_page


@login_required
def inbox(request):
    return render_page(request, "notices/inbox.html", {"notices": services.recent(request.user)})


@login_required
@require_POST
def open_notice(request, pk: int):
    try:
        notice = services.open_notice(request.user, pk)
    except Notice.DoesNotExist:
        raise Http404("消息不存在") from None
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if notice.url and safe else "notices:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(request.user)
    return redirect("notices:inbox")
