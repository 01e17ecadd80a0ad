"""The documents card on a record's page (ui.panels, registered with the record's attachable):
what is filed on it, a download link each, and the form to file one."""

from django.template.loader import render_to_string

from accounts.permissions import can

from .attachables import attachable_of
from .forms import AttachmentForm
from .selectors import attachments_read


def record_documents_reads(request, record) -> dict:
    attachable = attachable_of(record)
    if attachable is None or not can(request.user, attachable.view, record):
        return {}
    return {"attachments": attachments_read(record)}


def record_documents_panel(request, record, rows) -> str:
    if "attachments" not in rows:
        return ""
    attachable = attachable_of(record)
    return render_to_string(
        "documents/_record_documents.html",
        {
            "record": record,
            "word": attachable.word,
            "attachments": rows["attachments"],
            "form": AttachmentForm() if can(request.user, "documents.attach") else None,
        },
        request=request,
    )
