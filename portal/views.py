"""The portal's pages. Public ones (/p/…) need no login: the secret in the link is the key,
every refusal is recorded (portal.models.Incident) and answered without telling why, and every
public request counts against its address's rate limit. Staff pages (/portal/…) issue links."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can
from apperrors.exceptions import AppError
from apperrors.forms import add_to_form, flash
from security.ratelimit import client_ip, rate_limited

from . import selectors, services
from .forms import HONEYPOT, ComplaintForm, LinkIssueForm, SurveyForm
from .models import CustomerLink, Incident
from .qr import absolute, qr_svg, tracking_path

K = Incident.Kind


def _next(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the page the button was on (a path of this site), else the links page."""
    nxt = request.POST.get("next", "")
    allowed = nxt.startswith("/") and url_has_allowed_host_and_scheme(
        nxt, {request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(nxt if allowed else reverse("portal:links"))


def _refuse(request: HttpRequest, kind: str, detail: str = "", **about) -> HttpResponse:
    services.incident_record(kind=kind, ip=client_ip(request), path=request.path, detail=detail, **about)
    if kind == K.RATE_LIMITED:
        return render(request, "portal/refused.html", {"too_many": True}, status=429)
    return render(request, "portal/refused.html", {}, status=404)


def _limited(request: HttpRequest, scope: str, limit: int) -> bool:
    return rate_limited(f"portal:{scope}:{client_ip(request)}", limit=limit)


@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's complaint form (their link): a ticket in their salesperson's name."""
    if _limited(request, "page", settings.PORTAL_TRACK_LIMIT):
        return _refuse(request, K.RATE_LIMITED)
    link = selectors.link_by_token(token)
    if link is None:
        return _refuse(request, K.BAD_LINK)
    if request.method == "GET":
        return render(request, "portal/complaint.html", {"form": ComplaintForm(), "link": link})
    if _limited(request, f"submit:{link.pk}", settings.PORTAL_SUBMIT_LIMIT):
        return _refuse(request, K.RATE_LIMITED, customer=link.customer)
    form = ComplaintForm(request.POST, request.FILES)
    if request.POST.get(HONEYPOT):
        # A bot: it is told what a person would be told, and nothing is saved.
        services.incident_record(
            kind=K.HONEYPOT,
            ip=client_ip(request),
            path=request.path,
            detail=request.POST.get(HONEYPOT, "")[:200],
            customer=link.customer,
        )
        return render(request, "portal/received_fake.html", {})
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.portal_complaint_submit(
                link=link, form_token=data["form_token"], data=data, photos=data["photos"]
            )
        except AppError as exc:
            add_to_form(form, exc)
        else:
            return redirect(tracking_path(ticket) + "?" + urlencode({"new": 1}))
    services.incident_record(
        kind=K.INVALID,
        ip=client_ip(request),
        path=request.path,
        detail=", ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()),
        customer=link.customer,
    )
    return render(request, "portal/complaint.html", {"form": form, "link": link}, status=400)


def track(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Where the customer's complaint stands, in their words; the survey once it is closed."""
    if _limited(request, "page", settings.PORTAL_TRACK_LIMIT):
        return _refuse(request, K.RATE_LIMITED)
    ticket = selectors.ticket_by_tracking(number, token)
    if ticket is None:
        return _refuse(request, K.BAD_TRACKING, detail=number[:40])
    view = selectors.customer_view(ticket)
    context = {
        "view": view,
        "new": request.GET.get("new") == "1",
        "survey_form": SurveyForm() if view.can_survey else None,
        "track_url": absolute(request.path),
    }
    return render(request, "portal/track.html", context)


@require_POST
def survey(request: HttpRequest, number: str, token: str) -> HttpResponse:
    if _limited(request, "page", settings.PORTAL_TRACK_LIMIT):
        return _refuse(request, K.RATE_LIMITED)
    ticket = selectors.ticket_by_tracking(number, token)
    if ticket is None:
        return _refuse(request, K.BAD_TRACKING, detail=number[:40])
    back = reverse("portal:track", args=[number, token])
    if request.POST.get(HONEYPOT):
        services.incident_record(
            kind=K.HONEYPOT, ip=client_ip(request), path=request.path, detail="survey", ticket=ticket
        )
        messages.success(request, _("Thank you for your rating."))
        return redirect(back)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            services.survey_submit(
                ticket=ticket, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except AppError as exc:
            services.incident_record(
                kind=K.SURVEY_REFUSED,
                ip=client_ip(request),
                path=request.path,
                detail=exc.message,
                ticket=ticket,
            )
            flash(request, exc)
            return redirect(back)
        messages.success(request, _("Thank you for your rating."))
        return redirect(back)
    services.incident_record(
        kind=K.INVALID,
        ip=client_ip(request),
        path=request.path,
        detail=", ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()),
        ticket=ticket,
    )
    view = selectors.customer_view(ticket)
    context = {"view": view, "new": False, "survey_form": form, "track_url": absolute(back)}
    return render(request, "portal/track.html", context, status=400)


# Staff pages ---------------------------------------------------------------------------


@login_required
def links(request: HttpRequest) -> HttpResponse:
    """The salesperson's customer form links, each with its QR code to send."""
    if not can(request.user, "tickets.create"):
        raise Http404
    rows = [
        {"link": link, "url": absolute(reverse("portal:complaint", args=[link.token]))}
        for link in selectors.links_of(request.user).filter(revoked_at__isnull=True)
    ]
    for row in rows:
        row["qr"] = qr_svg(row["url"])
    return render(request, "portal/links.html", {"rows": rows, "form": LinkIssueForm()})


@login_required
@require_POST
def link_issue(request: HttpRequest) -> HttpResponse:
    form = LinkIssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _next(request)
    customer = form.cleaned_data["customer"]
    try:
        services.customer_link_issue(customer=customer, by=request.user)
    except AppError as exc:
        flash(request, exc)
    else:
        messages.success(request, format_html(_("The form link for {} is ready to send."), customer.name))
    return _next(request)


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(CustomerLink, pk=pk)
    try:
        services.customer_link_revoke(link=link, by=request.user)
    except AppError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("The link no longer works."))
    return _next(request)
