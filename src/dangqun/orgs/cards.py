"""组织's card on the 工作台 (``core.cards``): the organisations in scope and the structure rules'
findings about them (``checks``, a fixed number of aggregate queries whatever their number)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangqun.accounts.roles import VIEW_ORGS
from dangqun.accounts.scope import Scope
from dangqun.core.cards import Card, Number, Shown, register
from dangqun.orgs import checks, services

LISTED = 100  # findings shown on the card; the count is complete


def _findings(user, today: dt.date) -> Shown:
    orgs = list(
        services.visible_to(user).active().only("pk", "name", "path", "kind", "system", "depth")
    )
    findings = checks.findings_for(orgs, today)
    url = reverse("orgs:tree")
    numbers = [
        Number("组织", len(orgs), url),
        Number("规则提醒", len(findings), "#findings", "warning" if findings else ""),
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


register(
    Card(
        "orgs.findings",
        "组织与规则提醒",
        shows=lambda user: Scope.of(user).has(VIEW_ORGS),
        compute=_findings,
        order=95,
    )
)
