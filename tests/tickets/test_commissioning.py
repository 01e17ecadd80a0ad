"""Installation & commissioning (§3-5.3): issue list, two sign-offs in either order, QC
verification; wrong role / wrong state / bad input refused in Chinese with nothing changed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from installations import services as c
from notify.models import Notification
from tests.factories import CustomerFactory, ShipmentFactory
from tickets.errors import MissingData, NotAllowed, WrongState
from tickets.models import Installation

from .test_pages import main_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def inst(people, shipment):
    return c.installation_create(
        by=people.pm,
        customer=shipment.customer,
        shipment=shipment,
        title="3 号井口装置安装",
        site="长庆 12 号井场",
    )


def _conference(inst, people, **kw):
    return c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="压力表读数偏高",
        handling=kw.pop("handling", "conference"),
        source=kw.pop("source", "quality"),
        conference_participants="技术部张工、项目经理",
        conference_at=timezone.now() - datetime.timedelta(hours=1),
        conference_decision="更换压力表,由生产部发货",
        **kw,
    )


def _fresh(inst) -> Installation:
    return Installation.objects.get(pk=inst.pk)


def test_issues_fixed_on_site_and_by_conference_then_both_sign_and_qc_verifies(inst, people):
    on_site = c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="法兰螺栓松动",
        source="quality",
        handling="on_site",
        resolution="已紧固",
    )
    assert on_site.is_fixed
    raised = _conference(inst, people)
    assert not raised.is_fixed
    c.installation_issue_fix(issue=raised, by=people.lead, resolution="更换压力表")
    c.installation_sign(
        installation=inst, by=people.prod, capacity="production", rectification="两项问题已整改"
    )
    assert _fresh(inst).status == Installation.Status.OPEN  # one signature is not enough
    c.installation_sign(installation=inst, by=people.pm, capacity="project")
    assert _fresh(inst).status == Installation.Status.SIGNED
    done = c.installation_verify(installation=inst, by=people.qc, note="复查合格")
    assert done.status == Installation.Status.VERIFIED and done.verified_by == people.qc


def test_each_step_tells_the_next_people(inst, people, mailoutbox, django_capture_on_commit_callbacks):
    def told(event):
        return {n.recipient.username for n in Notification.objects.filter(event=event)}

    raised = _conference(inst, people)
    assert not Notification.objects.filter(event__startswith="installation.").exists()
    with django_capture_on_commit_callbacks(execute=True):
        c.installation_issue_fix(issue=raised, by=people.lead, resolution="更换压力表")
    assert told("installation.ready") == {"pm", "prod"}  # the last open issue fixed: sign now
    assert any(m.subject.endswith("3 号井口装置安装：问题点已全部整改,请签字") for m in mailoutbox)

    c.installation_sign(installation=inst, by=people.prod, capacity="production", rectification="已整改")
    assert told("installation.signed") == {"pm"}  # the other manager, not the signer
    with pytest.raises(WrongState):  # a refused signature tells nobody
        c.installation_sign(installation=inst, by=people.prod, capacity="production")
    assert Notification.objects.filter(event="installation.signed").count() == 1

    c.installation_sign(installation=inst, by=people.pm, capacity="project")
    assert told("installation.to_verify") == {"qc"}
    assert Notification.objects.filter(event="installation.signed").count() == 1


def test_qc_cannot_verify_before_both_sign_offs(inst, people):
    with pytest.raises(WrongState) as exc:
        c.installation_verify(installation=inst, by=people.qc, note="x")
    assert "项目经理和生产经理" in exc.value.message
    c.installation_sign(installation=inst, by=people.pm, capacity="project", rectification="无问题")
    with pytest.raises(WrongState):
        c.installation_verify(installation=inst, by=people.qc, note="x")
    assert _fresh(inst).verified_at is None


def test_an_open_issue_blocks_the_sign_off(inst, people):
    _conference(inst, people)
    with pytest.raises(WrongState) as exc:
        c.installation_sign(installation=inst, by=people.pm, capacity="project", rectification="x")
    assert "所有质量和设计问题解决后" in exc.value.message
    assert _fresh(inst).pm_signed_by is None


def test_a_new_issue_voids_a_signature_given_to_the_old_list(inst, people):
    c.installation_sign(installation=inst, by=people.pm, capacity="project", rectification="无问题")
    c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="漏油",
        source="quality",
        handling="on_site",
        resolution="换密封圈",
    )
    assert _fresh(inst).pm_signed_by is None


@pytest.mark.parametrize(
    "who, capacity", [("pm", "production"), ("prod", "project"), ("qc", "project"), ("sales", "production")]
)
def test_each_manager_signs_only_in_their_own_capacity(inst, people, who, capacity):
    with pytest.raises(NotAllowed):
        c.installation_sign(installation=inst, by=getattr(people, who), capacity=capacity, rectification="x")
    assert _fresh(inst).pm_signed_by is None and _fresh(inst).production_signed_by is None


def test_signing_twice_is_refused(inst, people):
    c.installation_sign(installation=inst, by=people.pm, capacity="project", rectification="无问题")
    with pytest.raises(WrongState) as exc:
        c.installation_sign(installation=inst, by=people.pm, capacity="project")
    assert "已经签过字" in exc.value.message


@pytest.mark.parametrize("who", ["pm", "prod", "lead", "sales"])
def test_only_qc_verifies(inst, people, who):
    c.installation_sign(installation=inst, by=people.pm, capacity="project", rectification="无问题")
    c.installation_sign(installation=inst, by=people.prod, capacity="production")
    with pytest.raises(NotAllowed):
        c.installation_verify(installation=inst, by=getattr(people, who), note="x")
    assert _fresh(inst).status == Installation.Status.SIGNED


def test_issues_cannot_be_added_once_signed_by_both(inst, people):
    c.installation_sign(installation=inst, by=people.pm, capacity="project", rectification="无问题")
    c.installation_sign(installation=inst, by=people.prod, capacity="production")
    with pytest.raises(WrongState):
        c.installation_issue_add(
            installation=inst,
            by=people.lead,
            description="x",
            source="quality",
            handling="on_site",
            resolution="y",
        )
    assert not inst.issues.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"description": " ", "handling": "on_site", "resolution": "x"}, "description"),
        ({"description": "x", "handling": "magic"}, "handling"),
        ({"description": "x", "handling": "on_site"}, "resolution"),
        (
            {"description": "x", "handling": "conference", "conference_at": timezone.now()},
            "conference_participants",
        ),
        ({"description": "x", "handling": "conference", "conference_participants": "张工"}, "conference_at"),
        (
            {
                "description": "x",
                "handling": "conference",
                "conference_participants": "张工",
                "conference_at": timezone.now() + datetime.timedelta(days=2),
            },
            "conference_at",
        ),
        # No silent default for where the issue came from.
        ({"source": "", "description": "x", "handling": "on_site", "resolution": "y"}, "source"),
        ({"source": "other", "description": "x", "handling": "on_site", "resolution": "y"}, "source"),
        # A phone conference records what it decided.
        (
            {
                "description": "x",
                "handling": "conference",
                "conference_participants": "张工",
                "conference_at": timezone.now(),
                "conference_decision": "  ",
            },
            "conference_decision",
        ),
    ],
)
def test_bad_issue_input_is_refused_beside_the_field(inst, people, data, field):
    with pytest.raises(MissingData) as exc:
        c.installation_issue_add(installation=inst, by=people.lead, **{"source": "quality", **data})
    assert field in exc.value.errors
    assert all("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message[:1])  # Chinese
    assert not inst.issues.exists()
    assert not inst.events.exclude(kind="created").exists()  # nothing on the timeline either


def test_sales_cannot_add_issues_and_a_fixed_issue_cannot_be_fixed_again(inst, people):
    with pytest.raises(NotAllowed):
        c.installation_issue_add(
            installation=inst,
            by=people.sales,
            description="x",
            source="quality",
            handling="on_site",
            resolution="y",
        )
    issue = _conference(inst, people)
    c.installation_issue_fix(issue=issue, by=people.lead, resolution="已处理")
    with pytest.raises(WrongState):
        c.installation_issue_fix(issue=issue, by=people.lead, resolution="再处理")


def test_installation_needs_a_title_and_the_same_customer(people, shipment, new_ticket):
    with pytest.raises(MissingData):
        c.installation_create(by=people.pm, customer=shipment.customer, title="  ")
    with pytest.raises(MissingData) as exc:
        c.installation_create(by=people.pm, customer=CustomerFactory(), title="x", ticket=new_ticket())
    assert "ticket" in exc.value.errors
    with pytest.raises(NotAllowed):
        c.installation_create(by=people.qc, customer=shipment.customer, title="x")
    assert not Installation.objects.exists()


# -- pages -----------------------------------------------------------------------------------


def test_pages_show_only_the_actions_the_user_may_take(client, inst, people):
    client.force_login(people.sales)
    body = main_content(client.get(inst.get_absolute_url()))
    assert "3 号井口装置安装" in body and 'id="no-actions"' in body
    client.force_login(people.lead)
    body = main_content(client.get(inst.get_absolute_url()))
    assert 'id="action-issue"' in body and 'id="action-sign"' not in body
    client.force_login(people.pm)
    body = main_content(client.get(inst.get_absolute_url()))
    assert 'id="action-sign"' in body and 'id="action-verify"' not in body
    client.force_login(people.qc)
    assert 'id="action-verify"' not in main_content(client.get(inst.get_absolute_url()))


def test_the_whole_round_through_the_pages(client, inst, people):
    client.force_login(people.lead)
    r = client.post(
        reverse("tickets:installation_add_issue", args=[inst.pk]),
        {"description": "阀门卡滞", "source": "quality", "handling": "on_site", "resolution": "清洗阀芯"},
    )
    assert r.status_code == 302
    for who, capacity in (("pm", "project"), ("prod", "production")):
        client.force_login(getattr(people, who))
        r = client.post(
            reverse("tickets:installation_sign", args=[inst.pk]),
            {"capacity": capacity, "rectification": "已整改"},
        )
        assert r.status_code == 302
    client.force_login(people.qc)
    assert 'id="action-verify"' in main_content(client.get(inst.get_absolute_url()))
    r = client.post(reverse("tickets:installation_verify", args=[inst.pk]), {"note": "复查合格"})
    assert r.status_code == 302 and _fresh(inst).status == Installation.Status.VERIFIED
    body = main_content(client.get(reverse("tickets:installations") + "?status=verified"))
    assert "3 号井口装置安装" in body


def test_bad_issue_on_the_page_shows_the_error_beside_the_field(client, inst, people):
    client.force_login(people.lead)
    r = client.post(
        reverse("tickets:installation_add_issue", args=[inst.pk]),
        {"description": "阀门卡滞", "source": "design", "handling": "conference"},
    )
    assert r.status_code == 400 and "请填写电话会议的参会人" in main_content(r)
    assert not inst.issues.exists()


def test_wrong_role_post_is_forbidden(client, inst, people):
    client.force_login(people.sales)
    r = client.post(
        reverse("tickets:installation_sign", args=[inst.pk]), {"capacity": "project", "rectification": "x"}
    )
    assert r.status_code == 403 and _fresh(inst).pm_signed_by is None


def test_verify_too_early_on_the_page_says_why(client, inst, people):
    client.force_login(people.qc)
    r = client.post(reverse("tickets:installation_verify", args=[inst.pk]), {"note": "x"}, follow=True)
    assert "整改记录须先由项目经理和生产经理签字" in r.content.decode()
    assert _fresh(inst).status == Installation.Status.OPEN


def test_new_installation_page(client, people, shipment):
    client.force_login(people.pm)
    assert client.get(reverse("tickets:installation_new")).status_code == 200
    r = client.post(
        reverse("tickets:installation_new"),
        {"customer": shipment.customer.pk, "title": "新装置", "site": "井场"},
    )
    assert r.status_code == 302 and Installation.objects.filter(title="新装置").exists()


def test_new_installation_takes_a_typed_ticket_number_not_a_list_of_every_ticket(
    client, people, shipment, new_ticket
):
    tickets = [new_ticket() for _ in range(3)]
    client.force_login(people.pm)
    page = main_content(client.get(reverse("tickets:installation_new")))
    assert not any(t.number in page for t in tickets)  # no select of every ticket

    # A number typed in lower case finds the ticket.
    r = client.post(
        reverse("tickets:installation_new"),
        {"customer": shipment.customer.pk, "title": "联调", "ticket": f" {tickets[1].number.lower()} "},
    )
    assert r.status_code == 302
    assert Installation.objects.get(title="联调").ticket == tickets[1]


def test_new_installation_with_an_unknown_ticket_number_says_so_and_saves_nothing(client, people, shipment):
    other = ShipmentFactory()  # another customer's shipment
    client.force_login(people.pm)
    r = client.post(
        reverse("tickets:installation_new"),
        {"customer": shipment.customer.pk, "title": "联调", "ticket": "KS-2026-999999"},
    )
    assert r.status_code == 400 and not Installation.objects.exists()
    body = main_content(r)
    assert "没有编号为 KS-2026-999999 的工单" in body
    # The form comes back with the customer kept, its shipment field asking for that
    # customer's shipments (masterdata.widgets.AutocompleteSelect) and holding no other's.
    field = body[body.index('name="shipment"') :].split("</select>")[0]
    assert 'data-depends="customer"' in field and other.lot_number not in field
    assert f'<option value="{shipment.customer.pk}" selected>' in body
    url = field.split('data-autocomplete="')[1].split('"')[0]
    offered = client.get(url, {"customer": shipment.customer.pk})
    assert [s["lot"] for s in offered.json()["results"]] == [shipment.lot_number]


# -- API -------------------------------------------------------------------------------------


def test_api_round_and_filters(client, people, shipment):
    client.force_login(people.pm)
    r = client.post(
        "/api/tickets/installations/",
        {"customer": shipment.customer.pk, "title": "API 装置"},
        content_type="application/json",
    )
    assert r.status_code == 201
    pk = r.json()["id"]
    client.force_login(people.lead)
    r = client.post(
        f"/api/tickets/installations/{pk}/issues/",
        {
            "description": "电缆过短",
            "source": "design",
            "handling": "conference",
            "conference_participants": "张工",
            "conference_decision": "加长电缆",
            "conference_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    issue = r.json()["issues"][0]["id"]
    client.force_login(people.pm)
    r = client.post(
        f"/api/tickets/installations/{pk}/sign/",
        {"capacity": "project", "rectification": "x"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"
    client.force_login(people.lead)
    r = client.post(
        f"/api/tickets/installations/{pk}/issues/{issue}/fix/",
        {"resolution": "加长电缆"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["issues"][0]["is_fixed"]
    client.force_login(people.qc)
    r = client.post(
        f"/api/tickets/installations/{pk}/verify/", {"note": "x"}, content_type="application/json"
    )
    assert r.status_code == 409
    assert client.get("/api/tickets/installations/?status=open").json()["count"] == 1
    assert client.get("/api/tickets/installations/?status=verified").json()["count"] == 0
    r = client.post(
        f"/api/tickets/installations/{pk}/sign/", {"capacity": "project"}, content_type="application/json"
    )
    assert r.status_code == 403
