"""The quality dashboards, the monthly report and the 8D report (read only)."""

import datetime
import logging

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import action_required, can
from tickets.models import Ticket

from . import eight_d, selectors, tasks
from .forms import DashboardFilterForm, MonthForm

log = logging.getLogger(__name__)


def _filter_form(request) -> tuple[DashboardFilterForm, selectors.Filters]:
    """The filters entered (or the defaults), with the form showing the dates in force."""
    form = DashboardFilterForm(request.GET or None)
    f = form.filters()
    if not form.is_bound:
        form = DashboardFilterForm(
            initial={"date_from": f.date_from, "date_to": f.date_to, "repeat_months": 6}
        )
    return form, f


def _summaries_as_of():
    """As of when the summary tables are (cost, time in step). Never built: ask for a
    refresh — with eager tasks (the demo, tests) it runs at once and the page has figures;
    with a worker the page says "not summarised yet" until beat or the worker has run."""
    as_of = selectors.summary_as_of()
    if as_of is None:
        try:
            tasks.refresh_insight_summaries.delay()
        except Exception:  # noqa: BLE001 - a broker outage must not fail a read-only page
            log.warning("broker unavailable; the insight summaries wait for beat")
        as_of = selectors.summary_as_of()
    return as_of


def _dashboard_context(request, f: selectors.Filters, *, with_cost: bool) -> dict:
    as_of = _summaries_as_of()
    count, repeat_rows = selectors.repeats(f, live=not as_of)  # never summarised: from the tickets
    grouped = selectors.grouped_counts(f)  # every count below from one query (PostgreSQL)
    context = {
        "f": f,
        "as_of": as_of,
        "summary": selectors.summary(f, grouped=grouped),
        "per_month": selectors.per_month(f, grouped=grouped),
        "paretos": [
            (dim, label, selectors.pareto(f, dim, grouped=grouped))
            for dim, label in (
                ("defect", _("Defect type")),
                ("root_cause", _("Root cause")),
                ("product", _("Product")),
                ("customer", _("Customer")),
                ("supplier", _("Supplier")),
            )
        ],
        "by_department": selectors.by_department(f, grouped=grouped),
        "repeat_count": count,
        "repeats": repeat_rows,
        "capa": selectors.capa_effectiveness(f),
        "open_by_age": selectors.open_by_age(f, grouped=grouped),
        "open_by_state": selectors.open_by_state(f, grouped=grouped),
        "cost": selectors.cost_of_poor_quality(f) if with_cost and as_of else None,
        "cost_pending": with_cost and not as_of,
        "generated_at": timezone.now(),
        "cost_tables": [
            ("month", _("By month of intake")),
            ("customer", _("By customer")),
            ("product", _("By product")),
            ("supplier", _("By supplier")),
            ("tickets", _("Costliest tickets")),
        ],
        "working_hours": selectors.clock.working_hours(),
    }
    return context


@action_required("insight.view")
def dashboard(request):
    form, f = _filter_form(request)
    context = _dashboard_context(request, f, with_cost=can(request.user, "insight.cost"))
    context["form"] = form
    return render(request, "insight/dashboard.html", context)


@action_required("insight.view")
def service_levels(request):
    form, f = _filter_form(request)
    as_of = _summaries_as_of()
    context = {
        "form": form,
        "f": f,
        "as_of": as_of,
        "times": selectors.time_in_steps(f) if as_of else None,
        "compliance": selectors.sla_compliance(f),
        "working_hours": selectors.clock.working_hours(),
    }
    return render(request, "insight/service_levels.html", context)


def _month_filters(request) -> tuple[MonthForm, selectors.Filters]:
    form = MonthForm(request.GET or None)
    return form, month_filters(form.first_day(timezone.localdate()))


def month_filters(first: datetime.date) -> selectors.Filters:
    """The whole calendar month beginning on `first`."""
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return selectors.Filters(date_from=first, date_to=last)


def _report_context(request) -> dict:
    form, f = _month_filters(request)
    return {**monthly_report_context(request.user, f, request=request), "month_form": form}


def monthly_report_context(user, f: selectors.Filters, *, request=None) -> dict:
    """What the monthly report of `f`'s month shows `user`: the page, and the PDF the worker
    builds for them (insight.report_jobs, no request there)."""
    context = _dashboard_context(request, f, with_cost=can(user, "insight.cost"))
    context.update(
        month=f.date_from,
        compliance=selectors.sla_compliance(f),
        as_of=context["as_of"] or _summaries_as_of(),
    )
    context.update(
        times=selectors.time_in_steps(f) if context["as_of"] else None,
        user=user,
    )
    return context


@action_required("insight.view")
def monthly_report(request):
    return render(request, "insight/monthly_report.html", {**_report_context(request), "printable": True})


def _ticket(number: str) -> Ticket:
    try:
        return eight_d.ticket_for_report(number)
    except (Ticket.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@action_required("insight.report_8d")
def report_8d(request, number: str):
    ticket = _ticket(number)
    return render(request, "insight/8d.html", {"report": eight_d.build(ticket)})
