"""Every page of 组织生活 against every kind of user: anonymous, outsider (another company's 党委),
read-only (the leader), a plain member expected at the meeting, and the keepers (the branch
secretary and the 党委 above). Reads are scoped; writes need 管理组织生活."""

import pytest
from django.utils import timezone

from dangqun.life import planning
from dangqun.life.models import Kind, Meeting, MeetingFile

READ = ["", "calendar/", "{pk}/", "{pk}/minutes.pdf", "radar/", "radar/export.xlsx"]
KEEP = ["{pk}/qr.svg", "{pk}/qr/", "{pk}/qr/screen/", "new/"]
# GET: anonymous → login; outsider → not found for the meeting, its own (empty) scope elsewhere
EXPECTED = {
    "anonymous": {path: 302 for path in READ + KEEP},
    "secretary": {path: 200 for path in READ + KEEP},
    "owner": {path: 200 for path in READ + KEEP},
    "reader": {
        **{path: 200 for path in READ},
        "{pk}/qr.svg": 403,
        "{pk}/qr/": 403,
        "{pk}/qr/screen/": 403,
        "new/": 403,
    },
    "outsider": {
        "": 200,
        "calendar/": 200,
        "{pk}/": 404,
        "{pk}/minutes.pdf": 404,
        "radar/": 200,
        "radar/export.xlsx": 200,
        "{pk}/qr.svg": 404,
        "{pk}/qr/": 404,
        "{pk}/qr/screen/": 404,
        "new/": 200,  # may keep its own organisations' meetings
    },
    "member": {
        "": 200,
        "calendar/": 200,
        "{pk}/": 200,
        "{pk}/minutes.pdf": 200,
        "radar/": 403,
        "radar/export.xlsx": 403,
        "{pk}/qr.svg": 403,
        "{pk}/qr/": 403,
        "{pk}/qr/screen/": 403,
        "new/": 403,
    },
}


@pytest.fixture
def meeting(world, secretary):
    return planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习", "starts_at": timezone.now()},
    )


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_page_for_every_kind_of_user(client, world, secretary, meeting, who):
    users = {
        "secretary": secretary,
        **{n: getattr(world, n) for n in ("owner", "reader", "outsider", "member")},
    }
    if who != "anonymous":
        client.force_login(users[who])
    got = {
        path: client.get(f"/life/{path.format(pk=meeting.pk)}").status_code
        for path in EXPECTED[who]
    }
    assert got == EXPECTED[who]


@pytest.mark.parametrize("who, status", [("reader", 403), ("outsider", 404), ("member", 403)])
def test_nobody_but_the_keepers_changes_a_meeting(client, world, meeting, who, status):
    client.force_login(getattr(world, who))
    for action, data in (
        ("record", {"topic": "改", "starts_at": "2026-01-01T10:00", "minutes": "伪造"}),
        ("finalise", {}),
        ("mark", {"person": world.zhang.pk, "presence": "present"}),
        ("vote", {"motion": "x", "yes": 0, "no": 0, "abstain": 0}),
        ("cancel", {"reason": "不想开"}),
        ("files", {"files": [_png()]}),
        ("remove_file", {"file": 1}),
    ):
        response = client.post(f"/life/{meeting.pk}/{action}/", data)
        assert response.status_code == status, (action, response.status_code)
    meeting.refresh_from_db()
    assert meeting.minutes == "" and meeting.status == "planned"
    assert not Meeting.objects.filter(topic="改").exists()
    assert client.post("/life/plan/", {"org": world.branch_a.pk, "year": 2025}).status_code == 302
    assert Meeting.objects.count() == 1
    assert not MeetingFile.objects.exists()


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return SimpleUploadedFile("a.png", out.getvalue())
