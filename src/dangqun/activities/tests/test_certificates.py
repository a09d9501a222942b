"""志愿服务证明: codes refused by their check characters, issuing (by the person, by an organiser in
scope), the PDF read back, and the public verification page."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from dangqun.activities import certificates, hours, record
from dangqun.activities.certificate_models import Certificate, Covers
from dangqun.activities.tests.served import serve
from dangqun.core.models import AuditLog

TODAY = dt.date.today()
MONTH_AGO = TODAY - dt.timedelta(days=30)


@pytest.fixture
def served(world, organiser, make_activity, employee):
    return serve(world, organiser, make_activity, employee)


def pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_a_code_carries_check_characters(db, django_assert_num_queries):
    code = certificates.new_code()
    assert len(code) == 19 and code.count("-") == 3
    raw = certificates.normalise(code)
    for position in range(len(raw)):  # any one character changed: refused without a query
        other = next(ch for ch in certificates.ALPHABET if ch != raw[position])
        tampered = raw[:position] + other + raw[position + 1 :]
        with django_assert_num_queries(0):
            assert certificates.verify(tampered).error == certificates.TAMPERED
    for malformed in ("", "ABCD", "0000-0000-0000-0000", "ABCD-EFGH-JKLM-NPQR-STUV"):
        with django_assert_num_queries(0):
            assert certificates.verify(malformed).error == certificates.MALFORMED
    with django_assert_num_queries(1):  # well formed, never issued
        assert certificates.verify(code.lower()).error == certificates.UNKNOWN


def test_the_person_asks_for_their_own_certificate(world, served, employee):
    zhang = employee(world.zhang)
    certificate = certificates.issue_own(zhang, MONTH_AGO, TODAY)
    assert certificate.covers == Covers.ALL
    assert certificate.issuer == world.branch_a  # ran most (all) of the hours
    # the hours are the record's: confirmed 2.5, corrected to 3.0
    mine = record.record_of(world.zhang)
    assert certificate.hours == mine.total == hours.total_of(world.zhang.pk) == Decimal("3.0")
    (line,) = mine.lines
    assert line.confirmed == Decimal("2.5") and line.hours == Decimal("3.0")
    assert [c.reason for c in line.corrections] == ["签退漏记半小时"]
    assert mine.trainings == mine.awards == mine.evaluations == []
    assert "code" not in str(certificate.__dict__).lower().replace("code_hash", "").replace(
        "code_encrypted", ""
    )
    code = certificates.code_of(certificate)
    assert certificate.code_hash == certificates.code_hash(code)
    assert certificates.verify(code).certificate == certificate
    assert AuditLog.objects.filter(action="activity.certificate_issue").count() == 1


def test_nothing_to_certify_and_bad_periods_write_nothing(world, served, employee):
    zhang, wang = employee(world.zhang), employee(world.wang)
    with pytest.raises(ValidationError, match="没有已确认的志愿服务时长"):
        certificates.issue_own(wang, MONTH_AGO, TODAY)
    with pytest.raises(ValidationError, match="截止日期不能早于起始日期"):
        certificates.issue_own(zhang, TODAY, MONTH_AGO)
    with pytest.raises(ValidationError, match="没有已确认的志愿服务时长"):
        certificates.issue_own(zhang, TODAY - dt.timedelta(days=400), MONTH_AGO)
    assert not Certificate.objects.exists()


def test_an_organiser_issues_only_for_their_organisations(world, served, organiser):
    certificate = certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    assert certificate.covers == Covers.ISSUER and certificate.hours == Decimal("3.0")
    with pytest.raises(PermissionDenied):  # not an organisation the outsider organises for
        certificates.issue(world.outsider, "A0001", MONTH_AGO, TODAY, world.committee_a)
    with pytest.raises(ValidationError, match="没有由本组织"):  # company B ran none of it
        certificates.issue(world.outsider, "A0001", MONTH_AGO, TODAY, world.committee_b)
    with pytest.raises(ValidationError, match="没有由本组织"):  # unknown 工号: the same words
        certificates.issue(organiser, "NOBODY", MONTH_AGO, TODAY, world.committee_a)
    for user in (world.reader, world.member):
        with pytest.raises(PermissionDenied):
            certificates.issue(user, "A0001", MONTH_AGO, TODAY, world.committee_a)
    assert Certificate.objects.count() == 1


def test_the_pdf_reads_back_and_keeps_its_hours_after_a_later_upward_correction(
    world, served, organiser, login
):
    line = served.signups.get(person=world.zhang)
    hours.correct(organiser, served, line.pk, Decimal("2.0"), "核实后更正")  # 3.0 → 2.0
    certificate = certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    hours.correct(organiser, served, line.pk, Decimal("3.0"), "补记")  # after issuing: more
    certificate.refresh_from_db()
    assert certificate.valid  # understating is still true
    client = login(organiser)
    response = client.get(reverse("activities:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    code = certificates.displayed(certificates.code_of(certificate))
    assert "志愿服务证明" in text and "张三" in text
    assert "2.0" in text and "社区义诊" in text and "甲公司党委" in text
    assert code in text
    assert world.zhang.reveal_id_number() not in text  # masked on the certificate
    assert record.total(certificates.lines_of(certificate)) == certificate.hours == Decimal("2.0")
    assert AuditLog.objects.filter(action="activity.certificate_download").count() == 1


def test_a_downward_correction_withdraws_the_certificates_that_now_say_too_much(
    world, served, organiser, employee, login, client
):
    from dangqun.notices.models import Notice

    zhang = employee(world.zhang)
    own = certificates.issue_own(zhang, MONTH_AGO, TODAY)
    theirs = certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    line = served.signups.get(person=world.zhang)
    hours.correct(organiser, served, line.pk, Decimal("1.0"), "核实签到记录")
    for certificate in (own, theirs):
        certificate.refresh_from_db()
        assert not certificate.valid and "社区义诊" in certificate.withdrawn_reason
    hours.correct(organiser, served, line.pk, Decimal("0.5"), "再次核实")
    assert AuditLog.objects.filter(action="activity.certificate_withdraw").count() == 2  # once
    notice = Notice.objects.get(user=zhang, kind="activity.certificate")
    assert "2 份" in notice.title
    assert AuditLog.objects.filter(action="activity.certificate_withdraw").count() == 2
    # the public page says so, without the hours
    code = certificates.displayed(certificates.code_of(own))
    page = client.get(reverse("activities_public:verify_code", args=[code]))
    html = page.content.decode()
    assert page.status_code == 200 and "该证明已作废" in html and "真实有效" not in html
    assert "3.0 小时" not in html and "张*" in html
    # the PDF is refused, in Chinese, and nothing is downloaded
    login(zhang)
    response = client.get(reverse("activities:certificate_pdf", args=[own.pk]), follow=True)
    assert "该证明已作废" in response.content.decode()
    assert not AuditLog.objects.filter(action="activity.certificate_download").exists()
    # a new one says what the record says now
    again = certificates.issue_own(zhang, MONTH_AGO, TODAY)
    assert again.valid and again.hours == Decimal("0.5")


def test_withdrawing_by_hand_needs_a_reason_and_the_right_person(
    world, served, organiser, employee, login, client
):
    zhang = employee(world.zhang)
    own = certificates.issue_own(zhang, MONTH_AGO, TODAY)
    theirs = certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    with pytest.raises(ValidationError, match="请填写作废原因"):
        certificates.withdraw(organiser, theirs, "  ")
    with pytest.raises(PermissionDenied):
        certificates.withdraw(organiser, own, "不是本组织出具")  # the person's own stays theirs
    with pytest.raises(PermissionDenied):
        certificates.withdraw(zhang, theirs, "不想要了")  # an organiser issued it
    assert Certificate.objects.filter(withdrawn_at__isnull=False).count() == 0
    # through the pages: an empty reason is refused in Chinese, nothing changes
    login(organiser)
    url = reverse("activities:certificate_withdraw", args=[theirs.pk])
    page = client.post(url, {"reason": "", "back": "issue"}, follow=True)
    assert "请填写作废原因" in page.content.decode()
    theirs.refresh_from_db()
    assert theirs.valid
    page = client.post(url, {"reason": "工号填错", "back": "issue"}, follow=True)
    assert page.redirect_chain[-1][0] == reverse("activities:certificate_issue")
    assert "证明已作废" in page.content.decode() and "已作废" in page.content.decode()
    theirs.refresh_from_db()
    assert not theirs.valid and theirs.withdrawn_reason == "工号填错"
    assert theirs.withdrawn_by == organiser
    with pytest.raises(ValidationError, match="已经作废"):
        certificates.withdraw(organiser, theirs, "再次")
    assert (
        client.post(
            reverse("activities:certificate_withdraw", args=[own.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    login(zhang)
    client.post(reverse("activities:certificate_withdraw", args=[own.pk]), {"reason": "重新开具"})
    own.refresh_from_db()
    assert not own.valid


def test_who_downloads_which_certificate(world, served, organiser, employee, login, client):
    own = certificates.issue_own(employee(world.zhang), MONTH_AGO, TODAY)
    theirs = certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    url = lambda c: reverse("activities:certificate_pdf", args=[c.pk])  # noqa: E731
    assert client.get(url(own)).status_code == 302  # login first
    login(world.outsider)
    assert client.get(url(own)).status_code == 404
    assert client.get(url(theirs)).status_code == 404
    login(organiser)
    assert client.get(url(own)).status_code == 404  # the person's own stays theirs
    assert client.get(url(theirs)).status_code == 200
    login(employee(world.zhang))
    assert client.get(url(own)).status_code == 200
    assert client.get(url(theirs)).status_code == 200


def test_the_pages_issue_and_list(world, served, organiser, employee, login, client):
    login(employee(world.zhang))
    page = client.get(reverse("activities:certificates"))
    assert page.status_code == 200 and "3.0 小时" in page.content.decode()
    bad = client.post(
        reverse("activities:certificates"), {"starts_on": TODAY, "ends_on": MONTH_AGO}
    )
    assert bad.status_code == 422 and "截止日期不能早于起始日期" in bad.content.decode()
    done = client.post(
        reverse("activities:certificates"), {"starts_on": MONTH_AGO, "ends_on": TODAY}, follow=True
    )
    assert "志愿服务证明已开具" in done.content.decode()
    assert "下载证明（PDF）" in done.content.decode()
    assert client.get(reverse("activities:certificate_issue")).status_code == 403
    login(world.outsider)
    assert client.get(reverse("activities:certificate_issue")).status_code == 200
    refused = client.post(
        reverse("activities:certificate_issue"),
        {
            "org": world.committee_a.pk,
            "employee_no": "A0001",
            "starts_on": MONTH_AGO,
            "ends_on": TODAY,
        },
    )
    assert refused.status_code == 422
    login(organiser)
    issued = client.post(
        reverse("activities:certificate_issue"),
        {
            "org": world.committee_a.pk,
            "employee_no": "A0001",
            "starts_on": MONTH_AGO,
            "ends_on": TODAY,
        },
        follow=True,
    )
    assert "志愿服务证明已开具" in issued.content.decode()
    assert Certificate.objects.filter(covers=Covers.ISSUER).count() == 1


def test_the_public_page_verifies_a_code_and_shows_only_what_it_should(
    world, served, employee, client
):
    certificate = certificates.issue_own(employee(world.zhang), MONTH_AGO, TODAY)
    code = certificates.displayed(certificates.code_of(certificate))
    page = client.get(reverse("activities_public:verify_code", args=[code]))  # scanned
    html = page.content.decode()
    assert page.status_code == 200 and "证明真实有效" in html
    assert "张*" in html and "3.0 小时" in html and "甲公司综合部党支部" in html
    assert "张三" not in html and world.zhang.id_number_masked not in html
    assert "社区义诊" not in html
    typed = client.post(reverse("activities_public:verify"), {"code": code.lower()})
    assert "证明真实有效" in typed.content.decode()
    raw = certificates.normalise(code)
    tampered = raw[:-1] + next(ch for ch in certificates.ALPHABET if ch != raw[-1])
    for wrong, message in (
        (tampered, certificates.TAMPERED),
        ("ABCD", certificates.MALFORMED),
        (certificates.new_code(), certificates.UNKNOWN),
    ):
        refused = client.post(reverse("activities_public:verify"), {"code": wrong})
        html = refused.content.decode()
        assert message in html and "证明真实有效" not in html and "张*" not in html
        assert "3.0 小时" not in html
    scanned_tampered = client.get(reverse("activities_public:verify_code", args=[tampered]))
    assert certificates.TAMPERED in scanned_tampered.content.decode()


def test_the_public_page_is_rate_limited(world, served, employee, client, monkeypatch):
    from dangqun.voices import throttle

    certificate = certificates.issue_own(employee(world.zhang), MONTH_AGO, TODAY)
    code = certificates.code_of(certificate)
    monkeypatch.setattr(throttle, "allow_code_attempt", lambda address: False)
    page = client.post(reverse("activities_public:verify"), {"code": code})
    assert page.status_code == 429
    assert "核验过于频繁" in page.content.decode() and "张*" not in page.content.decode()


def test_the_own_certificate_names_the_organisation_with_most_hours(
    world, served, organiser, make_activity, employee
):
    other = serve(world, organiser, make_activity, employee, title="敬老院探访")
    assert other.org == world.branch_a
    found = record.lines(world.zhang.pk, MONTH_AGO, TODAY)
    assert certificates.main_issuer(found) == world.branch_a
    assert certificates.masked_name("张三") == "张*"
    assert certificates.masked_name("欧阳明华") == "欧***"


def test_a_unit_certifies_only_what_its_own_tree_ran(world, served, organiser):
    """What an organiser may open, they may certify: the branch's hours are its party
    committee's to certify, not the company's (whose other organisers cannot see them)."""
    with pytest.raises(ValidationError, match="没有由本组织"):
        certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.company_a)
    certificate = certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    assert certificate.hours == Decimal("3.0")


def test_a_period_ending_after_today_is_refused(world, served, employee):
    with pytest.raises(ValidationError, match="截止日期不能晚于今天"):
        certificates.issue_own(employee(world.zhang), MONTH_AGO, TODAY + dt.timedelta(days=1))
    assert not Certificate.objects.exists()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request after logging in reads more (the session's rotation)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Pinned (page of mine, issuing page): neither grows with the number of certificates.
PINNED = (9, 7)


def test_the_lists_query_counts_do_not_grow(world, served, organiser, employee, login, client):
    zhang = employee(world.zhang)
    certificates.issue_own(zhang, MONTH_AGO, TODAY)
    certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    login(zhang)
    mine = _queries(client, reverse("activities:certificates"))
    login(organiser)
    issued = _queries(client, reverse("activities:certificate_issue"))
    for _ in range(3):
        certificates.issue_own(zhang, MONTH_AGO, TODAY)
        certificates.issue(organiser, "A0001", MONTH_AGO, TODAY, world.committee_a)
    assert _queries(client, reverse("activities:certificate_issue")) == issued
    login(zhang)
    assert _queries(client, reverse("activities:certificates")) == mine
    assert (mine, issued) == PINNED


ORGANISERS_ONLY = {"outsider": 200, "reader": 403, "owner": 200, "member": 403, "auditor": 403}
MATRIX = [
    ("certificates", {"outsider": 200, "reader": 200, "owner": 200, "member": 200, "auditor": 200}),
    ("certificate_issue", ORGANISERS_ONLY),
    ("hours_export", ORGANISERS_ONLY),
]


@pytest.mark.parametrize("name, expected", MATRIX)
def test_permission_matrix_of_the_pages(world, served, client, name, expected):
    url = reverse(f"activities:{name}")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for username, status in expected.items():
        client.force_login(getattr(world, username))
        assert client.get(url).status_code == status, (username, url)
    client.logout()
    assert client.get(reverse("activities_public:verify")).status_code == 200  # no login


@settings(max_examples=200)
@given(position=st.integers(0, 15), shift=st.integers(1, 31), lower=st.booleans())
def test_any_one_character_changed_is_caught_by_the_check(position, shift, lower):
    from django.test import override_settings

    with override_settings(FIELD_ENCRYPTION_KEY="hypothesis-key"):
        code = certificates.new_code()
        raw = certificates.normalise(code)
        typed = code.lower() if lower else code
        assert certificates.normalise(typed) == raw
        assert certificates._check(raw[:12]) == raw[12:]
        alphabet = certificates.ALPHABET
        changed = alphabet[(alphabet.index(raw[position]) + shift) % len(alphabet)]
        tampered = raw[:position] + changed + raw[position + 1 :]
        if position >= 12:  # a check character: always caught
            assert certificates._check(tampered[:12]) != tampered[12:]
