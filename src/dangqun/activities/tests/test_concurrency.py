"""A burst of concurrent sign-ups never over-fills: 50 people at once for 10 places give exactly
10 confirmed and 40 waiting, in the order their transactions got the activity's lock."""

import threading

import pytest
from django.db import connection

from dangqun.accounts.models import User
from dangqun.activities import signups
from dangqun.activities.models import SignUp, SignUpStatus
from dangqun.people.models import Person


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_fifty_sign_ups_at_once_for_ten_places(world, make_activity):
    activity = make_activity(capacity=10)
    users = []
    for n in range(50):
        person = Person.objects.create(
            employee_no=f"V{n:04d}", name=f"志愿者{n}", gender="M", unit=world.dept_a
        )
        users.append(User.objects.create_user(username=f"v{n}", password="x", person=person))
    start, errors = threading.Barrier(len(users)), []

    def sign(user):
        try:
            start.wait()
            signups.sign_up(user, activity)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = list(SignUp.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses.count(SignUpStatus.CONFIRMED) == 10
    assert statuses.count(SignUpStatus.WAITING) == 40
    # the waiting list's order is the order of arrival: the first 10 in got the places
    ordered = SignUp.objects.filter(activity=activity).order_by("queued_at", "id")
    assert [s.status for s in ordered[:10]] == [SignUpStatus.CONFIRMED] * 10
