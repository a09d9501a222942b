"""HTMX through one path: the full page, or for an HTMX request the named partial."""

from django.shortcuts import render


def render_page(request, template: str, context: dict, partial: str | None = None, **kwargs):
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#{partial}"
    return render(request, template, context, **kwargs)
