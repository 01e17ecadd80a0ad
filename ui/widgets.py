"""Form widgets shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _


class FilterableSelect(forms.Select):
    """A select with a find box above it (static/js/app.js): customer and product lists run
    to thousands, and the person at the keyboard knows a code or part of a name."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-filterable": _("Find by code or name"), **(attrs or {})}, choices)
