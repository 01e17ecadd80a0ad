from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RobotWebhook


class NotifySettingsForm(forms.Form):
    email = forms.BooleanField(
        label=_("Send my notifications by e-mail"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_("The bell at the top of the page shows every notification either way."),
    )


class PersonalRobotForm(forms.Form):
    platform = forms.ChoiceField(
        label=_("platform"),
        choices=RobotWebhook.Platform.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label=_("name"),
        max_length=64,
        help_text=_("e.g. the group's name"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    url = forms.CharField(
        label=_("webhook address"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        help_text=_("Copied from the robot's settings in the group (it contains the robot's key)."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(
            render_value=False, attrs={"class": "form-control", "autocomplete": "new-password"}
        ),
        help_text=_("Only if the robot has signing turned on (DingTalk 加签, Feishu 签名校验)."),
    )
