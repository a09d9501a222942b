"""core.paging on people's list: ids first, then the page's rows with their joins."""

import pytest

from dangqun.core.paging import IdFirstPaginator
from dangqun.people import services
from dangqun.people.models import Person


@pytest.fixture
def people(world):
    for n in range(7):
        services.create_person(
            None,
            {"employee_no": f"P{n:02d}", "name": f"人{n}", "gender": "M", "unit": world.dept_a},
        )
    return Person.objects.select_related("unit").order_by("-employee_no")


def test_pages_keep_the_order_and_the_joins(people, django_assert_num_queries):
    paginator = IdFirstPaginator(people, 5, orphans=1)
    everyone = [p.employee_no for p in people]
    pages = []
    for number in paginator.page_range:
        with django_assert_num_queries(2):  # the page's ids, then its rows with their units
            page = paginator.page(number)
            pages.append([p.employee_no for p in page])
            assert all(p.unit.name for p in page)
    assert [number for page in pages for number in page] == everyone
    assert len(everyone) == 11  # the world's four and these seven
    assert [len(p) for p in pages] == [5, 6]  # the one orphan joins the last page


def test_an_empty_list_gives_an_empty_first_page(world, django_assert_num_queries):
    paginator = IdFirstPaginator(Person.objects.none(), 10)
    assert list(paginator.page(1)) == []


def test_a_capped_list_reads_its_count_and_page_ids_in_one_query(people, django_assert_num_queries):
    everyone = [p.employee_no for p in people]
    paginator = IdFirstPaginator(people, 3, count_limit=5)
    with django_assert_num_queries(2):  # the first six ids in order, then the page's rows
        page = paginator.page(2)
        assert paginator.count == 6 and paginator.count_capped
        assert [p.employee_no for p in page] == everyone[3:6]
    assert paginator.num_pages == 2  # only count_limit rows are paged
    with django_assert_num_queries(1):
        assert len(paginator.page(1)) == 3


def test_a_list_under_the_cap_counts_exactly(people):
    paginator = IdFirstPaginator(people, 5, count_limit=100)
    assert paginator.count == 11 and not paginator.count_capped
    assert paginator.num_pages == 3
