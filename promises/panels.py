"""The promises card on a record's page (ui.panels): what was promised to the customer about
this complaint, kept, broken or rescheduled, and the forms to promise or agree a new time."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.permissions import can

from .forms import CommitmentForm, RescheduleForm
from .selectors import arranged, commitments_read


def record_promises_reads(request, record) -> dict:
    return {"promises": commitments_read(record)}


def record_promises_panel(request, record, rows) -> str:
    promises = arranged(rows["promises"])
    owners = {}
    for c in promises:  # one owner object per person: their managers are read once (commitments.close)
        c.owner = owners.setdefault(c.owner_id, c.owner)
    may_make = can(request.user, "commitments.make", record)
    if not promises and not may_make:
        return ""
    for c in promises:
        c.may_close = c.status == c.Status.OPEN and can(request.user, "commitments.close", c)
    return render_to_string(
        "promises/_record_promises.html",
        {
            "record": record,
            "label": record._meta.model_name,
            "promises": promises,
            "may_make": may_make,
            "form": CommitmentForm(),
            "reschedule_form": RescheduleForm(),
            "now": timezone.now(),
        },
        request=request,
    )
