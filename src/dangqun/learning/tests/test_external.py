"""外出培训: a member records training done elsewhere with a proof; the branch confirms (the 学时
land in the ledger, nightly rebuild agrees) or returns it with a reason; the member is told;
nobody confirms their own; bad input is refused in Chinese with nothing written."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dangqun.core import actions as core_actions
from dangqun.core import uploads
from dangqun.learning import class_actions, external, ledger
from dangqun.learning.class_models import ExternalProof, ExternalStatus, ExternalTraining
from dangqun.learning.models import LedgerEntry, Source
from dangqun.notices.models import Notice


def _png(name="结业证书.png"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _data(world, **changes):
    end = world.today - dt.timedelta(days=1)
    data = {
        "kind": "party_school",
        "title": "市委党校基层党组织书记培训班",
        "organiser": "市委党校",
        "starts_on": end - dt.timedelta(days=2),
        "ends_on": end,
        "claimed": Decimal(24),
        "note": "",
        "proofs": uploads.check_all([_png()]),
    }
    data.update(changes)
    return data


def test_confirmed_training_counts_in_the_ledger(world, secretary):
    row = external.record(world.member, _data(world))
    assert row.status == ExternalStatus.SUBMITTED and row.branch == world.branch_a
    assert ExternalProof.objects.filter(training=row).count() == 1
    assert Notice.objects.filter(user=secretary, kind="learning.external_submitted").exists()
    assert not LedgerEntry.objects.exists()
    external.confirm(secretary, row, Decimal(20))
    entry = LedgerEntry.objects.get(source=Source.EXTERNAL, person=world.zhang)
    assert entry.hours == 20 and entry.on == row.ends_on and entry.org == world.branch_a
    assert entry.title == "党校培训：市委党校基层党组织书记培训班"
    assert ledger.rebuild(row.ends_on.year) == 0
    notice = Notice.objects.get(user=world.member, kind="learning.external")
    assert "已确认" in notice.title and "20 学时" in notice.title
    with pytest.raises(ValidationError):  # only once
        external.confirm(secretary, row)


def test_returned_training_counts_nothing_and_says_why(world, secretary):
    row = external.record(world.member, _data(world))
    with pytest.raises(ValidationError) as refused:
        external.send_back(secretary, row, " ")
    assert "请填写退回原因" in str(refused.value)
    external.send_back(secretary, row, "请上传盖章的结业证书")
    row.refresh_from_db()
    assert row.status == ExternalStatus.RETURNED and row.reason == "请上传盖章的结业证书"
    assert "已退回" in Notice.objects.get(user=world.member, kind="learning.external").title
    assert not LedgerEntry.objects.exists()


def test_nobody_confirms_their_own_or_outside_their_scope(world, secretary, make_user):
    own = make_user("self_secretary", role="branch_secretary", org=world.branch_a, person=world.li)
    row = external.record(own, _data(world))
    with pytest.raises(PermissionDenied):
        external.confirm(own, row)
    with pytest.raises(PermissionDenied):
        external.confirm(world.outsider, row)
    with pytest.raises(PermissionDenied):
        external.confirm(world.member, row)
    assert not external.kept_by(world.outsider).exists()
    external.confirm(secretary, row)
    assert LedgerEntry.objects.get(person=world.li).hours == 24


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"claimed": Decimal(40)}, "claimed", "不能超过培训天数折算的 24 学时"),
        ({"ends_on": dt.date(2020, 1, 1)}, "ends_on", "结束日期不能早于开始日期"),
        ({"proofs": []}, "proofs", "请上传"),
    ],
)
def test_bad_records_are_refused_in_chinese_and_nothing_is_written(world, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        external.record(world.member, _data(world, **changes))
    assert message in "".join(refused.value.message_dict[field])
    assert not ExternalTraining.objects.exists()


def test_a_non_member_cannot_record(world, make_user):
    wang = make_user("wang", person=world.wang)
    with pytest.raises(PermissionDenied):
        external.record(wang, _data(world))


def test_the_form_refuses_a_file_that_is_not_what_it_says(world):
    fake = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    data = {k: str(v) for k, v in _data(world).items() if k != "proofs"}
    outcome = core_actions.run(
        class_actions.NEW_EXTERNAL, world.member, None, "record", data, {"proofs": [fake]}
    )
    assert not outcome.ok and outcome.form.errors["proofs"]
    assert not ExternalTraining.objects.exists()


def test_the_pages_record_and_confirm(world, secretary, login):
    client = login(world.member)
    data = {k: str(v) for k, v in _data(world).items() if k != "proofs"}
    response = client.post(reverse("learning:external"), {**data, "proofs": _png()})
    assert response.status_code == 302
    row = ExternalTraining.objects.get()
    page = client.get(reverse("learning:external"))
    assert "待确认" in page.content.decode()
    proof = row.proofs.get()
    assert (
        client.get(reverse("learning:external_proof", args=[row.pk, proof.pk])).status_code == 200
    )
    assert client.get(reverse("learning:external_queue")).status_code == 403
    client = login(secretary)
    queue = client.get(reverse("learning:external_queue"))
    assert "市委党校基层党组织书记培训班" in queue.content.decode()
    client.post(reverse("learning:external_act", args=[row.pk, "confirm"]), {"hours": ""})
    row.refresh_from_db()
    assert row.status == ExternalStatus.CONFIRMED and row.hours == 24
    outsider = login(world.outsider)
    assert (
        outsider.get(reverse("learning:external_proof", args=[row.pk, proof.pk])).status_code == 404
    )


def test_proofs_no_row_names_are_swept_at_night(world, settings, tmp_path):
    import os
    import time
    from pathlib import Path

    settings.MEDIA_ROOT = str(tmp_path)
    row = external.record(world.member, _data(world))
    kept = Path(tmp_path) / row.proofs.get().file.name
    stray = kept.parent / "orphan.png"
    stray.write_bytes(b"x")
    old = time.time() - 3 * 86400
    for path in (kept, stray):
        os.utime(path, (old, old))
    assert external.sweep_orphan_files() == 1
    assert kept.exists() and not stray.exists()
