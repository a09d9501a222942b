"""组织's card on the 工作台 (``core.cards``): the organisations in scope and the structure rules'
findings about them (``checks``, a fixed number of aggregate queries whatever their number)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangqun.accounts.roles import ROLES, VIEW_ORGS
from dangqun.accounts.scope import Scope
from dangqun.core.cards import Card, Number, Shown, register
from dangqun.orgs import checks

LISTED = 100  # findings shown on the card; the count is complete


def _findings(user, today: dt.date) -> Shown:
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
