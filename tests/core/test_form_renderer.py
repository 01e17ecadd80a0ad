"""The form renderer that remembers widgets' HTML (ui.renderers) draws exactly what Django's
own renderer draws, in either language, for unbound and bound forms alike."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from documents.forms import AttachmentForm
from promises.forms import CommitmentForm
from tickets.forms import IntakeForm, NoteForm, PhotoForm
from ui.renderers import RememberingRenderer

pytestmark = pytest.mark.django_db


TOKEN = "0b7c6d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e"  # the intake form's own is new each time


def drawn(form_class, renderer, data=None):
    form = form_class(data, initial={"intake_token": TOKEN}, renderer=renderer)
    if data is not None:
        form.is_valid()
    return [str(field) for field in form] + [str(form.non_field_errors())]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("form_class", [IntakeForm, NoteForm, PhotoForm, AttachmentForm, CommitmentForm])
def test_forms_are_drawn_as_djangos_renderer_draws_them(language, form_class):
    remembering = RememberingRenderer()
    with translation.override(language):
        expected_blank = drawn(form_class, DjangoTemplates())
        expected_sent = drawn(form_class, DjangoTemplates(), data={"text": "<b>要看</b>", "internal": "on"})
        for _ in range(2):  # drawn, then remembered
            assert drawn(form_class, remembering) == expected_blank
            assert (
                drawn(form_class, remembering, data={"text": "<b>要看</b>", "internal": "on"})
                == expected_sent
            )


def test_a_new_intake_form_gets_its_own_token_drawn():
    remembering = RememberingRenderer()
    first, second = (str(IntakeForm(renderer=remembering)["intake_token"]) for _ in range(2))
    assert first != second


def test_the_same_form_in_the_other_language_is_drawn_in_that_language():
    remembering = RememberingRenderer()
    with translation.override("zh-hans"):
        chinese = drawn(AttachmentForm, remembering)
    with translation.override("en"):
        english = drawn(AttachmentForm, remembering)
        assert english == drawn(AttachmentForm, DjangoTemplates())
    assert chinese != english


class Flags(forms.Form):
    flag = forms.CharField(widget=forms.TextInput(attrs={"data-on": True}))
    one = forms.CharField(widget=forms.TextInput(attrs={"data-on": 1}))
    safe = forms.CharField(widget=forms.TextInput(attrs={"title": "<b>"}))


def test_values_that_compare_equal_but_draw_differently_are_told_apart():
    remembering = RememberingRenderer()
    form = Flags(renderer=remembering)
    html = {name: str(form[name]) for name in ("flag", "one", "safe")}
    assert " data-on" in html["flag"] and 'data-on="' not in html["flag"]  # True: the bare attribute
    assert 'data-on="1"' in html["one"]
    assert "&lt;b&gt;" in html["safe"]
    assert html == {name: str(Flags(renderer=DjangoTemplates())[name]) for name in html}
