from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import can
from apperrors.exceptions import AppError
from apperrors.forms import add_to_form

from .forms import ReplyTemplateForm
from .models import ReplyTemplate
from .placeholders import described
from .services import reply_template_save
from .techniques import TECHNIQUES


@login_required
def template_list(request):
    if not can(request.user, "phrases.view"):
        raise PermissionDenied
    rows = ReplyTemplate.objects.order_by("-active", "use", "title")
    return render(
        request,
        "phrases/list.html",
        {
            "templates": rows,
            "techniques": TECHNIQUES.values(),
            "placeholders": described(),
            "may_edit": can(request.user, "phrases.edit"),
        },
    )


@login_required
def template_edit(request, pk: int | None = None):
    if not can(request.user, "phrases.edit"):
        raise PermissionDenied
    row = get_object_or_404(ReplyTemplate, pk=pk) if pk else None
    initial = {"title": row.title, "use": row.use, "body": row.body, "active": row.active} if row else None
    form = ReplyTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reply_template_save(by=request.user, template=row, **form.cleaned_data)
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Template saved."))
            return redirect("phrases:list")
    return render(request, "phrases/edit.html", {"form": form, "row": row, "placeholders": described()})
