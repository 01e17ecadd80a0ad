from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can
from apperrors.exceptions import AppError
from apperrors.forms import add_to_form, flash
from security.params import next_path

from .forms import CommitmentCloseForm, CommitmentForm, RescheduleForm
from .models import Commitment
from .selectors import commitment_kept_rates
from .services import commitment_close, commitment_promise, commitment_reschedule

# The records whose pages carry the promises card (promises.panels), by URL word.
PROMISE_SOURCES = {"ticket": "tickets.Ticket"}


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


@login_required
def commitment_make_view(request, source: str, pk: int):
    """A promise made from a record's page (its card posts here). The form also has a page of
    its own, where a refused one comes back with what was typed, so nothing is lost."""
    if source not in PROMISE_SOURCES:
        raise Http404
    record = get_object_or_404(apps.get_model(PROMISE_SOURCES[source]), pk=pk)
    if not can(request.user, "commitments.make", record):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commitment_promise(source=record, by=request.user, **form.cleaned_data)
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Promise recorded. You will be reminded before it is due."))
            return redirect(record.get_absolute_url())
    return render(
        request, "promises/commitment_form.html", {"form": form, "record": record, "rescheduling": None}
    )


@login_required
def commitment_reschedule_view(request, pk: int):
    commitment = get_object_or_404(Commitment, pk=pk)
    if not can(request.user, "commitments.close", commitment):
        raise PermissionDenied
    back = next_path(request.POST or request.GET, reverse("commitments"), request)
    form = RescheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commitment_reschedule(commitment=commitment, by=request.user, **form.cleaned_data)
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("New time recorded; the earlier promise is closed."))
            return redirect(back)
    return render(
        request,
        "promises/commitment_form.html",
        {"form": form, "record": commitment.source, "rescheduling": commitment, "next": back},
    )
