"""The report PDFs as background jobs: a click starts a job (the worker, eager here, builds
the PDF), the job page follows it and hands out the file, the same rules as the reports
hold, a double click makes one job, a broker outage keeps the job for later, a failure says
why and can be tried again."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from accounts.roles import Role
from insight import report_jobs
from insight.models import ReportJob
from tests.insight.conftest import NOW

pytestmark = pytest.mark.django_db
MONTHLY = reverse("insight:monthly_report_pdf")


@pytest.fixture
def gm(make_user):
    return make_user(Role.GENERAL_MANAGER)


@pytest.fixture
def start(client, django_capture_on_commit_callbacks):
    """POST the button as the page does; the after-commit send runs (the eager worker builds)."""

    def post(url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return post


@pytest.fixture
def broker_down(monkeypatch):
    """The broker refuses the message, as kombu does when Redis does not answer."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(report_jobs.build_report_pdf, "delay", refuse)


@pytest.fixture
def no_worker(monkeypatch):
    """The broker takes the message but no worker has run it yet."""
    monkeypatch.setattr(report_jobs.build_report_pdf, "delay", lambda *args: None)


def set_roles(user, *roles) -> None:
    user.groups.set(Group.objects.filter(name__in=[str(r) for r in roles]))


def pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def panel_tag(page: str) -> str:
    """The job panel's opening tag (where htmx's polling attributes are)."""
    return page.split('id="report-job"', 1)[1].split(">", 1)[0]


def download_url(job: ReportJob) -> str:
    return reverse("insight:report_job_download", args=[job.pk])


def job_of(response) -> ReportJob:
    assert response.status_code == 302, response
    return ReportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def test_the_monthly_report_pdf_is_built_in_the_background_and_downloaded(client, start, world, gm):
    client.force_login(gm)
    with time_machine.travel(NOW, tick=False):
        response = start(MONTHLY, {"month": "2026-10"})
    job = job_of(response)
    assert response["Location"] == reverse("insight:report_job", args=[job.pk])
    assert (job.status, job.kind, job.params, job.created_by) == ("done", "monthly", {"month": "2026-10"}, gm)
    page = client.get(response["Location"]).content.decode()
    assert "已生成" in page and "hx-get" not in panel_tag(page)  # done: the page stops polling
    download = reverse("insight:report_job_download", args=[job.pk])
    assert download in page
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="quality-report-2026-10.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    assert "2026-10 月度质量报告" in text
    assert "螺纹损伤/粘扣" in text and "不良质量成本" in text and "4,450.00" in text


def test_the_8d_pdf_is_built_for_any_role_from_the_ticket(client, start, world, people):
    client.force_login(people.sales)
    number = world["A"].number
    job = job_of(start(reverse("insight:report_8d_pdf", args=[number])))
    assert job.status == "done" and job.params == {"number": number}
    text = pdf_text(client.get(reverse("insight:report_job_download", args=[job.pk])))
    assert f"8D 报告 {number}" in text and "热处理不足" in text and "加严检验" in text and "外购材料" in text
    assert start(reverse("insight:report_8d_pdf", args=["KS-0000-000000"])).status_code == 404
    assert start(reverse("insight:report_8d_pdf", args=["x" * 300])).status_code == 404


def test_the_old_pdf_links_open_the_report_pages(client, world, gm):
    client.force_login(gm)
    response = client.get(MONTHLY, {"month": "2026-10"})
    assert (
        response.status_code == 302
        and response["Location"] == reverse("insight:monthly_report") + "?month=2026-10"
    )
    number = world["A"].number
    response = client.get(reverse("insight:report_8d_pdf", args=[number]))
    assert response["Location"] == reverse("insight:report_8d", args=[number])
    assert not ReportJob.objects.exists()


