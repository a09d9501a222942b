"""Query filters of the API, declared with django-filter so they appear in the OpenAPI schema."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from dangqun.accounts.roles import VIEW_ORGS
from dangqun.accounts.scope import Scope
from dangqun.orgs.models import Kind, Org, System
from dangqun.people.filters import apply_filters
from dangqun.people.models import MemberCategory, PoliticalStatus


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An object ID (an integer in the schema)."""


class OrgFilter(django_filters.FilterSet):
    system = django_filters.ChoiceFilter(choices=System.choices, help_text="体系")
    kind = django_filters.ChoiceFilter(choices=Kind.choices, help_text="类别")
    parent = IdFilter(method="filter_parent", help_text="只列出该组织的直接下级")
    active = django_filters.BooleanFilter(
        method="filter_active", help_text="true 只列出未撤销的组织，false 只列出已撤销的"
    )

    class Meta:
        model = Org
        fields = ["system", "kind", "parent", "active"]

    def filter_parent(self, queryset, name, value):
        parent = Org.objects.filter(pk=value).values("path", "depth").first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent["path"], depth=parent["depth"] + 1)

    def filter_active(self, queryset, name, value):
        return queryset.filter(dissolved_on__isnull=value)


class PersonFilter(django_filters.FilterSet):
    """The people list filters of the page (``dangqun.people.filters``), applied the same way."""

    q = django_filters.CharFilter(
        help_text="姓名、拼音首字母（zs 找到张三）、工号或手机号后四位以上"
    )
    org = IdFilter(
        help_text="组织 ID：该组织及其全部下级（行政组织按单位，党组织按所在支部，工会、团组织按所在组织）",
    )
    status = django_filters.ChoiceFilter(choices=PoliticalStatus.choices, help_text="政治面貌")
    category = django_filters.ChoiceFilter(choices=MemberCategory.choices, help_text="党员人员类别")
    party = django_filters.ChoiceFilter(
        choices=[("1", "只列出在册党员"), ("left", "只列出已离开的党员")],
        help_text="1：只列出组织关系在本单位的党员；left：只列出已转出、出党或去世的党员",
    )
    standing = django_filters.ChoiceFilter(
        choices=[
            ("lost", "失联党员"),
            ("floating", "流动党员"),
            ("suspended", "停止党籍"),
            ("probationary", "预备党员"),
        ],
        help_text="党籍状态",
    )
    left = django_filters.ChoiceFilter(
        choices=[("1", "只列出已离开的党员"), ("all", "全部（默认）")],
        help_text="1：只列出已转出、出党或去世的党员；默认列出全部人员",
    )

    def filter_queryset(self, queryset):
        """All filters together, by the function the page uses (values already validated)."""
        scope_orgs = Scope.of(self.request.user).orgs(VIEW_ORGS)
        return apply_filters(queryset, self.data, scope_orgs)
