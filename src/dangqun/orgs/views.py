"""Pages that show organisations: the tree (lazy-loaded by HTMX) and one organisation's page with
its findings, posts, terms and history."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.utils import timezone

from dangqun.accounts.roles import CHANGE_ORGS, VIEW_ORGS, VIEW_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.orgs import checks, services
from dangqun.orgs.models import Org, Post, System
from dangqun.people.models import PartyProfile
from dangqun.web.htmx import render_page


def top_nodes(scope: Scope) -> list[Org]:
    """The outermost organisations the user may see (one per grant sub-tree)."""
    paths = scope.covered_paths(VIEW_ORGS)
    outermost = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Org.objects.filter(path__in=outermost).order_by("system", "path"))


@login_required
def tree(request):
    scope = Scope.of(request.user)
    system = request.GET.get("system", "")
    roots = top_nodes(scope)
    if system:
        roots = [org for org in roots if org.system == system]
    return render_page(
        request,
        "orgs/tree.html",
        {"roots": roots, "systems": System.choices, "system": system},
    )


@login_required
def children(request, pk: int):
    """The children of one node (HTMX lazy loading of the tree)."""
    org = services.require_visible(request.user, pk)
    nodes = list(
        Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")
    )
    return render_page(request, "orgs/children.html", {"org": org, "nodes": nodes})


@login_required
def detail(request, pk: int):
    scope = Scope.of(request.user)
    org = services.require_visible(request.user, pk)
    today = timezone.localdate()
    subtree, findings = checks.findings_visible_to(request.user, org, today)
    own = [f for f in findings if f.org_id == org.pk]
    below = [f for f in findings if f.org_id != org.pk]
    children = [o for o in subtree if o.depth == org.depth + 1]
    counts = checks.rollup_counts(findings, children)
    for child in children:
        child.finding_count = counts[child.pk]
    posts = list(
        Post.objects.filter(org=org)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("person", "term")
        .order_by("title", "started_on")
    )
    terms = list(org.terms.order_by("-number")[:5])
    member_stats = None
    if org.system == System.PARTY:
        member_stats = PartyProfile.objects.filter(
            left_on__isnull=True, branch__path__startswith=org.path
        ).aggregate(
            members=Count("pk"),
            full=Count("pk", filter=Q(full_member_on__isnull=False, full_member_on__lte=today)),
        )
    ancestors = list(Org.objects.filter(path__in=org.ancestor_paths()).order_by("depth"))
    visible_ancestors = {o.pk for o in ancestors if scope.can(VIEW_ORGS, o)}
    events = list(org.events.all()[:20])
    return render_page(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": ancestors,
            "visible_ancestors": visible_ancestors,
            "children": children,
            "own_findings": own,
            "below_findings": below[:50],
            "below_count": len(below),
            "posts": posts,
            "terms": terms,
            "member_stats": member_stats,
            "events": events,
            "can_change": scope.can(CHANGE_ORGS, org),
            "can_see_people": scope.has(VIEW_PEOPLE),
        },
    )
