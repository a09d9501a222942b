"""组织's card on the 工作台 (``core.cards``): the organisations in scope and the structure rules'
findings about them (``checks``, a fixed number of aggregate queries whatever their number).

Over a whole group the checks take seconds (18,000 organisations), so the card is slow (loaded
after the page) and kept in the cache for ``FINDINGS_SECONDS`` per scope (the sub-trees granted)
and day; the card says so ("数据每 10 分钟更新"): a change shows on the card within ten minutes, at
once on the organisation's own page."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.urls import reverse

from dangqun.accounts.roles import ROLES, VIEW_ORGS
from dangqun.accounts.scope import Scope
from dangqun.core.cards import Card, Number, Shown, register
from dangqun.orgs import checks

LISTED = 100  # findings shown on the card; the count is complete
FINDINGS_SECONDS = 600  # how long the card is kept; said on the card
FRESHNESS = "（数据每 10 分钟更新）"


def _cache_key(user, today: dt.date) -> str:
    """The same for everyone whose grants cover the same sub-trees, on the same day."""
    paths = ",".join(sorted(set(Scope.of(user).covered_paths(VIEW_ORGS))))
    return f"orgs:findings-card:{today:%Y%m%d}:{hashlib.sha256(paths.encode()).hexdigest()}"


def _findings(user, today: dt.date) -> Shown:
    key = _cache_key(user, today)
    shown = cache.get(key)
    if shown is None:
        shown = _count_findings(user, today)
        cache.set(key, shown, FINDINGS_SECONDS)
    return shown


def _count_findings(user, today: dt.date) -> Shown:
    orgs, findings = checks.findings_visible_to(user, today=today)
    url = reverse("orgs:tree")
    # the top organisation's page lists the findings of its whole sub-tree (rolled up)
    top = min(orgs, key=lambda org: (org.depth, org.path), default=None)
    listed = reverse("orgs:detail", args=[top.pk]) if top else url
    numbers = [
        Number("组织", len(orgs), url),
        Number("规则提醒", len(findings), listed, "warning" if findings else ""),
    ]
    if findings:
        text = f"有 {len(findings)} 条组织设置提醒（如届期已满、人数超标），请逐条核实处理。"
    else:
        text = "当前范围内没有需要处理的提醒。"
    text += FRESHNESS
    return Shown(
        "orgs.findings",
        "组织与规则提醒",
        numbers,
        text,
        template="orgs/_card_findings.html",
        extra={"findings": findings[:LISTED], "more": len(findings) > LISTED},
    )


def _works_on_orgs(user) -> bool:
    """Findings are work: shown to those who see organisations in a role that acts, not to a
    read-only leader (whose overview is the figures; the organisation pages still show them)."""
    return any(
        VIEW_ORGS in ROLES[role].capabilities and not ROLES[role].read_only
        for role in Scope.of(user).roles()
    )


register(
    Card(
        "orgs.findings",
        "组织与规则提醒",
        shows=_works_on_orgs,
        compute=_findings,
        order=95,
        slow=True,
    )
)
