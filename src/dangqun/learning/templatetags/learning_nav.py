"""``{% learning_nav "here" %}``: the row of 学习培训's pages a user may open, on each of them."""

from django import template

from dangqun.learning import services

register = template.Library()


@register.inclusion_tag("learning/_nav.html", takes_context=True)
def learning_nav(context, here: str = ""):
    user = context["request"].user
    return {
        "here": here,
        "reads": services.reads(user),
        "organises": services.organises(user),
    }
