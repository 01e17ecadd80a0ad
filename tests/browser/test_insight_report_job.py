"""The monthly report's PDF in Chromium: the button opens the job page, which says in Chinese
that the broker is down, keeps polling (htmx, under the site's CSP) and shows the download
link by itself once the sweep has had the PDF built; the file is the report."""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from accounts.roles import Role
from insight import report_jobs
from tests.accounting.factories import purge_books
from tests.insight.conftest import people, shipment, world  # noqa: F401 - the hand-counted tickets

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def books():
    yield
    purge_books()


def test_the_job_page_waits_then_offers_the_pdf(
    page,
    books,
    world,  # noqa: F811
    make_user,
    login,
    screenshot,
    monkeypatch,
):
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    delay = report_jobs.build_report_pdf.delay

    def refuse(*args):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(report_jobs.build_report_pdf, "delay", refuse)
    login(page, make_user(Role.GENERAL_MANAGER))
    page.goto(f"{page.base_url}/insight/report/?month=2026-10")
    page.click("[data-testid=report-pdf]")
    page.wait_for_selector("[data-testid=report-job-waiting]")
    assert "服务恢复后会自动生成" in page.locator("main").inner_text()
    screenshot(page, "insight-report-job-waiting")

    monkeypatch.setattr(report_jobs.build_report_pdf, "delay", delay)  # the broker is back
    assert report_jobs.resend(now=timezone.now() + report_jobs.RESEND_GRACE) == 1  # beat's sweep
    link = page.wait_for_selector("[data-testid=report-job-download]", timeout=30_000)  # the poll
    assert page.locator("[data-testid=report-job-status]").inner_text() == "已生成，可下载"
    screenshot(page, "insight-report-job-done")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "quality-report-2026-10.pdf"
    data = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "2026-10 月度质量报告" in text and "4,450.00" in text
    assert not problems, problems
