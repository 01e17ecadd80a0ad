"""Pages of the CAPA effectiveness checks (URLs under /tickets/capa/, names tickets:capa*)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can
from apperrors.forms import add_to_form
from tickets.errors import MissingData, TicketError
from tickets.models import CapaCheck
from tickets.pagination import CappedPaginator as Paginator

from . import selectors, services
from .forms import CapaVerifyForm

PAGE_SIZE = 50


def _require(request, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


CAPA_VIEWS = ("due", "upcoming", "done")


@login_required
def capa_list(request):
    _require(request, "tickets.capa_view")
    show = request.GET.get("show") if request.GET.get("show") in CAPA_VIEWS else "due"
    return _capa_page(request, show)


def _capa_page(request, show: str, *, bound: dict | None = None, status: int = 200):
    today = timezone.localdate()
    qs = selectors.capa_checks()
    if show == "due":
        qs = qs.filter(status=CapaCheck.Status.SCHEDULED, due_on__lte=today)
    elif show == "upcoming":
        qs = qs.filter(status=CapaCheck.Status.SCHEDULED, due_on__gt=today)
    else:
        qs = qs.filter(status__in=[CapaCheck.Status.EFFECTIVE, CapaCheck.Status.NOT_EFFECTIVE])
        qs = qs.order_by("-verified_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    may_verify = can(request.user, "tickets.capa_verify")
    bound = bound or {}
    rows = [
        {
            "check": c,
            "overdue": c.due_on < today,
            "form": bound.get(c.pk) or (CapaVerifyForm(prefix=f"c{c.pk}") if may_verify else None),
        }
        for c in page
    ]
    context = {"page": page, "rows": rows, "show": show, "may_verify": may_verify, "today": today}
    return render(request, "capa/capa_list.html", context, status=status)


@login_required
@require_POST
def capa_verify(request, pk: int):
    _require(request, "tickets.capa_verify")
    check = get_object_or_404(CapaCheck.objects.select_related("ticket"), pk=pk)
    form = CapaVerifyForm(request.POST, prefix=f"c{pk}")
    if form.is_valid():
        effective = form.cleaned_data["result"] == "effective"
        try:
            services.capa_verify(
                check=check, by=request.user, effective=effective, note=form.cleaned_data["note"]
            )
        except MissingData as exc:
            add_to_form(form, exc)
        except TicketError as exc:
            messages.error(request, exc.message)
            return redirect("tickets:capa")
        else:
            number = check.ticket.number
            if effective:
                messages.success(request, _("CAPA check of %(n)s recorded as effective.") % {"n": number})
                return redirect("tickets:capa")
            # Straight to the reopened ticket: what happens next is planned there.
            messages.warning(request, _("CAPA check failed: ticket %(n)s has been reopened.") % {"n": number})
            return redirect(check.ticket)
    # The form again, with its errors, on the tab where the check is listed.
    show = "due" if check.due_on <= timezone.localdate() else "upcoming"
    return _capa_page(request, show, bound={check.pk: form}, status=400)
