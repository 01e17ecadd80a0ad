from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apperrors.exceptions import AppError
from apperrors.forms import add_to_form, flash
from security.params import next_path

from .forms import NotifySettingsForm, PersonalRobotForm
from .models import RobotDelivery
from .selectors import email_wanted, notifications_for, personal_robots, ready_to_show, unread_count
from .services import (
    notification_mark_read,
    notify_preference_set,
    personal_robot_add,
    personal_robot_remove,
)


@login_required
def notification_list(request):
    """My notifications, newest first; a user never sees anyone else's."""
    rows = notifications_for(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    # How each one went out beside the bell: the mail's status and each robot's, with its last error.
    rows = rows.prefetch_related(
        Prefetch("robot_deliveries", queryset=RobotDelivery.objects.select_related("robot").order_by("pk"))
    )
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


@login_required
def notification_settings(request):
    """How I am told: e-mail on or off, and my own group robots (WeCom, DingTalk, Feishu)."""
    settings_form = NotifySettingsForm(initial={"email": email_wanted(request.user)})
    robot_form = PersonalRobotForm()
    if request.method == "POST":
        if request.POST.get("form") == "robot":
            robot_form = PersonalRobotForm(request.POST)
            if robot_form.is_valid():
                try:
                    personal_robot_add(user=request.user, **robot_form.cleaned_data)
                except AppError as exc:
                    add_to_form(robot_form, exc)
                else:
                    messages.success(request, _("Robot added. Your next notifications are posted there too."))
                    return redirect("notification-settings")
        else:
            settings_form = NotifySettingsForm(request.POST)
            if settings_form.is_valid():
                notify_preference_set(user=request.user, email=settings_form.cleaned_data["email"])
                messages.success(request, _("Notification settings saved."))
                return redirect("notification-settings")
    return render(
        request,
        "notify/settings.html",
        {"settings_form": settings_form, "robot_form": robot_form, "robots": personal_robots(request.user)},
    )


@login_required
@require_POST
def personal_robot_remove_view(request, pk: int):
    try:
        personal_robot_remove(user=request.user, pk=pk)
    except AppError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("Robot removed."))
    return redirect("notification-settings")
