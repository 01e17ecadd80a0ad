from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Attachment
from .validation import ACCEPTED


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", "—"), *Attachment.Kind.choices])
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update(
            {"class": "form-control", "accept": ",".join(f".{ext}" for ext in ACCEPTED) + ",.jpeg"}
        )
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, PowerPoint or a scan (JPG, PNG); at most %(mb)s MB."
        ) % {"mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}
