"""The people list filters, shared by the page, the export and the API."""

from django.db.models import Q
from django.utils import timezone

from dangqun.orgs.models import Org, System
from dangqun.people.models import MemberCategory, PoliticalStatus

FILTER_PARAMS = ("q", "org", "status", "category", "party", "standing", "left")


def selected_org(params, scope_orgs) -> Org | None:
    """The organisation of the ``org`` parameter, if the user may see it."""
    org_id = params.get("org")
    if org_id and str(org_id).isdigit():
        return scope_orgs.filter(pk=org_id).first()
    return None


def apply_filters(queryset, params, scope_orgs, *, org: Org | None = None):
    """Narrow a scoped people queryset by the request's filter parameters.

    ``scope_orgs`` is the user's visible organisations: the ``org`` filter only accepts those.
    ``org`` is that filter's organisation when the caller has looked it up already.
    """
    queryset = queryset.search(params.get("q", ""))
    org_id = params.get("org")
    if org_id and str(org_id).isdigit():
        org = org or selected_org(params, scope_orgs)
        if org is None:
            return queryset.none()
        in_subtree = Org.objects.filter(path__startswith=org.path).values("pk")
        if org.system == System.PARTY:
            queryset = queryset.filter(party_branch__in=in_subtree)
        elif org.system == System.UNION:
            queryset = queryset.filter(union_org__in=in_subtree)
        elif org.system == System.LEAGUE:
            queryset = queryset.filter(league_org__in=in_subtree)
        else:
            queryset = queryset.filter(unit__in=in_subtree)
    status = params.get("status")
    if status in PoliticalStatus.values:
        queryset = queryset.filter(political_status=status)
    category = params.get("category")
    if category in MemberCategory.values:
        queryset = queryset.filter(party_profile__category=category)
    party = params.get("party")
    if party == "1":  # members whose relation is here now
        queryset = queryset.filter(is_current_member=True)
    elif party == "left" or params.get("left") == "1":  # transferred out, expelled or deceased
        queryset = queryset.filter(party_branch__isnull=False, is_current_member=False)
    standing = params.get("standing")
    if standing == "lost":
        queryset = queryset.filter(party_profile__lost_contact_on__isnull=False)
    elif standing == "floating":
        queryset = queryset.exclude(party_profile__floating_to="").filter(
            party_profile__isnull=False
        )
    elif standing == "suspended":
        queryset = queryset.filter(party_profile__standing="suspended")
    elif standing == "probationary":  # 预备党员: no 转正 date yet, or one still to come
        today = timezone.localdate()
        queryset = queryset.filter(is_current_member=True).filter(
            Q(party_profile__full_member_on__isnull=True)
            | Q(party_profile__full_member_on__gt=today)
        )
    return queryset
