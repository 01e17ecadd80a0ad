"""The reply-template card on a complaint's page (ui.panels): the library's texts filled with
this complaint's customer, number and promised call-back time, ready to read out or copy."""

from django.template.loader import render_to_string

from accounts.permissions import can
from ui.batch import prepared_rows

from .selectors import active_templates, filled


def record_replies_reads(request, record) -> dict:
    if not can(request.user, "phrases.edit"):  # the people who speak with customers
        return {}
    return {"templates": prepared_rows("phrases.active_templates", active_templates)}


def record_replies_panel(request, record, rows) -> str:
    if "templates" not in rows:
        return ""
    replies = filled(rows["templates"], record, request.user)
    if not replies:
        return ""
    return render_to_string("phrases/_record_replies.html", {"replies": replies}, request=request)
