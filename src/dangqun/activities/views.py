"""Pages of 志愿服务与活动 (issue #16): the pages come in the next slice; the detail page's address
is what notices link to."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from dangqun.activities import services


@login_required
def detail(request, pk: int):
    activity = services.require_visible(request.user, pk)
    return HttpResponse(activity.title)
