"""Mobile numbers are masked in lists like ID numbers; the full number is on a person's page only
for those allowed (the person, those who keep the record, 查看身份证号), and every reveal is
audited. The xlsx export keeps its rule (full numbers, an audited export)."""

import pytest
from django.core.exceptions import PermissionDenied

from dangqun.core.idnumber import mask_phone
from dangqun.core.models import AuditLog
from dangqun.people import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw, shown",
    [("13800000003", "138****0003"), ("010-62345678", "010*****5678"), ("5678", "****"), ("", "")],
)
def test_a_number_keeps_its_ends_only(raw, shown):
    assert mask_phone(raw) == shown


def test_the_list_shows_no_full_number(login, world):
    html = login(world.owner).get("/people/").content.decode()
    for person in (world.zhang, world.li, world.wang):
        assert person.phone not in html and mask_phone(person.phone) in html
    # searching by the last digits still finds the person whose masked number shows them
    found = login(world.owner).get(f"/people/?q={world.li.phone[-4:]}").content.decode()
    assert "李四" in found and "共 1 人" in found


def test_the_persons_page_masks_and_reveals_with_permission_audited(login, world):
    client = login(world.owner)  # party admin: keeps the record
    html = client.get(f"/people/{world.wang.pk}/").content.decode()
    assert world.wang.phone not in html and 'id="reveal-phone"' in html
    shown = client.post(f"/people/{world.wang.pk}/reveal-phone/").content.decode()
    assert world.wang.phone in shown
    row = AuditLog.objects.get(action="person.reveal_phone")
    assert (row.actor, row.object_id) == (world.owner, str(world.wang.pk))

    reader = login(world.reader)  # a leader reads people, may not see their numbers
    html = reader.get(f"/people/{world.wang.pk}/").content.decode()
    assert world.wang.phone not in html and 'id="reveal-phone"' not in html
    assert reader.post(f"/people/{world.wang.pk}/reveal-phone/").status_code == 403
    assert login(world.outsider).post(f"/people/{world.wang.pk}/reveal-phone/").status_code == 404
    assert AuditLog.objects.filter(action="person.reveal_phone").count() == 1


def test_a_person_reveals_their_own_number(world):
    assert services.reveal_phone(world.member, world.zhang) == world.zhang.phone
    with pytest.raises(PermissionDenied):
        services.reveal_phone(world.member, world.li)
    assert AuditLog.objects.filter(action="person.reveal_phone", actor=world.member).count() == 1


def test_the_export_keeps_full_numbers_as_it_always_did(login, world):
    import io

    import openpyxl

    response = login(world.owner).get("/people/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("联系电话")
    assert world.zhang.phone in [row[column] for row in rows[1:]]
