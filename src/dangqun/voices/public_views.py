"""公开答复 pages: answered voices published for every employee, and 我也关注."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404

from dangqun.voices import publishing
from dangqun.web.htmx import render_page

PAGE_SIZE = 30


@login_required
def public_list(request):
    """公开答复: answered voices published for every employee, most recent first."""
    voices = (
        publishing.published()
        .select_related("unit", "category")
        .annotate(followers=Count("follows"))
    )
    # Django's own paginator: the follower counts are an annotation, which ids-first paging drops
    page = Paginator(voices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "voices/public_list.html", {"page": page})


@login_required
def public_detail(request, pk: int):
    voice = get_object_or_404(
        publishing.published()
        .select_related("unit", "category")
        .annotate(followers=Count("follows")),
        pk=pk,
    )
    message = ""
    if request.method == "POST":
        message = "已关注" if publishing.follow(request.user, voice) else "您已关注过这条呼声"
        voice.followers = voice.follows.count()
    following = voice.follows.filter(user=request.user).exists()
    return render_page(
        request,
        "voices/public_detail.html",
        {"voice": voice, "following": following, "message": message},
    )
