"""``{{ row.action|action_name }}``: an audit action's Chinese name (``core.audit_names``)."""

from django import template

from dangqun.core.audit_names import name_of

register = template.Library()


@register.filter
def action_name(action: str) -> str:
    return name_of(action)
