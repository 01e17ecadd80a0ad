"""What the inbox shows on other pages (ui registries, AppConfig.ready()): the mail of a ticket
on its page, and the home page's card of drafts to confirm."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can
from ui.batch import prepared_rows
from ui.dashboard import DashboardCard

from .selectors import mail_of_ticket, open_count


def ticket_mail_reads(request, ticket) -> dict:
    return {"mail": prepared_rows("mailin.ticket_mail", mail_of_ticket, ticket)}


def ticket_mail_panel(request, ticket, rows) -> str:
    rows = rows["mail"]
    if not rows:
        return ""
    return render_to_string("mailin/_ticket_mail.html", {"rows": rows}, request=request)


def inbox_card(user) -> DashboardCard | None:
    if not can(user, "mailin.view"):
        return None
    return DashboardCard(title=_("E-mails to confirm"), count=open_count(user), url=reverse("mailin:list"))
