"""Pages of 组织生活: the list and the year's plan, a meeting's page (record, attendance, the
check-in code shown at the meeting), and the page a phone opens when it scans that code."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dangqun.accounts.roles import MANAGE_LIFE, VIEW_LIFE
from dangqun.accounts.scope import Scope, require
from dangqun.core import filestore
from dangqun.core.forms import add_errors
from dangqun.core.paging import IdFirstPaginator, query_without_page
from dangqun.core.rules import get_rule
from dangqun.life import forms, services
from dangqun.life.models import MeetingFile, Presence, Status
from dangqun.people.models import Person
from dangqun.web.htmx import render_page

PAGE_SIZE = 30
OPEN = (Status.PLANNED, Status.HELD)
OPEN_FORMS = {"record", "leave", "vote", "cancel", "files"}  # shown while the meeting is open
SHOW = {
    "upcoming": ("待召开", Q(status=Status.PLANNED)),
    "held": ("已召开", Q(status__in=(Status.HELD, Status.FINALISED))),
    "all": ("全部", Q()),
}


@login_required
def index(request):
    """Meetings in the user's scope and those they are expected at."""
    scope = Scope.of(request.user)
    staff = scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE)
    show = request.GET.get("show", "upcoming")
    show = show if show in SHOW else "upcoming"
    meetings = services.visible_to(request.user) if staff else services.attending(request.user)
    meetings = meetings.filter(SHOW[show][1]).select_related("org")
    meetings = meetings.annotate(
        expected=Count("attendees", filter=~Q(attendees__role="guest")),
        present=Count("attendees", filter=Q(attendees__presence=Presence.PRESENT)),
    )
    order = ("starts_at", "id") if show == "upcoming" else ("-starts_at", "-id")
    page = IdFirstPaginator(meetings.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    orgs = services.org_choices(request.user)
    return render_page(
        request,
        "life/index.html",
        {
            "page": page,
            "show": show,
            "shows": [(key, label) for key, (label, _) in SHOW.items()],
            "query": query_without_page(request.GET),
            "plan_form": forms.PlanForm(orgs=orgs) if scope.has(MANAGE_LIFE) else None,
            "my_feed": _feed_url(request, "person", request.user.person_id),
            "my_hours": _my_hours(request.user),
            "can_manage": scope.has(MANAGE_LIFE),
            "can_view": staff,
        },
        partial="results",
    )


@login_required
def calendar_month(request):
    """A month of meetings: a grid on wide screens, a list of days on phones."""
    import calendar as calendars
    import datetime as dt

    scope = Scope.of(request.user)
    staff = scope.has(VIEW_LIFE) or scope.has(MANAGE_LIFE)
    today = timezone.localdate()
    try:
        month = dt.date.fromisoformat(f"{request.GET.get('month', '')}-01")
    except ValueError:
        month = today.replace(day=1)
    if not 2000 <= month.year <= today.year + 2:
        month = today.replace(day=1)
    meetings = services.visible_to(request.user) if staff else services.attending(request.user)
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(
        (month + dt.timedelta(days=32)).replace(day=1), dt.time.min, tzinfo=tz
    )
    by_day: dict = {}
    for meeting in (
        meetings.filter(starts_at__gte=first, starts_at__lt=after)
        .exclude(status=Status.CANCELLED)
        .select_related("org")
        .order_by("starts_at")[:2000]
    ):
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    weeks = [
        [(day, by_day.get(day, [])) for day in week]
        for week in calendars.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render_page(
        request,
        "life/calendar.html",
        {
            "month": month,
            "weeks": weeks,
            "days": sorted(by_day.items()),
            "today": today,
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
        },
    )


@login_required
def new(request):
    orgs = services.org_choices(request.user)
    require(orgs.exists(), "您无权安排组织生活")
    form = forms.MeetingForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            meeting = services.schedule(request.user, data.pop("org"), data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已安排")
            return redirect("life:detail", pk=meeting.pk)
    status = 422 if form.errors else 200
    return render_page(request, "life/new.html", {"form": form}, status=status)


@login_required
@require_POST
def plan(request):
    form = forms.PlanForm(request.POST, orgs=services.org_choices(request.user))
    if form.is_valid():
        try:
            created = services.plan_year(
                request.user, form.cleaned_data["org"], form.cleaned_data["year"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            year = form.cleaned_data["year"]
            if created:
                messages.success(request, f"已按规定周期生成 {year} 年计划 {len(created)} 次")
            else:
                messages.info(request, f"{year} 年各周期已有安排，无需新增")
    else:
        messages.error(request, "请选择组织并填写年度")
    return redirect(reverse("life:index") + "?show=upcoming")


@login_required
def detail(request, pk: int):
    meeting = services.require_visible(request.user, pk)
    return _detail(request, meeting)


def _detail(request, meeting, *, form_errors: dict | None = None, status: int = 200):
    user = request.user
    manage = services.can_manage(user, meeting.org)
    attendees = list(
        meeting.attendees.select_related("person").order_by("role", "person__employee_no")
    )
    mine = next((a for a in attendees if a.person_id == getattr(user, "person_id", None)), None)
    open_ = meeting.status in OPEN
    record_initial = {
        name: getattr(meeting, name)
        for name in (
            *("topic", "starts_at", "ends_at", "place", "host", "recorder"),
            *("agenda", "minutes", "decisions"),
        )
    }
    record_initial["starts_at"] = timezone.localtime(meeting.starts_at)
    if meeting.ends_at:
        record_initial["ends_at"] = timezone.localtime(meeting.ends_at)
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "counts": _counts(attendees),
        "manage": manage,
        "open": open_,
        "mine": mine,
        "record_form": forms.RecordForm(initial=record_initial, meeting=meeting),
        "leave_form": forms.LeaveForm(),
        "note_form": forms.NoteForm(),
        "cancel_form": forms.CancelForm(),
        "addenda": meeting.addenda.select_related("author").prefetch_related("files"),
        "files": [f for f in meeting.files.all() if f.addendum_id is None],
        "files_form": forms.FilesForm(),
        "files_removable": manage and open_,
        "votes": [
            (vote, services.decide(vote.voting_expected, vote.voting_present, vote.yes))
            for vote in meeting.votes.all()
        ],
        "vote_form": forms.VoteForm(),
        "quorum_rule": get_rule("life.quorum"),
        "presences": [(p.value, p.label) for p in Presence if p != Presence.EXPECTED],
        "checkin_code": services.checkin_code(meeting) if manage and open_ else "",
        "org_feed": _feed_url(request, "org", meeting.org_id),
        **_appraisal_context(user, meeting, manage),
        "now": timezone.now(),
        **(form_errors or {}),
    }
    return render_page(request, "life/detail.html", context, status=status)


def _appraisal_context(user, meeting, manage: bool) -> dict:
    from dangqun.life import appraisal as appraisals
    from dangqun.life.models import Appraisal, Grade, Kind, Rater, SelfAssessment

    if meeting.kind not in (Kind.APPRAISAL, Kind.LIFE_MEETING):
        return {}
    found = Appraisal.objects.filter(meeting=meeting).first()
    context = {"appraisal": found, "grades": Grade.choices}
    if found is None:
        return context
    people = appraisals.participants(found)
    person_id = getattr(user, "person_id", None)
    me = next((p for p in people if p.pk == person_id), None)
    context.update(
        {
            "appraisal_people": people,
            "appraisal_raters": found.raters.count(),
            "appraisal_me": me,
            "appraisal_rated": me is not None
            and Rater.objects.filter(appraisal=found, person=me).exists(),
            "appraisal_others": [p for p in people if p.pk != person_id],
            "appraisal_self": SelfAssessment.objects.filter(
                appraisal=found, person_id=person_id
            ).first(),
            "appraisal_tallies": appraisals.tallies(found) if manage else None,
            "appraisal_rule": get_rule("life.peer_rating"),
        }
    )
    return context


def _my_hours(user):
    person = getattr(user, "person", None)
    if person is None:
        return None
    year = timezone.localdate().year
    return {
        "year": year,
        "study": services.study_hours(person, year),
        "rule": get_rule("life.study_hours"),
    }


def _feed_url(request, kind: str, pk: int | None) -> str:
    from dangqun.life import ical

    if pk is None:
        return ""
    return request.build_absolute_uri(reverse("life:ical", args=[ical.token(kind, pk)]))


def _counts(attendees) -> dict:
    expected = [a for a in attendees if a.role != "guest"]
    return {
        "expected": len(expected),
        "present": sum(a.presence == Presence.PRESENT for a in expected),
        "leave": sum(a.presence == Presence.LEAVE for a in expected),
        "guests": sum(a.role == "guest" and a.presence == Presence.PRESENT for a in attendees),
    }


@login_required
@require_POST
def act(request, pk: int, action: str):
    """The meeting's forms: record, mark, finalise, cancel, addendum, leave."""
    meeting = services.require_visible(request.user, pk)
    user, post = request.user, request.POST
    handlers = {
        "record": (
            partial(forms.RecordForm, meeting=meeting),
            "record_form",
            lambda d: services.update(user, meeting, d),
        ),
        "leave": (
            forms.LeaveForm,
            "leave_form",
            lambda d: services.request_leave(user, meeting, d["reason"]),
        ),
        "addendum": (
            forms.NoteForm,
            "note_form",
            lambda d: services.add_addendum(user, meeting, d["text"], d["files"]),
        ),
        "files": (
            forms.FilesForm,
            "files_form",
            lambda d: services.add_files(user, meeting, d["files"]),
        ),
        "vote": (
            forms.VoteForm,
            "vote_form",
            lambda d: services.record_vote(user, meeting, **d),
        ),
        "cancel": (
            forms.CancelForm,
            "cancel_form",
            lambda d: services.cancel(user, meeting, reason=d["reason"]),
        ),
    }
    done = {
        "record": "已保存",
        "leave": "已请假",
        "addendum": "已添加补充说明",
        "files": "已上传",
        "remove_file": "已删除文件",
        "cancel": "已取消",
        "finalise": "记录已定稿",
        "mark": "已登记",
        "vote": "已记录表决结果",
        "appraisal_open": "已开始民主评议",
        "appraisal_close": "互评已结束",
        "appraisal_self": "已保存个人自评",
        "appraisal_rate": "已提交互评（不记名）",
        "appraisal_grade": "已评定等次",
    }
    try:
        if action == "finalise":
            services.finalise(user, meeting)
        elif action == "mark":
            form = forms.MarkForm(post)
            if not form.is_valid():
                raise ValidationError("请选择出席情况")
            data = form.cleaned_data
            person = Person.objects.filter(pk=data["person"]).first()
            if person is None or not meeting.attendees.filter(person=person).exists():
                raise ValidationError("该人员不在本次组织生活的名单中")
            services.mark(user, meeting, person, data["presence"], data["reason"])
        elif action == "remove_file":
            services.remove_file(user, meeting, _int(post.get("file")))
        elif action.startswith("appraisal_"):
            _appraisal_act(user, meeting, action, post)
        elif action in handlers:
            form_class, name, run = handlers[action]
            form = form_class(post, request.FILES)
            if not form.is_valid():
                return _detail(request, meeting, form_errors={name: form}, status=422)
            try:
                run(form.cleaned_data)
            except ValidationError as exc:
                if action == "record" and meeting.is_finalised:
                    kept = _typed_record(meeting, form.cleaned_data)
                    if kept:  # finalised meanwhile: what was typed becomes a draft addendum
                        messages.error(request, f"{'；'.join(exc.messages)}。{KEPT}")
                        draft = forms.NoteForm(initial={"text": kept})
                        return _detail(
                            request, meeting, form_errors={"note_form": draft}, status=409
                        )
                if action in OPEN_FORMS and meeting.status not in OPEN:
                    raise  # the form is no longer on the page: the message goes on top
                add_errors(form, exc)
                return _detail(request, meeting, form_errors={name: form}, status=422)
        else:
            return HttpResponse("没有这个操作", status=404)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done[action])
    return redirect("life:detail", pk=meeting.pk)


KEPT = "您刚填写的会议记录已放入下方“补充说明”，确认后点“添加补充说明”即可保存"


def _typed_record(meeting, data: dict) -> str:
    """The minutes and decisions typed into a form the meeting's finalisation overtook, where
    they differ from the finalised record."""
    parts = []
    for name, label in (("minutes", "会议记录"), ("decisions", "决议事项")):
        typed = (data.get(name) or "").strip()
        if typed and typed != (getattr(meeting, name) or "").strip():
            parts.append(f"{label}：\n{typed}")
    return "\n\n".join(parts)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def meeting_file(request, pk: int, file_pk: int):
    """A photo or document of a meeting the user may see: a photo's preview (``?preview=1``) or
    the photo itself (``?inline=1``) in the page, anything else as a download."""
    meeting = services.require_visible(request.user, pk)
    row = get_object_or_404(MeetingFile, pk=file_pk, meeting=meeting)
    if request.GET.get("preview") == "1":
        return filestore.download(row, inline=True, preview=row.preview)
    return filestore.download(row, inline=request.GET.get("inline") == "1")


def _appraisal_act(user, meeting, action: str, post) -> None:
    from dangqun.life import appraisal as appraisals
    from dangqun.life.models import Appraisal

    if action == "appraisal_open":
        appraisals.open_appraisal(user, meeting)
        return
    found = Appraisal.objects.filter(meeting=meeting).first()
    if found is None:
        raise ValidationError("本次会议尚未开展民主评议")
    if action == "appraisal_close":
        appraisals.close_appraisal(user, found)
    elif action == "appraisal_self":
        appraisals.submit_self(user, found, post.get("text", ""))
    elif action == "appraisal_rate":
        grades = {
            int(key.removeprefix("grade-")): value
            for key, value in post.items()
            if key.startswith("grade-") and key.removeprefix("grade-").isdigit()
        }
        appraisals.submit_ratings(user, found, grades)
    elif action == "appraisal_grade":
        person = Person.objects.filter(pk=post.get("person") or 0).first()
        if person is None:
            raise ValidationError("请选择党员")
        appraisals.decide(user, found, person, post.get("grade", ""))
    else:
        raise ValidationError("没有这个操作")


# Check-in -----------------------------------------------------------------------------------
@login_required
@never_cache
def qr(request, pk: int):
    """The code to show at the meeting (SVG), for its keepers only; it changes every 30 s."""
    import segno

    meeting = services.require_visible(request.user, pk)
    require(services.can_manage(request.user, meeting.org), "只有组织生活的管理人可以显示签到码")
    code = services.checkin_code(meeting)
    url = request.build_absolute_uri(reverse("life:checkin", args=[meeting.pk]) + f"?c={code}")
    svg = segno.make(url, error="m").svg_inline(scale=6, title="签到二维码")
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
@never_cache
def qr_panel(request, pk: int):
    """The check-in card's content, polled by the meeting page so the code on screen rotates."""
    meeting = services.require_visible(request.user, pk)
    require(services.can_manage(request.user, meeting.org), "只有组织生活的管理人可以显示签到码")
    return render_page(
        request,
        "life/_qr.html",
        {"meeting": meeting, "code": services.checkin_code(meeting), "now": timezone.now()},
    )


@login_required
@never_cache
def checkin(request, pk: int):
    """The page a phone opens from the code: one button; the check-in happens on POST only.
    Anyone logged in with the current code may check in (a person not on the list comes as
    列席); without it the page shows nothing of the meeting."""
    from dangqun.life.models import Meeting

    code = request.POST.get("c") or request.GET.get("c", "")
    meeting = Meeting.objects.select_related("org").filter(pk=pk).first()
    if meeting is None or not services.valid_code(meeting, code):
        context = {"meeting": None, "error": "签到码已过期，请扫描会场当前显示的二维码"}
        return render_page(request, "life/checkin.html", context, status=403)
    result, error = None, ""
    if request.method == "POST":
        try:
            result = services.check_in(request.user, meeting, code)
        except ValidationError as exc:
            error = "；".join(exc.messages)
    return render_page(
        request,
        "life/checkin.html",
        {"meeting": meeting, "code": code, "result": result, "error": error},
        status=422 if error else 200,
    )


# Print --------------------------------------------------------------------------------------
@login_required
def minutes_pdf(request, pk: int):
    from dangqun.life import pdf

    meeting = services.require_visible(request.user, pk)
    response = HttpResponse(pdf.minutes(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="meeting-{meeting.pk}.pdf"'
    return response


# Calendar feeds -----------------------------------------------------------------------------
@never_cache
def ical_feed(request, token: str):
    """A calendar app's subscription: no login, a signed token in the address."""
    from django.http import Http404

    from dangqun.life import ical
    from dangqun.life.models import Meeting
    from dangqun.orgs.models import Org

    read = ical.read_token(token)
    if read is None:
        raise Http404("订阅地址无效")
    kind, pk = read
    if kind == "person":
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            raise Http404("订阅地址无效")
        name, meetings = (
            f"{person.name}的组织生活",
            Meeting.objects.filter(attendees__person=person),
        )
    else:
        org = Org.objects.filter(pk=pk).first()
        if org is None:
            raise Http404("订阅地址无效")
        name, meetings = f"{org.name}组织生活", Meeting.objects.filter(org=org)
    body = ical.feed(name, meetings, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dangqun.ics"'
    return response
