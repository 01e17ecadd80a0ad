"""The fast template helpers give what Django's slower built-ins give, in either language."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from masterdata.models import Customer
from objections.models import Objection
from tests.factories import CustomerFactory
from ui.widgets import FilterableSelect

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_label_is_what_get_display_gives_in_the_active_language(language):
    o = Objection(stage="negotiation", outcome="won", genuineness="hidden")
    with translation.override(language):
        rendered = Template('{% load ui_tags %}{{ o|label:"stage" }}|{{ o|label:"outcome" }}').render(
            Context({"o": o})
        )
        assert rendered == f"{o.get_stage_display()}|{o.get_outcome_display()}"
    assert ("商谈" in rendered) == (language == "zh-hans")


def test_label_of_a_value_outside_the_choices_is_the_value():
    o = Objection(stage="legacy-stage")
    assert Template('{% load ui_tags %}{{ o|label:"stage" }}').render(Context({"o": o})) == "legacy-stage"


def test_fast_select_escapes_keeps_the_choice_and_the_widget_attributes():
    hostile = CustomerFactory(name='<script>alert("x")</script>')
    other = CustomerFactory(name="大庆油田")

    class F(forms.Form):
        customer = forms.ModelChoiceField(Customer.objects.order_by("pk"), widget=FilterableSelect)

    html = Template("{% load ui_tags %}{{ f.customer|fast_select }}").render(
        Context({"f": F({"customer": other.pk})})
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f'<option value="{other.pk}" selected>' in html and f'<option value="{hostile.pk}">' in html
    assert 'name="customer"' in html and 'id="id_customer"' in html and "data-filterable=" in html
    assert html.count("<option") == 3  # the empty choice and both customers
