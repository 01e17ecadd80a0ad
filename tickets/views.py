"""HTML pages. Thin: they read through selectors and write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import ModelChoiceField
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can
from apperrors.forms import add_to_form
from security.params import int_param
from ui.panels import panel_reads, render_panels

from . import exports, kept_photos, selectors, services
from .errors import MissingData, TicketError
from .filters import TicketFilter
from .forms import IntakeForm, NoteForm, PhotoForm, PurchaseForm
from .models import KeptPhoto, Photo, PurchaseRequest, Ticket
from .next_step import describe, next_steps
from .pagination import CappedPaginator as Paginator
from .workflow import TRANSITIONS

PAGE_SIZE = 50
FOLLOWING_SHOWN = 20
# The steps that close the service: open purchase requests are shown on their forms.
FLAG_OPEN_PURCHASES = ("submit_disposition", "archive")


def _require(request, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


@login_required
def intake(request):
    _require(request, "tickets.create")
    form = IntakeForm(request.POST or None, request.FILES or None)
    token = kept_photos.uuid_or_none(form["intake_token"].value())
    if request.method == "POST" and token:
        kept_photos.photos_discard(
            by=request.user, intake_token=token, uids=request.POST.getlist("discard_photos")
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            ticket = services.ticket_create(by=request.user, **data)
        except MissingData as exc:
            for field, errs in exc.errors.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("Ticket %(number)s saved.") % {"number": ticket.number})
            return redirect(ticket)
    if request.method == "POST" and token:
        # The form comes back with errors: a browser cannot send the files again, so the
        # photos that passed their checks are kept and shown, and saved with the ticket.
        uploads = getattr(form, "cleaned_data", {}).get("photos") or []
        kept_photos.photos_keep(by=request.user, intake_token=token, uploads=uploads)
    context = {
        "form": form,
        "kept_photos": kept_photos.photos_kept(by=request.user, intake_token=token)
        if request.method == "POST" and token
        else [],
    }
    return render(request, "tickets/intake.html", context)


@login_required
def kept_photo(request, uid):
    """A photo kept for the user's own unsaved complaint form, for its thumbnail."""
    _require(request, "tickets.create")
    item = get_object_or_404(KeptPhoto, uid=uid, created_by=request.user)
    return _private(FileResponse(item.image.open("rb")))


