"""Choice labels without get_FOO_display()'s cost.

Django's get_FOO_display() hashes every lazy choice label on each call, a translation
lookup each: fifty list rows with four such columns made a thousand lookups per page.
Here each field's labels are translated once per language and kept.
"""

import functools

from django.db import models
from django.utils.translation import get_language


def choice_labels(model: type[models.Model], field_name: str) -> dict:
    """{stored value: label} of a field with choices, in the active language."""
    return _labels(model._meta.get_field(field_name), get_language())


def choice_label(obj: models.Model, field_name: str):
    """What obj.get_<field_name>_display() gives."""
    value = getattr(obj, obj._meta.get_field(field_name).attname)
    return choice_labels(type(obj), field_name).get(value, value)


@functools.lru_cache(maxsize=256)
def _labels(field, language: str) -> dict:
    return {value: str(text) for value, text in field.flatchoices}
