"""Pages of 政策宣传: 我的宣传 (a person's list), the phone-first reading page (opening records the
receipt; 已阅读 for a 必读 item; the quiz), an item's files, and the publisher's pages: the list,
the form, one item's page (actions, quiz questions, reach per unit and by day, who has not
confirmed, reminders) and its QR poster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import require
from dangqun.core import actions as core_actions
from dangqun.core import filestore, qrcodes
from dangqun.publicity import actions, content, forms, reach, reading, services
from dangqun.publicity.models import ItemFile, ItemStatus, Theme
from dangqun.web.htmx import render_page

PAGE_SIZE = 30
SHOWS = {"": "全部", "unread": "未读", "required": "必读未确认"}


@login_required
def mine(request):
    """我的宣传: pinned on top, unread first; filters 未读 and 必读未确认."""
    person_id = getattr(request.user, "person_id", None)
    show = request.GET.get("show", "")
    show = show if show in SHOWS else ""
    rows = list(reading.mine(request.user, show)[:100]) if person_id else []
    for row in rows:
        row.excerpt = content.plain(row.body, 60)
    context = {
        "person_id": person_id,
        "rows": rows,
        "show": show,
        "shows": SHOWS,
        "publishes": services.publishes(request.user) or services.reads(request.user),
    }
    return render_page(request, "publicity/mine.html", context)


def _files(item):
    files = list(item.files.all())
    return [f for f in files if f.is_image], [f for f in files if not f.is_image]


@login_required
def read(request, pk: int):
    """The reading page: the article and, for a 必读 item, its quiz and 已阅读."""
    user = request.user
    item = services.require_visible(user, pk)
    for_me = services.is_for(user, item)
    receipt = (
        reading.open_item(user, item, known=True) if for_me else reading.receipt_of(user, item)
    )
    questions = list(item.questions.all()) if item.status != ItemStatus.DRAFT else []
    result = reading.result_of(user, item) if questions else None
    images, attachments = _files(item)
    context = {
        "item": item,
        "for_me": for_me,
        "receipt": receipt,
        "questions": questions,
        "result": result,
        "may_confirm": for_me
        and item.required
        and not (item.quiz_required and not (result and result.passed)),
        "images": images,
        "attachments": attachments,
        "keeps": services.keeps(user, item),
        "withdrawn": item.status == ItemStatus.WITHDRAWN,
    }
    return render_page(request, "publicity/read.html", context)


@login_required
def quiz(request, pk: int):
    item = services.require_visible(request.user, pk)
    questions = list(item.questions.all())
    if not questions or item.status == ItemStatus.DRAFT:
        raise Http404(reading.NO_QUIZ)
    if request.method == "POST":
        outcome = core_actions.run(actions.ACTIONS, request.user, item, "quiz", request.POST)
        if outcome.ok:
            result = outcome.result
            if result.correct * 100 >= item.pass_percent * result.total:
                messages.success(request, f"测验通过：答对 {result.correct}/{result.total} 题")
            else:
                messages.error(
                    request,
                    f"答对 {result.correct}/{result.total} 题，未达到及格线 {item.pass_percent}%，可以再答一次",
                )
            return redirect("publicity:read", pk=item.pk)
        form = outcome.form
    else:
        form = forms.QuizForm(questions=questions)
    context = {"item": item, "form": form, "result": reading.result_of(request.user, item)}
    return render_page(request, "publicity/quiz.html", context, status=422 if form.errors else 200)


@login_required
def file(request, pk: int):
    """An item's image (inline, its scaled preview unless ``?full=1``) or attachment."""
    row = ItemFile.objects.filter(pk=pk).only("item_id").first()
    if row is None:
        raise Http404("文件不存在")
    services.require_visible(request.user, row.item_id)
    row = ItemFile.objects.get(pk=pk)
    if row.is_image:
        preview = None if request.GET.get("full") == "1" else (row.preview or None)
        return filestore.download(row, inline=True, preview=preview)
    return filestore.download(row)


@login_required
@require_POST
def act(request, pk: int, action: str):
    item = services.require_visible(request.user, pk)
    if action not in actions.ACTIONS or action in ("update", "quiz"):
        raise Http404("没有这个操作")
    outcome = core_actions.run(actions.ACTIONS, request.user, item, action, request.POST)
    if outcome.ok:
        messages.success(request, actions.ACTIONS[action].done)
    else:
        errors = [m for errs in outcome.form.errors.values() for m in errs]
        messages.error(request, "；".join(errors))
    if action in ("open", "confirm"):
        return redirect("publicity:read", pk=item.pk)
    return redirect("publicity:item", pk=item.pk)


