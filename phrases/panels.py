"""The reply-template card on a complaint's page (ui.panels): the library's texts filled with
this complaint's customer, number and promised call-back time, ready to read out or copy."""

from django.template.loader import render_to_string

from accounts.permissions import can

from .selectors import replies_for


def record_replies_panel(request, record) -> str:
    if not can(request.user, "phrases.edit"):  # the people who speak with customers
        return ""
    replies = replies_for(record, request.user)
    if not replies:
        return ""
    return render_to_string("phrases/_record_replies.html", {"replies": replies}, request=request)
