"""Pages admins keep: the voice categories (the import of past voices is `import_views`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from dangqun.voices import actions, admin_actions, forms, services
from dangqun.voices.models import Category
from dangqun.web.htmx import render_page


@login_required
def category_list(request, pk: int | None = None):
    """The category tree and the unit each category goes to; add or change one."""
    services.require_manager(request.user, "您无权维护呼声类别")
    category = get_object_or_404(Category, pk=pk) if pk else None
    if request.method == "POST":
        form = admin_actions.save_category(request.user, category, request.POST).form
        if not form.errors:
            return redirect("voices:categories")
    else:
        initial = model_to_dict(category, fields=forms.CategoryForm.base_fields) if category else {}
        form = forms.CategoryForm(initial=initial, orgs=actions.handling_orgs(request.user))
    rows = Category.objects.select_related("parent", "handling_org").order_by(
        "parent__name", "name"
    )
    return render_page(
        request,
        "voices/categories.html",
        {"form": form, "category": category, "rows": rows},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def deactivate_category(request, pk: int):
    """停用 a category: its voices keep it; it is no longer offered, learned or suggested."""
    services.require_manager(request.user, "您无权维护呼声类别")
    category = get_object_or_404(Category, pk=pk)
    outcome = admin_actions.deactivate_category(request.user, category)
    for errors in outcome.form.errors.values() if not outcome.ok else ():
        for message in errors:
            messages.error(request, message)
    if outcome.ok:
        messages.success(request, f"已停用类别“{category}”")
    return redirect("voices:categories")
