"""Every page for anonymous, outsider, read-only reader and owner (plus the member and the auditor).

Outside the scope an object is not found (404); without the capability a page is forbidden (403).
"""

import pytest

ANON = "anonymous"
USERS = ["outsider", "reader", "owner", "member", "auditor"]

# Changing an object in the owner's scope: the read-only reader is forbidden, others never see it.
CHANGE_ORG = {"outsider": 404, "reader": 403, "owner": 200, "member": 404, "auditor": 404}
CHANGE_PERSON = {"outsider": 404, "reader": 403, "owner": 200, "member": 403, "auditor": 404}
# Pages for anyone who may write people somewhere (the outsider may, in company B).
WRITE_PEOPLE = {"outsider": 200, "reader": 403, "owner": 200, "member": 403, "auditor": 403}

# 学习培训: readers (领导) see the classes kept; organisers (both party admins) also run them.
READ_LEARNING = {"outsider": 200, "reader": 200, "owner": 200, "member": 403, "auditor": 403}
RUN_LEARNING = {"outsider": 200, "reader": 403, "owner": 200, "member": 403, "auditor": 403}

# (name, method, url template, {user: status}); objects are company A's 党委 and 张三.
MATRIX = [
    ("home", "get", "/", dict.fromkeys(USERS, 200)),
    ("org tree", "get", "/orgs/", dict.fromkeys(USERS, 200)),
    (
        "org detail",
        "get",
        "/orgs/{org}/",
        {"outsider": 404, "reader": 200, "owner": 200, "member": 404, "auditor": 404},
    ),
    (
        "org children",
        "get",
        "/orgs/{org}/children/",
        {"outsider": 404, "reader": 200, "owner": 200, "member": 404, "auditor": 404},
    ),
    (
        "people list",
        "get",
        "/people/",
        {"outsider": 200, "reader": 200, "owner": 200, "member": 403, "auditor": 403},
    ),
    (
        "person detail",
        "get",
        "/people/{person}/",
        {"outsider": 404, "reader": 200, "owner": 200, "member": 200, "auditor": 404},
    ),
    (
        "reveal id",
        "post",
        "/people/{person}/reveal-id/",
        {"outsider": 404, "reader": 403, "owner": 200, "member": 200, "auditor": 404},
    ),
    (
        "export",
        "get",
        "/people/export.xlsx",
        {"outsider": 200, "reader": 403, "owner": 200, "member": 403, "auditor": 403},
    ),
    (
        "my record",
        "get",
        "/people/me/",
        {"outsider": 302, "reader": 302, "owner": 302, "member": 200, "auditor": 302},
    ),
    (
        "corrections",
        "get",
        "/people/corrections/",
        {"outsider": 200, "reader": 403, "owner": 200, "member": 403, "auditor": 403},
    ),
    *[
        (f"org {name} form", "get", f"/orgs/{{org}}/{path}/", CHANGE_ORG)
        for name, path in [
            ("add", "add"),
            ("edit", "edit"),
            ("move", "move"),
            ("dissolve", "dissolve"),
            ("new term", "terms/new"),
            ("appoint", "posts/new"),
        ]
    ],
    ("new person form", "get", "/people/new/", WRITE_PEOPLE),
    *[
        (f"person {name} form", "get", f"/people/{{person}}/{path}/", CHANGE_PERSON)
        for name, path in [
            ("edit", "edit"),
            ("party profile", "party-profile"),
            ("member event", "member-event"),
        ]
    ],
    (
        "ask for a correction",  # only the person themself; an empty form comes back with errors
        "post",
        "/people/{person}/correction/",
        {"outsider": 404, "reader": 403, "owner": 403, "member": 302, "auditor": 404},
    ),
    ("import", "get", "/people/import/", WRITE_PEOPLE),
    ("import template", "get", "/people/import/template.xlsx", WRITE_PEOPLE),
    ("accounts", "get", "/accounts/", dict.fromkeys(USERS, 403)),
    (
        "service orders board (each sees the orders in their reach)",
        "get",
        "/activities/orders/",
        dict.fromkeys(USERS, 200),
    ),
    (
        "service orders per month",
        "get",
        "/activities/orders/monthly/",
        {"outsider": 200, "reader": 200, "owner": 200, "member": 403, "auditor": 403},
    ),
    ("my training classes", "get", "/learning/classes/", dict.fromkeys(USERS, 200)),
    ("my external training", "get", "/learning/external/", dict.fromkeys(USERS, 200)),
    ("training classes kept", "get", "/learning/manage/classes/", READ_LEARNING),
    ("new training class", "get", "/learning/manage/classes/new/", RUN_LEARNING),
    ("external training to confirm", "get", "/learning/manage/external/", RUN_LEARNING),
    (
        "audit",
        "get",
        "/audit/",
        {"outsider": 403, "reader": 403, "owner": 403, "member": 403, "auditor": 200},
    ),
]

CASES = [
    pytest.param(name, method, url, user, expected.get(user, 302), id=f"{name}-{user}")
    for name, method, url, expected in MATRIX
    for user in [ANON, *USERS]
]


@pytest.mark.parametrize(("name", "method", "url", "user", "status"), CASES)
def test_permission_matrix(client, world, name, method, url, user, status):
    url = url.format(org=world.committee_a.pk, person=world.zhang.pk)
    if user != ANON:
        client.force_login(getattr(world, user))
    response = getattr(client, method)(url)
    assert response.status_code == status, (name, user, response.status_code)
    if user == ANON:
        assert response["Location"].startswith("/accounts/login/?next=")
    elif status == 302 and name == "ask for a correction":
        assert response["Location"] == url.removesuffix("correction/")  # errors shown there
    elif status == 302:
        assert response["Location"] == "/"  # no linked person: back home with a message


@pytest.mark.parametrize("url", ["/people/{person}/reveal-id/"])
def test_writes_refuse_get(client, world, url):
    client.force_login(world.owner)
    assert client.get(url.format(person=world.zhang.pk)).status_code == 405


@pytest.mark.parametrize(
    "url",
    ["/orgs/999999/", "/orgs/999999/children/", "/people/999999/"],
)
def test_objects_that_do_not_exist_are_404(client, world, url):
    client.force_login(world.owner)
    assert client.get(url).status_code == 404


def test_outsider_sees_the_same_404_for_a_hidden_and_a_missing_object(client, world):
    client.force_login(world.outsider)
    hidden = client.get(f"/people/{world.zhang.pk}/")
    missing = client.get("/people/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert "张三" not in hidden.content.decode()
