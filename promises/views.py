import logging
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from security.params import next_path

from .dashboard import dashboard_cards
from .forms import CommitmentCloseForm
from .models import Commitment
from .permissions import can, roles_of
from .roles import Role
from .selectors import commitment_kept_rates, notifications_for, shipment_label, shipments_of, unread_count
from .services import commitment_close, commitment_may_close, notification_mark_read

log = logging.getLogger(__name__)


@login_required
def home(request):
    labels = dict(Role.choices)
    roles = [labels[r] for r in sorted(roles_of(request.user)) if r in labels]
    return render(request, "core/home.html", {"roles": roles, "cards": dashboard_cards(request.user)})


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run eagerly)"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {exc.__class__.__name__}"
    return "ok"


_STATIC_REF = re.compile(r'(?:href|src)="([^"?#]+)')


def _check_pages() -> str:
    """Can the site render a page? Render the sign-in page (the base layout with its static
    files) as an anonymous visitor. With the production manifest storage a missing manifest
    or asset raises here, as it would on every page; each file it names must be on disk."""
    from django.contrib.auth.forms import AuthenticationForm
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    probe = RequestFactory().get(reverse("login"))
    probe.user = AnonymousUser()
    try:
        html = render_to_string("registration/login.html", {"form": AuthenticationForm()}, request=probe)
    except ValueError as exc:  # "Missing staticfiles manifest entry for 'x'"
        log.error("healthz: a page cannot be rendered: %s", exc)
        return f"error: {exc}"[:300]
    except Exception as exc:
        log.exception("healthz: a page cannot be rendered")
        return f"error: {exc.__class__.__name__}"
    static = storages["staticfiles"]
    if isinstance(static, ManifestFilesMixin):
        prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
        for url in _STATIC_REF.findall(html):
            if url.startswith(prefix) and not static.exists(url[len(prefix) :]):
                log.error("healthz: %s is in the manifest but not in STATIC_ROOT", url)
                return f"error: {url} is missing from STATIC_ROOT"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers and docker-compose healthchecks: the
    database, the broker, and whether a page can be rendered with its static files."""
    checks = {"database": _check_database(), "broker": _check_broker(), "pages": _check_pages()}
    healthy = all(v == "ok" or v.startswith("not configured") for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@login_required
def commitment_list(request):
    """My open promises, soonest due first; overdue ones stand out."""
    open_ = (
        Commitment.objects.filter(owner=request.user, status=Commitment.Status.OPEN)
        .select_related("customer", "source_type")
        .order_by("due_at")
    )
    closed = (
        Commitment.objects.filter(owner=request.user)
        .exclude(status=Commitment.Status.OPEN)
        .select_related("customer")
        .order_by("-closed_at")[:20]
    )
    return render(
        request,
        "core/commitments.html",
        {
            "open_commitments": open_,
            "closed_commitments": closed,
            "now": timezone.now(),
            "form": CommitmentCloseForm(),
        },
    )


@login_required
def commitment_close_view(request, pk: int):
    commitment = get_object_or_404(Commitment, pk=pk)
    if not commitment_may_close(commitment, request.user):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("commitments")
    form = CommitmentCloseForm(request.POST)
    if form.is_valid():
        try:
            commitment_close(
                commitment=commitment,
                by=request.user,
                kept=form.cleaned_data["kept"],
                outcome_note=form.cleaned_data["outcome_note"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("Promise closed."))
    else:
        messages.error(request, _("Choose whether the promise was kept."))
    return redirect("commitments")


@login_required
def commitment_team(request):
    """Each person's kept-on-time rate, for the managers who escalations go to."""
    if not can(request.user, "commitments.team"):
        raise PermissionDenied
    return render(request, "core/commitment_team.html", {"rates": commitment_kept_rates()})


@login_required
def notification_list(request):
    """My notifications, newest first; a user never sees anyone else's."""
    rows = notifications_for(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {"page": page, "unread_only": unread_only, "unread_total": unread_count(request.user)},
    )


@login_required
@require_GET
def customer_shipments(request):
    """A customer's shipments as JSON, for the forms that pick one (intake, installation,
    quality dispute): static/js/shipments.js loads them when a customer is chosen."""
    if not can(request.user, "masterdata.view"):
        raise PermissionDenied
    data = [
        {
            "id": s.pk,
            "label": shipment_label(s),
            "product": s.product_id,
            "lot": s.lot_number,
            "date": f"{s.ship_date:%Y-%m-%d}",
            "order": s.order_number,
        }
        for s in shipments_of(request.GET.get("customer", ""))
    ]
    return JsonResponse({"shipments": data})


@require_GET
@never_cache
def notification_menu(request):
    """The header's bell alone, polled by htmx so a page left open all day shows what came in.
    A session that has ended answers 286, which tells htmx to stop polling (rather than
    swapping the login page into the header)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    target = next_path(request.GET, reverse("notifications"), request)
    return render(request, "core/_notification_menu.html", {"next_path": target})


@login_required
def notification_open(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    row = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(user=request.user, ids=[row.pk])
    target = row.path
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request, pk: int | None = None):
    """Mark one (or, without pk, all) of my notifications read."""
    if pk is not None:
        get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(user=request.user, ids=None if pk is None else [pk])
    return HttpResponseRedirect(next_path(request.POST, reverse("notifications"), request))
