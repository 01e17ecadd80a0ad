from django import forms
from django.utils.translation import gettext_lazy as _

from security.limits import TEXT_MAX

from .models import ReplyTemplate


class ReplyTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    use = forms.ChoiceField(label=_("Used when"), choices=[("", "—"), *ReplyTemplate.Use.choices])
    body = forms.CharField(label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = (
                "form-check-input" if name == "active" else "form-select" if name == "use" else "form-control"
            )
            field.widget.attrs["class"] = css