@login_required
def my_work(request):
    _require(request, "tickets.view")
    page = Paginator(selectors.my_work(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    # What they follow without being asked for anything now: the first few, then a link.
    following = list(selectors.my_follow_ups(request.user)[: FOLLOWING_SHOWN + 1])
    context = {
        "page": page,
        "rows": selectors.ticket_rows(page),
        "panels": render_panels(request, request.user, place="tickets.my_work"),  # QC: CAPA due
        "following": following[:FOLLOWING_SHOWN],
        "more_following": len(following) > FOLLOWING_SHOWN,
    }
    return render(request, "tickets/my_work.html", context)


@login_required
def ticket_list(request):
    _require(request, "tickets.view")
    filterset = TicketFilter(request.GET or None, queryset=selectors.ticket_list())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # On a phone the filters past the search box fold away; how many of them are in use shows.
    folded = [name for name in filterset.form.fields if name not in ("q", "numbers")]
    folded_in_use = sum(1 for name in folded if request.GET.get(name))
    return render(
        request,
        "tickets/list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": selectors.ticket_rows(page),
            "query": query.urlencode(),
            "folded_in_use": folded_in_use,
        },
    )


@login_required
def ticket_export(request, fmt: str):
    """The list with its current filters, as CSV or XLSX, both streamed."""
    _require(request, "tickets.export")
    filterset = TicketFilter(request.GET or None, queryset=Ticket.objects.all())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(filterset.qs), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        response = StreamingHttpResponse(
            exports.xlsx_stream(filterset.qs),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.xlsx"'
        return response
    raise Http404


def _action_forms(ticket: Ticket, user, bound: dict | None = None) -> list[dict]:
    """The forms of what this user may do now: the normal next steps first, the first of them
    open; the ways out of the normal path (reject, escalate, dispute, reopen) after them, closed,
    so taking one is a deliberate choice. A form sent back with errors stays open."""
    bound = bound or {}
    result = []
    allowed = services.allowed_transitions(ticket, user)
    ordered = [t for t in allowed if not t.escape] + [t for t in allowed if t.escape]
    # Parts still to be bought are pointed out where the service is declared done.
    still_open = [r for r in ticket.purchases.all() if r.status == PurchaseRequest.Status.OPEN]
    for index, t in enumerate(ordered):
        form = bound.get(t.name) or t.form(ticket=ticket, user=user, prefix=t.name)
        is_open = t.name in bound if bound else index == 0 and not t.escape
        flagged = still_open if t.name in FLAG_OPEN_PURCHASES else []
        result.append({"transition": t, "form": form, "open": is_open, "open_purchases": flagged})
    _share_choices([r["form"] for r in result])
    return result


def _share_choices(forms) -> None:
    """Several actions' forms offer the same list (suppliers, defect types): read it once."""
    read: dict[tuple, list] = {}
    for form in forms:
        for field in form.fields.values():
            if isinstance(field, ModelChoiceField):
                key = (field.queryset.model, str(field.queryset.query), field.empty_label)
                if key not in read:
                    # As iterating field.choices would, without its iterator(): on PostgreSQL a
                    # server-side cursor, three round trips (DECLARE, FETCH, CLOSE) for a short list.
                    choices = field.iterator(field)
                    empty = [("", field.empty_label)] if field.empty_label is not None else []
                    read[key] = empty + [choices.choice(obj) for obj in field.queryset.all()]
                field.choices = read[key]


def _detail(
    request, ticket: Ticket, *, bound: dict | None = None, status: int = 200, note_form=None, photo_form=None
):
    context = {
        "ticket": ticket,
        "actions": _action_forms(ticket, request.user, bound),
        "next_steps": next_steps(ticket, people=getattr(ticket, "waiting_people", None)),
        "note_form": note_form or NoteForm(),
        "photo_form": photo_form or PhotoForm(),
        "purchase_form": PurchaseForm() if can(request.user, "tickets.purchase_request") else None,
        "disposition": ticket.dispositions.all()[len(ticket.dispositions.all()) - 1]
        if ticket.dispositions.all()
        else None,
        # Cards of other apps (accounting's disputes, insight's quality figures, the CAPA
        # checks): read here, not by template tags.
        "panels": render_panels(request, ticket, rows=getattr(ticket, "page_rows", None)),
        "watchers": [w.user for w in ticket.watchers.all()],  # prefetched by ticket_for_page
    }
    return render(request, "tickets/detail.html", context, status=status)


def _page_ticket(request, number: str) -> Ticket:
    """The ticket with everything its page shows, the other apps' cards' reads included."""
    return selectors.ticket_for_page(number, more=lambda ticket: panel_reads(request, ticket))


@login_required
def detail(request, number: str):
    _require(request, "tickets.view")
    try:
        ticket = _page_ticket(request, number)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    return _detail(request, ticket)


@login_required
@require_POST
def act(request, number: str, name: str):
    _require(request, "tickets.view")
    ticket = get_object_or_404(Ticket, number=number)
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    data = {k.removeprefix(f"{name}-"): v for k, v in request.POST.items()}
    try:
        ticket = services.ticket_transition(
            ticket=ticket,
            to=name,
            by=request.user,
            data=data,
            expected_version=int_param(request.POST, "version", minimum=0),
        )
    except MissingData as exc:
        fresh = _page_ticket(request, number)
        form = transition.form(request.POST, ticket=fresh, user=request.user, prefix=name)
        form.is_valid()
        if not form.errors:
            form.add_error(None, exc.message)
        messages.error(request, exc.message)
        return _detail(request, fresh, bound={name: form}, status=400)
    except TicketError as exc:
        messages.error(request, exc.message)
        return redirect("tickets:detail", number=number)
    done = _("Done: %(action)s.") % {"action": transition.label}
    # The ticket as the transition left it: its whole page is read once, after the redirect.
    upcoming = describe(next_steps(ticket))
    if upcoming:
        done += " " + _("Next: %(next)s.") % {"next": upcoming}
    messages.success(request, done)
    return redirect("tickets:detail", number=number)


@login_required
@require_POST
def add_note(request, number: str):
    ticket = get_object_or_404(Ticket, number=number)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(ticket=ticket, by=request.user, **form.cleaned_data)
        except MissingData as exc:  # e.g. an @name nobody has: the note comes back as typed
            add_to_form(form, exc)
        except TicketError as exc:
            messages.error(request, exc.message)
            return redirect(f"{ticket.get_absolute_url()}#timeline")
        else:
            return redirect(f"{ticket.get_absolute_url()}#timeline")
    return _detail(request, _page_ticket(request, number), note_form=form, status=400)


@login_required
@require_POST
def watch(request, number: str):
    """Start or stop watching (the button on the ticket page)."""
    ticket = get_object_or_404(Ticket, number=number)
    try:
        watching = services.ticket_watch(
            ticket=ticket, by=request.user, watching=request.POST.get("watch") == "1"
        )
    except TicketError as exc:
        messages.error(request, exc.message)
    else:
        if watching:
            messages.success(
                request, _("You are watching this ticket: you will hear of every step and note.")
            )
        else:
            messages.success(request, _("You no longer watch this ticket."))
    return redirect(ticket)


@login_required
@require_POST
def add_photos(request, number: str):
    ticket = get_object_or_404(Ticket, number=number)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(ticket=ticket, by=request.user, photos=form.cleaned_data["photos"])
        except MissingData as exc:
            form.add_error("photos", exc.errors.get("photos") or exc.message)
        except TicketError as exc:
            messages.error(request, exc.message)
            return redirect(ticket)
        else:
            return redirect(f"{ticket.get_absolute_url()}#photos")
    return _detail(request, _page_ticket(request, number), photo_form=form, status=400)


@login_required
@require_POST
def add_purchase(request, number: str):
    ticket = get_object_or_404(Ticket, number=number)
    form = PurchaseForm(request.POST)
    if form.is_valid():
        try:
            services.purchase_request_add(ticket=ticket, by=request.user, **form.cleaned_data)
        except TicketError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Purchase request added: %(item)s × %(quantity)s.")
                % {
                    "item": form.cleaned_data["item"],
                    "quantity": f"{form.cleaned_data['quantity'].normalize():f}",
                },
            )
    else:
        messages.error(request, _("Some required information is missing."))
    return redirect(ticket)


@login_required
def disposition_print(request, number: str):
    _require(request, "tickets.view")
    ticket = selectors.ticket_for_page(number) if Ticket.objects.filter(number=number).exists() else None
    if ticket is None or not ticket.dispositions.all():
        raise Http404
    disposition = list(ticket.dispositions.all())[-1]
    signoffs = [s for s in ticket.signoffs.all() if s.disposition_id == disposition.pk]
    return render(
        request,
        "tickets/disposition_print.html",
        {"ticket": ticket, "disposition": disposition, "signoffs": signoffs},
    )


@login_required
def purchases(request):
    _require(request, "tickets.purchasing")
    if request.method == "POST":
        request_obj = get_object_or_404(PurchaseRequest, pk=int_param(request.POST, "request", default=0))
        try:
            services.purchase_request_update(
                request=request_obj, by=request.user, status=request.POST.get("status", "")
            )
        except TicketError as exc:
            messages.error(request, exc.message)
        return redirect("tickets:purchases")
    page = Paginator(selectors.open_purchases(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/purchases.html", {"page": page})


@login_required
def photo(request, uid):
    """Photos are customer data: served only to signed-in users who may see tickets."""
    _require(request, "tickets.view")
    item = get_object_or_404(Photo, uid=uid)
    return _private(FileResponse(item.image.open("rb")))


def _private(response):
    """Customer photos may be kept by the browser, never by a shared proxy or cache."""
    patch_cache_control(response, private=True, max_age=3600)
    return response
