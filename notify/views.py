from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from security.params import next_path

from .selectors import notifications_for, ready_to_show, unread_count
from .services import notification_mark_read


@login_required
def notification_list(request):
    """My notifications, newest first; a user never sees anyone else's."""
    rows = notifications_for(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    page.object_list = ready_to_show(page.object_list, request.user)
    return render(
        request,
        "notify/notifications.html",
        {"page": page, "unread_only": unread_only, "unread_total": unread_count(request.user)},
    )


@require_GET
@never_cache
def notification_menu(request):
    """The header's bell alone, polled by htmx so a page left open all day shows what came in.
    A session that has ended answers 286, which tells htmx to stop polling (rather than
    swapping the login page into the header)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    target = next_path(request.GET, reverse("notifications"), request)
    return render(request, "notify/_notification_menu.html", {"next_path": target})


@login_required
def notification_open(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    row = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(user=request.user, ids=[row.pk])
    target = row.path
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request, pk: int | None = None):
    """Mark one (or, without pk, all) of my notifications read."""
    if pk is not None:
        get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(user=request.user, ids=None if pk is None else [pk])
    return HttpResponseRedirect(next_path(request.POST, reverse("notifications"), request))
