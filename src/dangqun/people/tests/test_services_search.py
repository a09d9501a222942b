"""Search (name, pinyin, employee number, phone digits) and the list filters of people/filters.py."""

import datetime

import pytest
from django.http import QueryDict

from dangqun.accounts.roles import VIEW_ORGS
from dangqun.accounts.scope import Scope
from dangqun.people import services
from dangqun.people.filters import apply_filters
from dangqun.people.models import Person


def found(text, queryset=None):
    queryset = Person.objects.all() if queryset is None else queryset
    return set(queryset.search(text).values_list("name", flat=True))


@pytest.mark.parametrize(
    "text", ["zs", "ZS", "zhang", "zhangsan", "Zhang San", "张", "张三", " 张三 "]
)
def test_zhang_san_is_found(world, text):
    assert "张三" in found(text)


def test_search_does_not_match_the_middle_of_a_key(world):
    assert found("hangsan") == set()
    assert found("s") == set()


def test_chinese_substring(world):
    assert found("三") == {"张三"}
    assert found("赵") == {"赵六"}
    assert found("不存在") == set()


def test_employee_number_prefix(world):
    assert found("A00") == {"张三", "李四", "王五"}
    assert found("a00") == {"张三", "李四", "王五"}
    assert found("B") == {"赵六"}
    assert found("A0002") == {"李四"}


def test_last_digits_of_a_phone(world):
    # phones are 1380000 + the last four digits of the employee number
    assert found("0002") == {"李四"}
    assert found("0001") == {"张三", "赵六"}
    assert found("800000002") == {"李四"}  # any number of trailing digits
    assert found("1380000") == set()  # the start of a phone is not its last digits
    assert found("002") == set()  # three digits: no phone search, no employee number


def test_empty_search_returns_everything(world):
    assert found("") == found("  ") == {"张三", "李四", "王五", "赵六"}


def test_polyphonic_surname_found_by_both_readings(world):
    services.create_person(
        None, {"employee_no": "A0300", "name": "单雄信", "unit": world.dept_a, "gender": "M"}
    )
    services.create_person(
        None, {"employee_no": "A0301", "name": "曾国藩", "unit": world.dept_a, "gender": "M"}
    )
    for text in ("dxx", "sxx", "shanxiongxin", "danx"):
        assert "单雄信" in found(text), text
    for text in ("zgf", "cgf", "zengguofan", "ceng"):
        assert "曾国藩" in found(text), text


def test_renaming_updates_the_pinyin(world):
    services.update_person(None, world.wang, {"name": "单五"})
    assert "单五" in found("sw")
    assert "单五" not in found("ww")


@pytest.fixture
def filtering(world):
    """Extra members: lost contact, floating, suspended, a retiree, one who transferred out."""
    today = world.today
    services.record_member_event(None, world.li, "lost_contact", on=datetime.date(2024, 1, 1))
    services.set_party_profile(None, world.zhao, {"floating_to": "深圳", "category": "technical"})
    services.record_member_event(None, world.zhao, "suspended", on=datetime.date(2024, 1, 1))
    gone = services.create_person(
        None,
        {"employee_no": "A0009", "name": "孙九", "unit": world.dept_a, "gender": "M"},
        {
            "branch": world.branch_a,
            "joined_on": datetime.date(2000, 1, 1),
            "full_member_on": datetime.date(2001, 1, 1),
        },
    )
    services.record_member_event(None, gone, "transfer_out", on=today, counterpart="外单位")
    return gone


def names(world, params, user=None):
    scope = Scope.of(user or world.owner)
    people = scope.people() if user else Person.objects.all()
    query = QueryDict(mutable=True)
    query.update(params)
    return set(apply_filters(people, query, scope.orgs(VIEW_ORGS)).values_list("name", flat=True))


def test_default_list_is_everyone_members_who_left_included(world, filtering):
    assert names(world, {}) == {"张三", "李四", "王五", "赵六", "孙九"}
    assert names(world, {"left": "1"}) == {"孙九"}
    assert names(world, {"party": "left"}) == {"孙九"}


def test_party_filter_is_the_members_here_now(world, filtering):
    assert names(world, {"party": "1"}) == {"张三", "李四", "赵六"}


def test_filter_by_party_org_subtree(world, filtering):
    # the branch keeps the history of those who left it
    assert names(world, {"org": world.committee_a.pk}) == {"张三", "李四", "孙九"}
    assert names(world, {"org": world.committee_a.pk, "party": "1"}) == {"张三", "李四"}
    assert names(world, {"org": world.branch_a.pk, "left": "1"}) == {"孙九"}


def test_filter_by_enterprise_unit_subtree(world, filtering):
    assert names(world, {"org": world.company_a.pk}) == {"张三", "李四", "王五", "孙九"}


def test_filter_by_an_org_outside_scope_gives_nothing(world, filtering):
    assert names(world, {"org": world.committee_b.pk}) == set()
    assert names(world, {"org": world.committee_b.pk}, user=world.owner) == set()


def test_filter_by_status_category_and_party(world, filtering):
    assert names(world, {"status": "cpc_probationary"}) == {"李四"}
    assert names(world, {"status": "cpc"}) == {"张三", "赵六", "孙九"}
    assert names(world, {"status": "nonsense"}) == {"张三", "李四", "王五", "赵六", "孙九"}
    assert names(world, {"category": "technical"}) == {"赵六"}


def test_filter_by_standing(world, filtering):
    assert names(world, {"standing": "lost"}) == {"李四"}
    assert names(world, {"standing": "floating"}) == {"赵六"}
    assert names(world, {"standing": "suspended"}) == {"赵六"}


def test_filters_combine_with_search_and_scope(world, filtering):
    assert names(world, {"q": "ls", "party": "1"}) == {"李四"}
    assert names(world, {"q": "zl"}, user=world.owner) == set()  # 赵六 is outside the scope
    assert names(world, {"q": "zl"}, user=world.outsider) == {"赵六"}
