"""Measure 志愿服务与活动 on the current database (issue #16 §6), in-process like ``run.py`` (30 runs
after a warm-up, median / p95 / queries, JSON in bench/results/activities.json). Targets (p95):
an employee's activity square ≤ 80 ms; an organiser's sign-up list of 500 ≤ 80 ms; a person's
hours and stars ≤ 50 ms; the group's participation page over 12 months ≤ 300 ms.

Made here and kept (marked by their names): a leader over the group, an organiser of the busiest
branch, an activity "基准测试活动" of that branch with 500 sign-ups, and an employee linked to the
person with the most confirmed hours. Run after ``dangqun seed --scale large``.
"""

import json
import os
import sys
from datetime import timedelta

import run  # sets up Django first, as every bench script does
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.activities import organising
from dangqun.activities.models import (
    Activity,
    ActivityKind,
    HoursEntry,
    SignUp,
    SignUpStatus,
    Status,
)
from dangqun.core.bulk import insert_dicts
from dangqun.orgs.models import Org, System
from dangqun.people.models import Person

TARGETS = {"square": 80, "signups": 80, "hours": 50, "participation": 300}
BENCH_TITLE = "基准测试活动"
CASES = {  # name → (who, url template, target); filled in by main()
}


def employee_client() -> tuple[Client, Person]:
    """The person with the most confirmed hours (the longest record), as an employee."""
    busiest = HoursEntry.objects.values("person").annotate(h=Sum("hours")).order_by("-h").first()
    person = Person.objects.get(pk=busiest["person"])
    user, _ = User.objects.get_or_create(
        username="bench_volunteer", defaults={"first_name": "员工"}
    )
    if user.person_id != person.pk:
        User.objects.filter(person=person).exclude(pk=user.pk).update(person=None)
        user.person = person
        user.save(update_fields=["person"])
    client = Client()
    client.force_login(user)
    return client, person


def activity_with_500(branch: Org, organiser: User) -> Activity:
    """An open activity of ``branch`` with 500 sign-ups (made once, kept, topped up): 400
    confirmed, 100 waiting, employees of the whole group (a branch's own unit is smaller)."""
    activity = Activity.objects.filter(title=BENCH_TITLE, org=branch).first()
    if activity is None:
        starts = timezone.now() + timedelta(days=30)
        activity = organising.create(
            organiser,
            {
                "kind": ActivityKind.objects.get(code="volunteer"),
                "title": BENCH_TITLE,
                "org": branch,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "place": "基准测试地点",
                "capacity": 400,
            },
        )
        organising.publish(organiser, activity)
    have = activity.signups.count()
    if have >= 500:
        return activity
    taken = activity.signups.values("person_id")
    people = Person.objects.exclude(pk__in=taken).order_by("pk").values_list("pk", flat=True)
    now = timezone.now()
    insert_dicts(
        SignUp,
        [
            {
                "activity_id": activity.pk,
                "person_id": pk,
                "status": SignUpStatus.CONFIRMED if have + n < 400 else SignUpStatus.WAITING,
                "queued_at": now + timedelta(seconds=n),
                "decided_at": now,
            }
            for n, pk in enumerate(people[: 500 - have])
        ],
    )
    return activity


def main() -> None:
    run.fresh_statistics()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) activities_activity, activities_signup, activities_hoursentry, "
                "activities_participationtally"
            )
    enterprise = Org.objects.filter(system=System.ENTERPRISE, depth=1).order_by("path").first()
    if enterprise is None or not Activity.objects.exists():
        sys.exit("没有活动数据：请先运行 dangqun seed --scale large")
    busiest = (
        Activity.objects.filter(org__kind__in=["branch", "joint_branch"])
        .values("org")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    branch = Org.objects.select_related("unit").get(pk=busiest["org"])
    organiser_client = run.client_with("branch_secretary", branch, "bench_act_secretary")
    organiser = User.objects.get(username="bench_act_secretary")
    leader = run.client_with("leader", enterprise, "bench_act_leader")
    employee, person = employee_client()
    big = activity_with_500(branch, organiser)
    cases = {
        "group participation, 12 months": (
            leader,
            f"/activities/participation/?org={enterprise.pk}",
            "participation",
        ),
        **{
            name: (c, url.format(big=big.pk), t)
            for name, (c, url, t) in page_cases(employee, organiser_client).items()
        },
    }
    results = {
        "database": connection.vendor,
        "activities": Activity.objects.count(),
        "signups": SignUp.objects.count(),
        "hours_entries": HoursEntry.objects.count(),
        "employee_hours": str(
            HoursEntry.objects.filter(person=person).aggregate(h=Sum("hours"))["h"]
        ),
        "open_activities": Activity.objects.filter(status=Status.PUBLISHED).count(),
        "targets_ms": TARGETS,
        "note": os.environ.get("BENCH_NOTE", ""),
        "cases": {},
    }
    for name, (client, url, target) in cases.items():
        results["cases"][name] = {**run.measure(client, url), "target_ms": TARGETS[target]}
        print(f"{name:45s} {results['cases'][name]}", flush=True)
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "activities.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


def page_cases(employee: Client, organiser: Client) -> dict:
    """The pages of the square, the sign-up list and the person's hours ({big}: the activity
    with 500 sign-ups)."""
    return {
        "employee, activity square": (employee, "/activities/", "square"),
        "organiser, sign-up list of 500": (organiser, "/activities/{big}/signups/", "signups"),
        "employee, my hours and stars": (employee, "/activities/volunteer/", "hours"),
    }


if __name__ == "__main__":
    main()
