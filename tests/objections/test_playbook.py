import pytest
from django.urls import reverse

from accounts.roles import Role
from objections.models import Objection
from objections.selectors import playbook
from tests.objections.factories import ObjectionFactory, closed

pytestmark = pytest.mark.django_db
T = Objection.Technique
OUT = Objection.Outcome


def _price_rows(min_cases=5):
    (section,) = [s for s in playbook(min_cases=min_cases) if s.type.code == "price"]
    return section


def test_best_response_comes_first_and_thin_ones_are_left_out():
    closed(OUT.WON, technique=T.YES_BUT, n=4)
    closed(OUT.LOST, technique=T.YES_BUT, n=2)  # 4/6
    closed(OUT.RESOLVED, technique=T.EVIDENCE, n=5)
    closed(OUT.LOST, technique=T.EVIDENCE, n=1)  # 5/6 -> best
    closed(OUT.WON, technique=T.COMPENSATION, n=4)  # 4 cases: below the threshold
    ObjectionFactory(technique=T.DIRECT_DENIAL)  # pending: not a case at all
    section = _price_rows()
    assert [r.technique for r in section.rows] == [T.EVIDENCE, T.YES_BUT]
    assert section.rows[0].success_percent == 83 and section.rows[0].cases == 6
    assert section.thin_responses == 1 and section.thin_cases == 4


def test_equal_rates_rank_the_response_with_more_cases_first():
    closed(OUT.WON, technique=T.QUESTIONING, n=5)
    closed(OUT.WON, technique=T.TURN_AROUND, n=7)
    assert [r.technique for r in _price_rows().rows] == [T.TURN_AROUND, T.QUESTIONING]


def test_threshold_comes_from_the_setting(settings, client, make_user):
    closed(OUT.WON, technique=T.QUESTIONING, n=3)
    settings.PLAYBOOK_MIN_CASES = 3
    assert [r.technique for r in _price_rows(min_cases=None).rows] == [T.QUESTIONING]
    settings.PLAYBOOK_MIN_CASES = 4
    assert _price_rows(min_cases=None).rows == []
    client.force_login(make_user(Role.SALES))
    body = client.get(reverse("objections:playbook")).content.decode()
    assert "至少有 4 个已结案例" in body and "尚不足以给应对方法排名" in body


def test_types_are_kept_apart_and_examples_are_answers_that_worked():
    closed(OUT.WON, technique=T.YES_BUT, n=5, response="是的，贵一点，但寿命长一倍")
    closed(OUT.LOST, technique=T.YES_BUT, n=5, type_code="timing", response="没用的答复")
    price = _price_rows()
    assert price.rows[0].examples == ["是的，贵一点，但寿命长一倍"]  # the same answer once
    (timing,) = [s for s in playbook(min_cases=5) if s.type.code == "timing"]
    assert timing.rows[0].success_rate == 0 and timing.rows[0].examples == []


def test_playbook_page_shows_rates_best_first(client, make_user):
    closed(OUT.WON, technique=T.EVIDENCE, n=5)
    closed(OUT.LOST, technique=T.IGNORE, n=5)
    client.force_login(make_user(Role.SALES))
    body = client.get(reverse("objections:playbook")).content.decode()
    assert body.index("举证法") < body.index("忽视法") and "100%" in body and "0%" in body


def test_too_few_cases_to_rank_still_shows_what_was_tried_and_said(client, make_user):
    closed(OUT.WON, technique=T.EVIDENCE, n=2, response="给客户看了大庆油田的使用报告")
    closed(OUT.LOST, technique=T.YES_BUT, n=1)
    section = _price_rows()
    assert section.rows == [] and [r.technique for r in section.unrated] == [T.EVIDENCE, T.YES_BUT]
    assert section.unrated[0].examples == ["给客户看了大庆油田的使用报告"]
    client.force_login(make_user(Role.SALES))
    body = client.get(reverse("objections:playbook")).content.decode()
    assert "目前只有 3 个已结案例" in body and "大庆油田的使用报告" in body
    assert "另有" not in body  # "N more …" reads wrong with nothing listed above it
