"""The card QC's "my work" shows (ui.panels): customer improvement requests left open after
both signatures, to track and close. Registered in InstallationsConfig.ready()."""

from django.template.loader import render_to_string

from .selectors import improvements_card


def my_work_improvements_panel(request, user) -> str:
    data = improvements_card(user)
    if not data["issues"]:
        return ""
    return render_to_string("installations/_improvements_due.html", data, request=request)
