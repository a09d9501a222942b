"""core.bulk on the database the suite runs on (COPY on PostgreSQL, bulk_create on SQLite)."""

import datetime

from dangqun.core.bulk import bulk_update, insert_rows
from dangqun.people.models import MemberEvent, Person


def test_insert_rows_gives_ids_and_resolves_parents_saved_in_the_same_batch(world):
    people = [
        Person(employee_no=f"BK{n}", name=f"批量{n}", gender="F", unit=world.dept_a)
        for n in range(3)
    ]
    events = [  # built before their people have ids, as the import does
        MemberEvent(
            person=person, type="joined", on=datetime.date(2020, 7, 1), to_branch=world.branch_a
        )
        for person in people
    ]
    insert_rows(Person, people)
    insert_rows(MemberEvent, events)
    assert all(person.pk for person in people) and all(event.pk for event in events)
    stored = Person.objects.filter(employee_no__startswith="BK").order_by("employee_no")
    assert [(p.pk, p.name, p.unit_id) for p in stored] == [
        (p.pk, p.name, world.dept_a.pk) for p in people
    ]
    assert all(p.created_at is not None for p in stored)  # auto_now_add applied
    assert set(
        MemberEvent.objects.filter(person__in=people).values_list("person_id", flat=True)
    ) == {p.pk for p in people}
    people[0].phone = "13900000000"
    bulk_update(Person, [people[0]], ["phone"])
    assert Person.objects.get(pk=people[0].pk).phone == "13900000000"


def test_insert_rows_of_nothing_writes_nothing(world):
    before = Person.objects.count()
    insert_rows(Person, [])
    assert Person.objects.count() == before
