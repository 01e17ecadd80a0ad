"""Every problem of a form at once (issue 15 point 4): the service's own rules run with the
fields' checks, and the summary at the top links each problem to its field."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from objections.models import Objection
from tests.objections.test_pages import _post

pytestmark = pytest.mark.django_db


def _summary(body: str) -> list[tuple[str, str]]:
    block = re.search(r'id="error-summary".*?</ul>', body, re.S)
    assert block, "no error summary"
    return re.findall(r'href="#([^"]+)"[^>]*>([^<]+)</a>', block.group(0))


def test_a_hidden_objection_without_its_reason_is_said_with_the_other_problems(client, make_user):
    client.force_login(make_user(Role.SALES))
    response = client.post(reverse("objections:log"), _post(words="", hidden_belief="", stage=""))
    body = response.content.decode()
    assert response.status_code == 200 and not Objection.objects.exists()
    linked = dict(_summary(body))
    assert {"id_words", "id_hidden_belief", "id_stage_0"} <= set(linked)  # a radio group: its first
    assert "隐藏的异议必须填写您判断的背后真实原因" in body
    assert "请更正以下 3 处问题" in body


def test_a_promise_without_its_time_is_said_at_once_too(client, make_user):
    client.force_login(make_user(Role.SALES))
    response = client.post(reverse("objections:log"), _post(words="", find_out_due_at=""))
    linked = dict(_summary(response.content.decode()))
    assert {"id_words", "id_find_out_due_at"} <= set(linked)
    assert not Objection.objects.exists()


def test_the_intake_form_sums_up_its_problems(client, make_user):
    client.force_login(make_user(Role.SALES))
    response = client.post(reverse("tickets:intake"), {"caller_name": "王工"})
    linked = dict(_summary(response.content.decode()))
    assert {"id_customer", "id_customer_words", "id_description"} <= set(linked)
