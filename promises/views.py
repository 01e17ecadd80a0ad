from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can
from apperrors.exceptions import AppError
from apperrors.forms import flash

from .forms import CommitmentCloseForm
from .models import Commitment
from .selectors import commitment_kept_rates
from .services import commitment_close


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
        "promises/commitments.html",
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
    if not can(request.user, "commitments.close", commitment):
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
        except AppError as exc:
            flash(request, exc)
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
    return render(request, "promises/commitment_team.html", {"rates": commitment_kept_rates()})
