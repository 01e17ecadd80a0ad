"""The form renderer (settings.FORM_RENDERER): Django's, remembering the HTML it drew.

Every form field on a page is drawn through a template or two (the widget's, its attrs.html,
one per option of a select): on the ticket page the same unbound boxes (a note, a photo
upload, a document's kind) cost more than the rest of its forms' work together. A widget's
HTML is a function of its template, its context (name, value, attributes, options, their
labels) and the active language only, so this renderer keeps the HTML per exact context:
plain values with their types (True is not 1, a safe string is not a str), lazy texts as they
read in the active language. A context holding anything else (a form, a model instance, a
ModelChoiceField's option values) is drawn every time, as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

_PLAIN = frozenset({str, SafeString, int, float, bool, type(None)})
_KEPT = 1024  # contexts remembered per process; past that the memory starts again from empty


class _Unplain(Exception):
    pass


def _frozen(value):
    kind = type(value)
    if kind in _PLAIN:
        return (kind, value)
    if isinstance(value, Promise):
        text = str(value)
        return (Promise, type(text), text)
    if kind is dict:
        return (dict, tuple((key, _frozen(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (kind, tuple(_frozen(item) for item in value))
    raise _Unplain


class RememberingRenderer(DjangoTemplates):
    def __init__(self):
        super().__init__()
        self._drawn: dict[tuple, str] = {}

    def render(self, template_name, context, request=None):
        if request is not None:
            return super().render(template_name, context, request)
        try:
            key = (template_name, get_language(), _frozen(context))
        except _Unplain:
            return super().render(template_name, context, request)
        html = self._drawn.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            if len(self._drawn) >= _KEPT:
                self._drawn.clear()
            self._drawn[key] = html
        return html