# The publisher's pages ----------------------------------------------------------------------
@login_required
def manage(request):
    """Items of the user's sub-tree (and those sent down to it), with reach in their scope."""
    require(services.reads(request.user), "您无权查看宣传内容管理")
    rows = services.kept_by(request.user).select_related("org", "theme")
    theme = request.GET.get("theme", "")
    if theme.isascii() and theme.isdigit() and len(theme) < 12:
        rows = rows.filter(theme_id=int(theme))
    shown = list(rows.order_by("-id")[:PAGE_SIZE])
    counts = reach.totals(request.user, shown)
    context = {
        "rows": [(i, counts[i.pk]) for i in shown],
        "themes": Theme.objects.all(),
        "theme": theme,
        "publishes": services.publishes(request.user),
    }
    return render_page(request, "publicity/manage.html", context)


@login_required
def new(request):
    user = request.user
    if request.method == "POST":
        outcome = core_actions.run(actions.NEW, user, None, "create", request.POST, request.FILES)
        if outcome.ok:
            messages.success(request, actions.NEW["create"].done)
            return redirect("publicity:item", pk=outcome.result.pk)
        form = outcome.form
    else:
        require(core_actions.may(actions.NEW, user, None, "create"), services.NOT_PUBLISHER)
        form = core_actions.build_form(actions.NEW["create"], user, None)
    status = 422 if form.errors else 200
    return render_page(request, "publicity/form.html", {"form": form}, status=status)


@login_required
def edit(request, pk: int):
    item = services.require_visible(request.user, pk)
    require(services.can_manage(request.user, item), services.NOT_PUBLISHER)
    if request.method == "POST":
        outcome = core_actions.run(
            actions.ACTIONS, request.user, item, "update", request.POST, request.FILES
        )
        if outcome.ok:
            messages.success(request, actions.ACTIONS["update"].done)
            return redirect("publicity:item", pk=item.pk)
        form = outcome.form
    else:
        if item.status == ItemStatus.WITHDRAWN:
            messages.info(request, "内容已撤回，不能再修改")
            return redirect("publicity:item", pk=item.pk)
        form = forms.ItemForm(user=request.user, item=item)
    return render_page(
        request,
        "publicity/form.html",
        {"form": form, "item": item},
        status=422 if form.errors else 200,
    )


@login_required
def item_page(request, pk: int):
    """One item for its publishers and readers: state, actions, quiz questions, reach."""
    user = request.user
    item = services.require_visible(user, pk)
    require(services.keeps(user, item), "您无权查看发布情况")
    manages = services.can_manage(user, item)
    published = item.status != ItemStatus.DRAFT
    root = reach.root_for(user, item, request.GET.get("org", "")) if published else None
    total = reach.total(user, item) if published else None
    context = {
        "item": item,
        "manages": manages,
        "questions": list(item.questions.all()),
        "question_form": forms.QuestionForm(),
        "withdraw_form": forms.WithdrawForm(),
        "total": total,
        "root": root,
        "units": reach.per_unit(user, item, root) if published else [],
        "chart": reach.by_day(user, item, total.delivered) if published else None,
        "may_remind": reach.may_remind(user, item),
        "unconfirmed": max(0, total.delivered - total.confirmed) if published else 0,
        "statuses": ItemStatus,
    }
    return render_page(request, "publicity/item.html", context)


WAITING_SHOWN = 200


@login_required
def waiting(request, pk: int):
    """Who in the user's scope has not confirmed a 必读 item (the first ``WAITING_SHOWN`` in 拼音
    order, each with a reminder button): a fragment the item's page loads after itself, since
    reading a group's audience for names takes far longer than its figures."""
    item = services.require_visible(request.user, pk)
    require(services.keeps(request.user, item), "您无权查看发布情况")
    if not reach.may_remind(request.user, item):
        raise Http404("没有可提醒的名单")
    rows = reach.waiting(request.user, item, WAITING_SHOWN)
    context = {"item": item, "waiting": rows, "limit": WAITING_SHOWN}
    return render_page(request, "publicity/_waiting.html", context)


@login_required
def poster(request, pk: int):
    """A printable poster: the title and a QR code that opens the reading page (signed in from
    企业微信 / 钉钉 through the login page, like every other QR code)."""
    item = services.require_visible(request.user, pk)
    require(services.keeps(request.user, item), "您无权打印海报")
    return render_page(request, "publicity/poster.html", {"item": item})


@login_required
def qr(request, pk: int):
    item = services.require_visible(request.user, pk)
    url = request.build_absolute_uri(reverse("publicity:read", args=[item.pk]))
    return qrcodes.response(url, scale=8, title="阅读二维码")
