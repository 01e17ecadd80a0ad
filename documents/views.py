from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can
from apperrors.exceptions import AppError
from apperrors.forms import add_to_form

from .attachables import ATTACHABLES, attachable_of
from .forms import AttachmentForm
from .models import Attachment
from .services import attachment_add, download_response


@login_required
@require_POST
def attach(request, word: str, pk: int):
    """File a document on a record (its card posts here). A refused file comes back on a page
    of its own, with the reason; the browser cannot resend a file, so it must be chosen again."""
    attachable = ATTACHABLES.get(word)
    if attachable is None:
        raise Http404
    record = get_object_or_404(attachable.model_class(), pk=pk)
    if not can(request.user, attachable.view, record):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    form.action = request.path
    if form.is_valid():
        try:
            attachment_add(
                record=record,
                by=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Document filed: %(name)s.") % {"name": form.cleaned_data["file"].name}
            )
            return redirect(f"{record.get_absolute_url()}#documents")
    return render(
        request, "documents/attach.html", {"form": form, "record": record, "word": word}, status=400
    )


@login_required
def download(request, uid):
    """A filed document, for those who may see its record."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("document", "source_type"), document__uid=uid
    )
    record = attachment.source
    attachable = attachable_of(record) if record is not None else None
    if attachable is None or not can(request.user, attachable.view, record):
        raise Http404  # not "forbidden": whether the file exists is not told either
    return download_response(attachment.document)
