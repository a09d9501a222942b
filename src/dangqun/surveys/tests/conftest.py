import pytest

from dangqun.surveys import building


@pytest.fixture
def crowd(world, make_user):
    """``crowd(n, dept)``: n more employees of a department, each with an account."""
    from dangqun.people import services as people_services

    made = {"n": 0}

    def make(n, dept):
        users = []
        for _ in range(n):
            made["n"] += 1
            no = f"C{made['n']:04d}"
            person = people_services.create_person(
                None,
                {"employee_no": no, "name": f"职工{made['n']}", "unit": dept, "gender": "F"},
                None,
            )
            users.append(make_user(f"user{no}", person=person))
        return users

    return make


@pytest.fixture
def pulse(world):
    """An open 员工满意度调查 of 甲公司 (run by its 党委's admin), to every employee of 甲公司."""
    survey = building.create_from_template(world.owner, world.company_a, "pulse")
    return building.publish(world.owner, survey)


def pulse_answers(survey, score=4, text="希望食堂饭菜更好"):
    found = {}
    for q in survey.questions.all():
        if q.kind == "rating":
            found[str(q.pk)] = score
        elif q.kind == "score":
            found[str(q.pk)] = 8
        elif q.kind == "long":
            found[str(q.pk)] = text
    return found
