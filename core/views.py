from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import CommitmentCloseForm
from .models import Commitment
from .permissions import has_role, roles_of
from .roles import Role
from .services import commitment_close


@login_required
def home(request):
    labels = dict(Role.choices)
    roles = [labels[r] for r in sorted(roles_of(request.user)) if r in labels]
    return render(request, "core/home.html", {"roles": roles})


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


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers and docker-compose healthchecks."""
    checks = {"database": _check_database(), "broker": _check_broker()}
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
    if commitment.owner_id != request.user.pk and not has_role(request.user, Role.SALES_MANAGER):
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