def test_the_report_pages_have_the_button_that_starts_the_job(client, world, gm):
    client.force_login(gm)
    page = client.get(reverse("insight:monthly_report"), {"month": "2026-10"}).content.decode()
    assert f'method="post" action="{MONTHLY}"' in page and 'name="month" value="2026-10"' in page
    number = world["A"].number
    page = client.get(reverse("insight:report_8d", args=[number])).content.decode()
    assert f'method="post" action="{reverse("insight:report_8d_pdf", args=[number])}"' in page


def test_a_double_click_makes_one_job(client, start, world, gm, no_worker):
    client.force_login(gm)
    first = job_of(start(MONTHLY, {"month": "2026-10"}))
    second = job_of(start(MONTHLY, {"month": "2026-10"}))
    assert first == second and ReportJob.objects.count() == 1
    assert first.status == "queued" and first.sent_at is not None
    page = client.get(reverse("insight:report_job", args=[first.pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 2s"' in panel_tag(page)  # polls while waiting
    # another month is another job; so is the same month once the first one is done
    assert job_of(start(MONTHLY, {"month": "2026-09"})) != first
    ReportJob.objects.filter(pk=first.pk).update(status="done")
    assert job_of(start(MONTHLY, {"month": "2026-10"})) != first


def test_an_invalid_month_builds_last_month_as_the_page_shows_it(client, start, world, gm, no_worker):
    client.force_login(gm)
    with time_machine.travel(NOW, tick=False):
        job = job_of(start(MONTHLY, {"month": "2026-13"}))
    assert job.params == {"month": "2026-11"}


def test_with_the_broker_down_the_job_waits_and_the_sweep_builds_it(client, start, world, gm, monkeypatch):
    client.force_login(gm)
    delay = report_jobs.build_report_pdf.delay

    def refuse(*args):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(report_jobs.build_report_pdf, "delay", refuse)
    with time_machine.travel(NOW, tick=False):
        response = start(MONTHLY, {"month": "2026-10"}, follow=True)
    job = ReportJob.objects.get()
    assert (job.status, job.sent_at) == ("queued", None)
    page = response.content.decode()
    assert "后台任务服务暂时无法连接：PDF 已登记，服务恢复后会自动生成" in page
    assert report_jobs.resend() == 0  # still down, and too young: left to the start's own send
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        assert report_jobs.resend() == 0  # still down
        monkeypatch.setattr(report_jobs.build_report_pdf, "delay", delay)
        assert report_jobs.resend() == 1  # the broker is back: the (eager) worker builds it
    job.refresh_from_db()
    assert job.status == "done" and job.sent_at is not None
    assert "2026-10 月度质量报告" in pdf_text(
        client.get(reverse("insight:report_job_download", args=[job.pk]))
    )


def test_a_job_whose_worker_died_is_sent_again_then_given_up(world, gm, no_worker):
    job = report_jobs.report_job_start(by=gm, kind="8d", number=world["A"].number)
    ReportJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now(), attempts=1)
    assert report_jobs.resend() == 0  # a run under way is left alone
    later = timezone.now() + report_jobs.LEASE + datetime.timedelta(minutes=1)
    assert report_jobs.resend(now=later) == 1
    ReportJob.objects.filter(pk=job.pk).update(attempts=report_jobs.MAX_ATTEMPTS)
    assert report_jobs.resend(now=later) == 0
    job.refresh_from_db()
    assert job.status == "failed" and "中断 3 次" in job.error


def test_a_failed_build_says_why_and_can_be_tried_again(client, start, world, gm, monkeypatch):
    client.force_login(gm)
    html_to_pdf = report_jobs.html_to_pdf

    def broken(html):
        raise RuntimeError("no font for 质")

    monkeypatch.setattr(report_jobs, "html_to_pdf", broken)
    number = world["A"].number
    job = job_of(start(reverse("insight:report_8d_pdf", args=[number])))
    assert job.status == "failed"
    page = client.get(reverse("insight:report_job", args=[job.pk])).content.decode()
    assert "生成失败" in page and "PDF 生成失败：no font for 质" in page
    assert client.get(reverse("insight:report_job_download", args=[job.pk])).status_code == 404
    retry = reverse("insight:report_job_retry", args=[job.pk])
    assert retry in page and "重新生成" in page
    monkeypatch.setattr(report_jobs, "html_to_pdf", html_to_pdf)
    again = job_of(start(retry))
    assert again != job and again.status == "done"
    assert f"8D 报告 {number}" in pdf_text(
        client.get(reverse("insight:report_job_download", args=[again.pk]))
    )
    assert client.get(retry).status_code == 405


def test_a_ticket_gone_before_the_build_fails_with_its_number(world, gm, no_worker):
    number = world["A"].number
    job = report_jobs.report_job_start(by=gm, kind="8d", number=number)
    report_jobs.eight_d.Ticket.objects.filter(number=number).update(number="KS-1999-999999")
    job = report_jobs.build(job.pk)
    assert job.status == "failed" and job.error == f"投诉单 {number} 已不存在。"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_role_without_the_dashboards_may_not_start_the_monthly_pdf(client, world, people, method):
    client.force_login(people.sales)
    assert getattr(client, method)(MONTHLY, {"month": "2026-10"}).status_code == 403
    assert not ReportJob.objects.exists()


def test_someone_elses_job_is_not_found(client, start, world, gm, make_user):
    client.force_login(gm)
    job = job_of(start(MONTHLY, {"month": "2026-10"}))
    other = make_user(Role.GENERAL_MANAGER)
    client.force_login(other)
    for name in ("report_job", "report_job_download"):
        assert client.get(reverse(f"insight:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("insight:report_job_retry", args=[job.pk])).status_code == 404
    assert client.get(reverse("insight:report_job", args=[999999])).status_code == 404
    client.logout()
    response = client.get(reverse("insight:report_job_download", args=[job.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_requester_who_lost_the_role_may_not_download(client, start, world, make_user):
    qc = make_user(Role.QC)
    client.force_login(qc)
    job = job_of(start(MONTHLY, {"month": "2026-10"}))
    assert job.status == "done" and job.shows_cost  # QC sees money: the PDF holds it
    set_roles(qc, Role.SALES)
    client.force_login(qc)
    assert client.get(reverse("insight:report_job", args=[job.pk])).status_code == 403
    assert client.get(reverse("insight:report_job_download", args=[job.pk])).status_code == 403


def test_a_pdf_with_money_is_not_handed_to_a_requester_who_no_longer_sees_money(
    client, start, world, make_user
):
    user = make_user(Role.QC, Role.PROJECT_MANAGER)
    client.force_login(user)
    job = job_of(start(MONTHLY, {"month": "2026-10"}))
    assert job.shows_cost
    set_roles(user, Role.PROJECT_MANAGER)  # sees dashboards, not money
    client.force_login(user)
    page = client.get(reverse("insight:report_job", args=[job.pk])).content.decode()
    assert "无权查看的数据" in page
    assert client.get(reverse("insight:report_job_download", args=[job.pk])).status_code == 403


def test_the_project_managers_pdf_holds_no_money(client, start, world, make_user):
    client.force_login(make_user(Role.PROJECT_MANAGER))
    with time_machine.travel(NOW, tick=False):
        job = job_of(start(MONTHLY, {"month": "2026-10"}))
    assert not job.shows_cost
    text = pdf_text(client.get(reverse("insight:report_job_download", args=[job.pk])))
    assert "2026-10 月度质量报告" in text and "4,450.00" not in text


def test_a_requester_who_lost_the_role_before_the_build_gets_a_failed_job(world, make_user, no_worker):
    qc = make_user(Role.QC)
    job = report_jobs.report_job_start(by=qc, kind="monthly", month="2026-10")
    qc.groups.clear()
    job = report_jobs.build(job.pk)
    assert job.status == "failed" and "已无权查看此报告" in job.error
    assert report_jobs.build(job.pk) is None  # nothing left to claim
