"""The inbox pages ("邮件来件"): the list, one mail, and what the salesperson does with it.
Confirming a draft is the intake form itself, filled in from the mail, saved through the
same service as any complaint."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import action_required, can
from apperrors.exceptions import AppError, Conflict
from apperrors.forms import add_to_form, flash
from tickets import kept_photos
from tickets.forms import IntakeForm
from tickets.models import Channel

from . import selectors, services
from .forms import AssignForm, DiscardForm
from .models import InboundAttachment, InboundMessage


def _message(request, pk: int) -> InboundMessage:
    return get_object_or_404(selectors.messages_for(request.user), pk=pk)


@action_required("mailin.view")
def inbox(request):
    tab = request.GET.get("tab", "open")
    if tab not in selectors.TABS or (
        tab != "open" and tab != "done" and not can(request.user, "mailin.view_all")
    ):
        tab = "open"
    context = {
        "rows": selectors.inbox(request.user, tab)[:200],
        "tab": tab,
        "tabs": [("open", _("To handle")), ("done", _("Already handled"))]
        + (
            [("ignored", _("Ignored")), ("failed", _("Could not be read"))]
            if can(request.user, "mailin.view_all")
            else []
        ),
        "mailboxes": selectors.mailbox_states() if can(request.user, "mailin.view_all") else [],
    }
    return render(request, "mailin/inbox.html", context)


@action_required("mailin.view")
def detail(request, pk: int):
    message = _message(request, pk)
    return render(request, "mailin/detail.html", _detail_context(request, message))


def _detail_context(request, message, discard_form=None, assign_form=None) -> dict:
    return {
        "m": message,
        "attachments": list(message.attachments.all()),
        "may_handle": message.is_open and can(request.user, "mailin.handle", message),
        "may_assign": message.status == InboundMessage.Status.UNMATCHED
        and can(request.user, "mailin.assign"),
        "discard_form": discard_form or DiscardForm(),
        "assign_form": assign_form or AssignForm(),
    }


def _initial(message: InboundMessage) -> dict:
    words = message.body.strip()
    return {
        "customer": message.customer,
        "channel": Channel.EMAIL,
        "caller_name": message.contact.name if message.contact else message.from_name,
        "caller_phone": message.contact.phone if message.contact else "",
        "customer_words": words[:5000],
        "description": (message.subject + "\n" + words)[:5000] if message.subject else words[:5000],
    }


@action_required("mailin.view")
def confirm(request, pk: int):
    """The intake form, filled in from the mail; saving it logs the complaint."""
    message = _message(request, pk)
    if not can(request.user, "mailin.handle", message):
        raise PermissionDenied
    if message.status != InboundMessage.Status.DRAFT and request.method != "POST":
        messages.info(request, _("This e-mail has already been handled."))
        return redirect(message)
    form = IntakeForm(request.POST or None, request.FILES or None, initial=_initial(message))
    token = kept_photos.uuid_or_none(form["intake_token"].value())
    if request.method == "POST" and token:
        kept_photos.photos_discard(
            by=request.user, intake_token=token, uids=request.POST.getlist("discard_photos")
        )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.mail_confirm(message=message, by=request.user, **form.cleaned_data)
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Ticket %(number)s saved.") % {"number": ticket.number})
            return redirect(ticket)
    if request.method == "POST" and token:
        uploads = getattr(form, "cleaned_data", {}).get("photos") or []
        kept_photos.photos_keep(by=request.user, intake_token=token, uploads=uploads)
    context = {
        "form": form,
        "mail": message,
        "mail_images": [a for a in message.attachments.all() if a.is_image],
        "kept_photos": kept_photos.photos_kept(by=request.user, intake_token=token)
        if request.method == "POST" and token
        else [],
    }
    return render(request, "mailin/confirm.html", context)


@require_POST
@action_required("mailin.view")
def discard(request, pk: int):
    message = _message(request, pk)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            services.mail_discard(message=message, by=request.user, reason=form.cleaned_data["reason"])
        except Conflict as exc:  # handled meanwhile (another tab, the other person)
            flash(request, exc)
            return redirect(message)
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The e-mail was set aside."))
            return redirect("mailin:list")
    return render(
        request, "mailin/detail.html", _detail_context(request, message, discard_form=form), status=400
    )


@require_POST
@action_required("mailin.assign")
def assign(request, pk: int):
    message = _message(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.mail_assign(message=message, by=request.user, customer=form.cleaned_data["customer"])
        except AppError as exc:
            flash(request, exc)
        else:
            messages.success(
                request, _("The e-mail is now a draft complaint of %(c)s.") % {"c": message.customer}
            )
        return redirect(message)
    return render(
        request, "mailin/detail.html", _detail_context(request, message, assign_form=form), status=400
    )


@login_required
def attachment(request, uid):
    """An attachment of a mail the user may see, as a download, if its type is one we serve."""
    item = get_object_or_404(InboundAttachment.objects.select_related("message"), uid=uid)
    visible = selectors.messages_for(request.user).filter(pk=item.message_id).exists()
    if not visible and not (item.message.ticket_id and can(request.user, "tickets.view")):
        raise Http404
    if not item.extension:
        raise Http404
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@action_required("mailin.view_all")
def raw(request, pk: int):
    """The mail as it came (.eml), for the sales managers: what failed can be read elsewhere."""
    message = _message(request, pk)
    response = FileResponse(
        message.raw.open("rb"),
        as_attachment=True,
        filename=f"mail-{message.pk}.eml",
        content_type="message/rfc822",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
