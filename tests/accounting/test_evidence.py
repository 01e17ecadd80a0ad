"""Evidence that stands up (issue 12.4): the five kinds of procedure §2.6 as files on the dispute,
the qualifying condition as a choice; a lost suit's loss needs a file, its write-off a file and
a condition, at review and at posting; 附件数 counts the files in every layout."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounting import services
from accounting.exports import write_csv
from accounts.roles import Role
from apperrors.exceptions import AppError

from .factories import finance_pair, make_dispute

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def lost_suit():
    preparer, reviewer = finance_pair()
    dispute = make_dispute(
        preparer,
        node="litigation",
        outcome="litigation_lost_prepayment",
        prepaid_balance=Decimal("200000"),
        costs=None,
        judgment_date=datetime.date(2026, 11, 18),
        write_off_date=datetime.date(2026, 11, 25),
    )
    vouchers = services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    return dispute, vouchers, preparer, reviewer


def test_a_write_off_needs_a_file_and_a_condition_before_review_and_posting(client, lost_suit):
    dispute, vouchers, preparer, reviewer = lost_suit
    assert [v.evidence_required for v in vouchers] == ["evidence", "evidence", "write_off"]
    with pytest.raises(AppError, match="证据"):
        services.voucher_review(voucher=vouchers[0], by=reviewer)
    client.force_login(preparer)
    url = reverse("accounting:evidence_upload", args=[dispute.pk])
    client.post(url, {"kind": "judgment", "file": SimpleUploadedFile("判决书.pdf", PDF)})
    assert dispute.evidence_files.count() == 1
    assert {v.attachments for v in dispute.vouchers.all()} == {1}  # 附件数 of the drafts follows
    services.voucher_review(voucher=vouchers[0], by=reviewer)
    services.voucher_review(voucher=vouchers[1], by=reviewer)
    with pytest.raises(AppError, match="核销"):  # the write-off: no condition yet
        services.voucher_review(voucher=vouchers[2], by=reviewer)
    body = client.get(reverse("accounting:dispute_detail", args=[dispute.pk])).content.decode()
    assert 'id="condition-form"' in body and "判决书.pdf" in body
    client.post(reverse("accounting:dispute_dates", args=[dispute.pk]), {"write_off_condition": "4"})
    dispute.refresh_from_db()
    assert dispute.write_off_condition == "4"
    for voucher in vouchers:
        voucher.refresh_from_db()
        if voucher.state == "draft":
            services.voucher_review(voucher=voucher, by=reviewer)
        services.voucher_post(voucher=voucher, by=reviewer)
    # 附件数 in every layout
    for layout, header in (("generic", "附件数"), ("kingdee", "附件数"), ("u8", "附单据数")):
        out = io.BytesIO()
        write_csv(out, layout, {}, use_copy=False)
        rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
        assert {r[rows[0].index(header)] for r in rows[1:]} == {"1"}, layout
    # a file counted on posted vouchers stays
    evidence = dispute.evidence_files.get()
    with pytest.raises(AppError):
        services.evidence_remove(evidence=evidence, by=preparer)


def test_posting_checks_the_evidence_again(lost_suit):
    dispute, vouchers, preparer, reviewer = lost_suit
    evidence = services.evidence_add(
        dispute=dispute, by=preparer, kind="arbitration", upload=SimpleUploadedFile("award.pdf", PDF)
    )
    services.voucher_review(voucher=vouchers[0], by=reviewer)
    services.evidence_remove(evidence=evidence, by=preparer)
    with pytest.raises(AppError, match="证据"):
        services.voucher_post(voucher=vouchers[0], by=reviewer)


def test_a_bad_file_is_refused_beside_the_dispute_and_nothing_is_kept(client, lost_suit):
    dispute, _vouchers, preparer, _ = lost_suit
    client.force_login(preparer)
    url = reverse("accounting:evidence_upload", args=[dispute.pk])
    body = client.post(
        url, {"kind": "contract", "file": SimpleUploadedFile("合同.pdf", b"MZ\x90\x00evil")}, follow=True
    ).content.decode()
    assert "PDF" in body and dispute.evidence_files.count() == 0
    assert client.post(url, {"kind": "nonsense", "file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 302
    assert dispute.evidence_files.count() == 0


def test_evidence_downloads_check_the_role_and_come_as_attachments(client, make_user, lost_suit):
    dispute, _vouchers, preparer, _ = lost_suit
    evidence = services.evidence_add(
        dispute=dispute, by=preparer, kind="judgment", upload=SimpleUploadedFile("判决书.pdf", PDF)
    )
    url = reverse("accounting:evidence_download", args=[dispute.pk, evidence.pk])
    client.force_login(make_user(Role.SALES))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.QC))
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "private" in response["Cache-Control"]
    wrong = reverse("accounting:evidence_download", args=[dispute.pk + 1, evidence.pk])
    assert client.get(wrong).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 - only finance attaches
        services.evidence_add(
            dispute=dispute, by=make_user(Role.QC), kind="judgment", upload=SimpleUploadedFile("x.pdf", PDF)
        )
