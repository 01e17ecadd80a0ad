from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .channels import robot_url_problem
from .models import Notification, NotifyPreference, RobotAttempt, RobotDelivery, RobotWebhook
from .services import notification_retry, robot_delivery_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Failed and uncertain rows are the admin's to look at: filter by status, then retry."""

    list_display = ("subject", "recipient", "status", "attempts", "next_attempt_at", "created_at", "sent_at")
    list_filter = ("status", "event", "cc")
    search_fields = ("subject", "key", "recipient__username", "recipient__email")
    raw_id_fields = ("recipient",)
    readonly_fields = (
        "key",
        "claimed_at",
        "sent_at",
        "read_at",
        "created_at",
        "attempts",
        "last_error",
        "robot_messages",
    )
    actions = ["retry"]

    @admin.action(description=_("Send the selected failed or uncertain notifications again"))
    def retry(self, request, queryset):
        count = notification_retry(ids=queryset.values_list("pk", flat=True), by=request.user)
        self.message_user(
            request,
            _("%(count)s notification(s) queued again. Uncertain ones may reach their recipient twice.")
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.display(description=_("robot messages"))
    def robot_messages(self, obj):
        rows = obj.robot_deliveries.all()
        lines = ((d.robot_name, d.get_status_display(), d.last_error) for d in rows)
        return format_html_join("\n", "<div>{} · {} · {}</div>", lines) or "—"


class RobotWebhookForm(forms.ModelForm):
    """The secret is write-only: never put back into the page; left blank, it is kept."""

    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Notifications to people holding these roles are posted to this robot (shared robots)."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "DingTalk 加签 (SEC…) or Feishu 签名校验. Leave blank to keep the current one; "
            "WeCom robots have none."
        ),
    )
    clear_secret = forms.BooleanField(label=_("remove the signing secret"), required=False)

    class Meta:
        model = RobotWebhook
        fields = ("name", "platform", "url", "secret", "clear_secret", "roles", "owner", "active")

    def clean(self):
        data = super().clean()
        problem = robot_url_problem(data.get("platform", ""), data.get("url", ""))
        if problem:
            self.add_error("url", problem)
        return data

    def save(self, commit=True):
        robot = super().save(commit=False)
        if self.cleaned_data.get("clear_secret"):
            robot.secret = ""
        elif not self.cleaned_data.get("secret"):
            robot.secret = self.initial.get("secret", "") if self.instance.pk else ""
        if commit:
            robot.save()
        return robot


@admin.register(RobotWebhook)
class RobotWebhookAdmin(admin.ModelAdmin):
    """Shared group robots by role; personal ones (with an owner) are also managed by their
    owners on their notification settings page. Lists show the address masked, never the secret."""

    form = RobotWebhookForm
    list_display = ("name", "platform", "role_list", "owner", "active", "masked_url", "signed", "created_at")
    list_filter = ("platform", "active", ("owner", admin.EmptyFieldListFilter))
    search_fields = ("name",)
    raw_id_fields = ("owner",)

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        labels = dict(Role.choices)
        return "、".join(str(labels.get(r, r)) for r in obj.roles) or "—"

    @admin.display(description=_("webhook address"))
    def masked_url(self, obj):
        return obj.masked_url

    @admin.display(description=_("signed"), boolean=True)
    def signed(self, obj):
        return bool(obj.secret)


class RobotAttemptInline(admin.TabularInline):
    model = RobotAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "outcome", "status_code", "seconds", "response", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RobotDelivery)
class RobotDeliveryAdmin(admin.ModelAdmin):
    """One message of one event to one robot, with every attempt: the HTTP status, the first
    bytes of the answer, the error. Failed and uncertain ones can be posted again."""

    list_display = (
        "robot_name",
        "event_key",
        "status",
        "attempts",
        "last_error_short",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "robot__platform")
    search_fields = ("key", "robot_name")
    fields = (
        "robot_name",
        "key",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields
    inlines = [RobotAttemptInline]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description=_("event"))
    def event_key(self, obj):
        return obj.key.rsplit(":robot:", 1)[0]

    @admin.display(description=_("last error"))
    def last_error_short(self, obj):
        return obj.last_error[:80]

    @admin.display(description=_("recipients"))
    def recipients(self, obj):
        return "、".join(str(n.recipient) for n in obj.notifications.select_related("recipient")) or "—"

    @admin.action(description=_("Post the selected failed or uncertain robot messages again"))
    def retry(self, request, queryset):
        count = robot_delivery_retry(ids=queryset.values_list("pk", flat=True), by=request.user)
        self.message_user(
            request,
            _("%(count)s robot message(s) queued again. Uncertain ones may appear in the group twice.")
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(NotifyPreference)
class NotifyPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email")
    list_filter = ("email",)
    raw_id_fields = ("user",)
