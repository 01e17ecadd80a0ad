"""The fast template helpers give what Django's slower built-ins give, in either language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from objections.models import Objection

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
