import pytest

from dangqun.core.paging import IdFirstPaginator
from dangqun.people.models import Person


@pytest.fixture
def people(world):
    from dangqun.people import services

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
