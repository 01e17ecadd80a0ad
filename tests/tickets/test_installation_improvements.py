"""Installation & commissioning (§3-5.3), issue 14 point 3: where each issue came from, customer
improvement requests that stay open after the two signatures for QC to close, the phone
conference's participants and decision, the installation's timeline and the printed
整改记录表 (rectification record). Through the pages and the API."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from installations import services as c
from tickets.models import Installation, InstallationIssue

from .test_pages import main_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def inst(people, shipment):
    return c.installation_create(
        by=people.pm,
        customer=shipment.customer,
        shipment=shipment,
        title="5 号井口装置安装",
        site="苏里格 5 号井场",
    )


def _fresh(inst) -> Installation:
    return Installation.objects.get(pk=inst.pk)


def _add(client, inst, **data):
    return client.post(reverse("tickets:installation_add_issue", args=[inst.pk]), data)


def _sign(client, inst, capacity, rectification="现场问题已整改"):
    return client.post(
        reverse("tickets:installation_sign", args=[inst.pk]),
        {"capacity": capacity, "rectification": rectification},
    )


def _sign_both(client, inst, people):
    for who, capacity in (("pm", "project"), ("prod", "production")):
        client.force_login(getattr(people, who))
        assert _sign(client, inst, capacity).status_code == 302
    assert _fresh(inst).status == Installation.Status.SIGNED


def _improvement(inst, people, description="希望增加远程读数功能"):
    return c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description=description,
        source="improvement",
        handling="conference",
        conference_users=[people.pm, people.prod],
        conference_participants="客户设备科王工",
        conference_at=timezone.now() - datetime.timedelta(hours=2),
        conference_decision="列入下一批次改进,由技术部出方案",
    )


def _close_url(inst, issue):
    return reverse("tickets:installation_close_improvement", args=[inst.pk, issue.pk])


# -- the issue form ----------------------------------------------------------------------------


def test_the_form_asks_where_the_issue_came_from_with_no_choice_made(client, inst, people):
    client.force_login(people.lead)
    body = main_content(client.get(inst.get_absolute_url()))
    for label in ("质量问题", "设计未满足需求", "客户改进需求"):
        assert label in body
    radios = body[body.index('name="source"') - 200 : body.index("客户改进需求") + 50]
    assert "checked" not in radios  # no silent default


def test_an_issue_without_a_source_is_refused_beside_the_field(client, inst, people):
    client.force_login(people.lead)
    r = _add(client, inst, description="法兰渗漏", handling="on_site", resolution="换垫片")
    assert r.status_code == 400
    field = main_content(r).split("问题来源", 1)[1].split("</fieldset>")[0]
    assert "该字段是必填项" in field
    assert not inst.issues.exists()


def test_a_phone_conference_without_a_decision_is_refused_and_nothing_is_saved(client, inst, people):
    client.force_login(people.lead)
    r = _add(
        client,
        inst,
        description="电机异响",
        source="quality",
        handling="conference",
        conference_users=[people.pm.pk],
        conference_at=(timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        conference_decision="  ",
    )
    assert r.status_code == 400 and "请填写电话会议的决定" in main_content(r)
    assert not inst.issues.exists()
    assert list(inst.events.values_list("kind", flat=True)) == ["created"]


def test_a_conference_of_colleagues_alone_needs_no_outside_names(client, inst, people):
    client.force_login(people.lead)
    r = _add(
        client,
        inst,
        description="电机异响",
        source="design",
        handling="conference",
        conference_users=[people.pm.pk, people.technical.pk],
        conference_at=(timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        conference_decision="更换电机型号,技术部出图",
    )
    assert r.status_code == 302
    issue = inst.issues.get()
    assert issue.source == "design" and set(issue.conference_users.all()) == {people.pm, people.technical}
    body = main_content(client.get(inst.get_absolute_url()))
    conference = body[body.index(f'id="conference-{issue.pk}"') :].split("</div>\n</div>")[0]
    assert people.pm.display_name in conference and people.technical.display_name in conference
    assert "更换电机型号,技术部出图" in conference


# -- improvements do not block, quality issues do ----------------------------------------------


def test_an_open_quality_issue_blocks_signing_on_the_page(client, inst, people):
    c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="压力表读数偏高",
        source="quality",
        handling="conference",
        conference_participants="技术部张工",
        conference_at=timezone.now() - datetime.timedelta(hours=1),
        conference_decision="返厂更换压力表",
    )
    client.force_login(people.pm)
    body = main_content(client.get(inst.get_absolute_url()))
    assert "所有质量和设计问题解决后才能签署整改记录" in body
    r = client.post(
        reverse("tickets:installation_sign", args=[inst.pk]),
        {"capacity": "project", "rectification": "x"},
        follow=True,
    )
    assert "所有质量和设计问题解决后才能签署整改记录" in r.content.decode()
    assert _fresh(inst).pm_signed_by is None


def test_an_open_improvement_does_not_block_the_signatures_and_stays_open_after(client, inst, people):
    improvement = _improvement(inst, people)
    client.force_login(people.pm)
    body = main_content(client.get(inst.get_absolute_url()))
    assert 'id="improvements-stay-open"' in body and "由质检跟踪" in body
    _sign_both(client, inst, people)
    improvement.refresh_from_db()
    assert not improvement.is_fixed
    body = main_content(client.get(inst.get_absolute_url()))
    item = body[body.index(f'id="issue-{improvement.pk}"') :].split("</li>")[0]
    assert "未关闭,质检跟踪" in item and "客户改进需求" in item


def test_qc_closes_an_improvement_after_the_signatures_with_a_note(client, inst, people):
    improvement = _improvement(inst, people)
    _sign_both(client, inst, people)
    client.force_login(people.qc)
    body = main_content(client.get(inst.get_absolute_url()))
    assert _close_url(inst, improvement) in body
    r = client.post(_close_url(inst, improvement), {f"close{improvement.pk}-note": "远程读数已加装,客户确认"})
    assert r.status_code == 302
    improvement.refresh_from_db()
    assert improvement.is_fixed and improvement.fixed_by == people.qc and improvement.closed_by_qc
    assert improvement.resolution == "远程读数已加装,客户确认"
    body = main_content(client.get(inst.get_absolute_url()))
    assert "质检已关闭" in body and _close_url(inst, improvement) not in body
    # QC may verify the rectification before or after: the two are tracked apart.
    assert c.installation_verify(installation=inst, by=people.qc, note="复查合格").status == "verified"


def test_qc_may_close_an_improvement_after_verifying_the_rectification(inst, people):
    improvement = _improvement(inst, people)
    c.installation_sign(installation=inst, by=people.pm, capacity="project", rectification="已整改")
    c.installation_sign(installation=inst, by=people.prod, capacity="production")
    c.installation_verify(installation=inst, by=people.qc, note="复查合格")
    c.installation_improvement_close(issue=improvement, by=people.qc, note="已验证")
    assert InstallationIssue.objects.get(pk=improvement.pk).is_fixed


@pytest.mark.parametrize("who", ["pm", "prod", "lead", "sales"])
def test_only_qc_closes_an_improvement(client, inst, people, who):
    improvement = _improvement(inst, people)
    _sign_both(client, inst, people)
    client.force_login(getattr(people, who))
    assert _close_url(inst, improvement) not in main_content(client.get(inst.get_absolute_url()))
    r = client.post(_close_url(inst, improvement), {f"close{improvement.pk}-note": "x"})
    assert r.status_code == 403
    assert not InstallationIssue.objects.get(pk=improvement.pk).is_fixed


def test_closing_before_the_signatures_or_a_quality_issue_or_twice_says_why(client, inst, people):
    improvement = _improvement(inst, people)
    client.force_login(people.qc)
    r = client.post(_close_url(inst, improvement), {f"close{improvement.pk}-note": "x"}, follow=True)
    assert "双方签字前" in r.content.decode()
    assert not InstallationIssue.objects.get(pk=improvement.pk).is_fixed

    quality = c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="漏油",
        source="quality",
        handling="on_site",
        resolution="换密封圈",
    )
    _sign_both(client, inst, people)
    client.force_login(people.qc)
    r = client.post(_close_url(inst, quality), {f"close{quality.pk}-note": "x"}, follow=True)
    assert "只有客户改进需求由质检关闭" in r.content.decode()

    r = client.post(_close_url(inst, improvement), {f"close{improvement.pk}-note": "  "})
    form = main_content(r).split(_close_url(inst, improvement), 1)[1].split("</form>")[0]
    assert r.status_code == 400 and "该字段是必填项" in form
    assert (
        client.post(_close_url(inst, improvement), {f"close{improvement.pk}-note": "已验证"}).status_code
        == 302
    )
    r = client.post(_close_url(inst, improvement), {f"close{improvement.pk}-note": "再次"}, follow=True)
    assert "该改进需求已关闭" in r.content.decode()
    assert InstallationIssue.objects.get(pk=improvement.pk).resolution == "已验证"


def test_qc_sees_the_improvements_to_track_on_my_work_the_home_page_and_the_list(client, inst, people):
    improvement = _improvement(inst, people)
    client.force_login(people.qc)
    assert 'id="improvements-due"' not in main_content(client.get(reverse("tickets:my_work")))  # not signed
    _sign_both(client, inst, people)
    client.force_login(people.qc)
    body = main_content(client.get(reverse("tickets:my_work")))
    card = body[body.index('id="improvements-due"') :]
    assert "希望增加远程读数功能" in card and f"#issue-{improvement.pk}" in card
    assert "待跟踪的客户改进需求" in main_content(client.get(reverse("home")))
    listed = main_content(client.get(reverse("tickets:installations") + "?improvements=open"))
    assert "5 号井口装置安装" in listed and "1 项改进需求未关闭" in listed
    client.force_login(people.pm)  # not QC's card for others
    assert 'id="improvements-due"' not in main_content(client.get(reverse("tickets:my_work")))
    c.installation_improvement_close(issue=improvement, by=people.qc, note="已验证")
    client.force_login(people.qc)
    assert 'id="improvements-due"' not in main_content(client.get(reverse("tickets:my_work")))
    listed = main_content(client.get(reverse("tickets:installations") + "?improvements=open"))
    assert "5 号井口装置安装" not in listed


# -- timeline and print page -----------------------------------------------------------------


def test_each_step_writes_the_timeline_shown_on_the_page(client, inst, people):
    client.force_login(people.lead)
    assert (
        _add(
            client,
            inst,
            description="法兰螺栓松动",
            source="quality",
            handling="on_site",
            resolution="已紧固",
        ).status_code
        == 302
    )
    raised = _improvement(inst, people)
    conference = c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="控制柜布线不符合现场规范",
        source="design",
        handling="conference",
        conference_participants="技术部张工",
        conference_at=timezone.now() - datetime.timedelta(hours=1),
        conference_decision="按现场规范重新布线",
    )
    c.installation_issue_fix(issue=conference, by=people.lead, resolution="已重新布线")
    _sign_both(client, inst, people)
    c.installation_verify(installation=inst, by=people.qc, note="复查合格")
    c.installation_improvement_close(issue=raised, by=people.qc, note="远程读数已加装")
    kinds = list(inst.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "issue",
        "issue",
        "conference",
        "issue",
        "conference",
        "fixed",
        "signed_pm",
        "signed_prod",
        "verified",
        "closed",
    ]
    conference_event = inst.events.filter(kind="conference", issue=raised).get()
    assert "客户设备科王工" in conference_event.text and people.pm.display_name in conference_event.text
    assert "列入下一批次改进" in conference_event.text
    client.force_login(people.sales)
    body = main_content(client.get(inst.get_absolute_url()))
    timeline = body[body.index('id="timeline"') :]
    for label in ("登记安装调试", "提出问题", "召开电话会议", "问题已整改", "项目经理签字", "生产经理签字"):
        assert label in timeline
    assert "质检关闭改进需求" in timeline and "远程读数已加装" in timeline
    assert (
        timeline.index("登记安装调试") < timeline.index("项目经理签字") < timeline.index("质检关闭改进需求")
    )


def test_a_refused_step_writes_nothing_on_the_timeline(client, inst, people):
    client.force_login(people.pm)
    c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="x",
        source="improvement",
        handling="on_site",
        resolution="y",
    )
    before = inst.events.count()
    client.force_login(people.qc)
    client.post(reverse("tickets:installation_verify", args=[inst.pk]), {"note": "x"})
    client.force_login(people.sales)
    client.post(reverse("tickets:installation_sign", args=[inst.pk]), {"capacity": "project"})
    assert inst.events.count() == before


def test_the_print_page_lists_issues_sources_fixes_conference_and_both_signatures(client, inst, people):
    c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="法兰螺栓松动",
        source="quality",
        handling="on_site",
        resolution="已按力矩紧固",
    )
    _improvement(inst, people)
    _sign_both(client, inst, people)
    signed = _fresh(inst)
    client.force_login(people.lead)
    page = main_content(client.get(inst.get_absolute_url()))
    url = reverse("tickets:installation_print", args=[inst.pk])
    assert url in page
    r = client.get(url)
    assert r.status_code == 200
    sheet = main_content(r)
    sheet = sheet[sheet.index('id="rectification-sheet"') :]
    assert "设备安装调试问题点整改记录表" in sheet and "苏里格 5 号井场" in sheet
    issues = sheet[sheet.index('id="print-issues"') : sheet.index('id="print-conferences"')]
    assert "法兰螺栓松动" in issues and "质量问题" in issues and "已按力矩紧固" in issues
    assert "客户改进需求" in issues and "未关闭:质检跟踪改善" in issues
    conferences = sheet[sheet.index('id="print-conferences"') : sheet.index('id="print-signatures"')]
    assert "列入下一批次改进,由技术部出方案" in conferences and "客户设备科王工" in conferences
    assert people.prod.display_name in conferences
    signatures = sheet[sheet.index('id="print-signatures"') :]
    assert "现场问题已整改" in signatures
    for who, at in ((people.pm, signed.pm_signed_at), (people.prod, signed.production_signed_at)):
        assert who.display_name in signatures
        assert timezone.localtime(at).strftime("%Y-%m-%d %H:%M") in signatures
    assert "@media print" in open_css() and "size: A4" in open_css()


def open_css() -> str:
    with open(finders.find("tickets/tickets.css"), encoding="utf-8") as f:
        return f.read()


def test_the_print_page_needs_a_login_and_a_real_installation(client, people):
    r = client.get(reverse("tickets:installation_print", args=[999999]))
    assert r.status_code == 302 and "/login/" in r["Location"]
    client.force_login(people.qc)
    assert client.get(reverse("tickets:installation_print", args=[999999])).status_code == 404


# -- API ---------------------------------------------------------------------------------------


def _api_issue(client, pk, **data):
    return client.post(f"/api/tickets/installations/{pk}/issues/", data, content_type="application/json")


def test_api_refuses_an_issue_without_a_source_or_a_conference_without_a_decision(client, inst, people):
    client.force_login(people.lead)
    r = _api_issue(client, inst.pk, description="漏油", handling="on_site", resolution="换密封圈")
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid" and "source" in body["errors"]
    r = _api_issue(
        client,
        inst.pk,
        description="漏油",
        source="quality",
        handling="conference",
        conference_users=[people.pm.pk],
        conference_at=(timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        conference_decision="",
    )
    body = r.json()
    assert r.status_code == 400 and "conference_decision" in body["errors"]
    assert body["errors"]["conference_decision"] == ["请填写电话会议的决定。"]
    assert not inst.issues.exists()


def test_api_improvement_round_with_conference_timeline_and_qc_close(client, inst, people):
    client.force_login(people.lead)
    r = _api_issue(
        client,
        inst.pk,
        description="希望增加远程读数",
        source="improvement",
        handling="conference",
        conference_users=[people.pm.pk, people.technical.pk],
        conference_participants="客户王工",
        conference_at=(timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        conference_decision="下一批次改进",
    )
    assert r.status_code == 201
    issue = r.json()["issues"][0]
    assert issue["source"] == "improvement" and issue["blocks_signing"] is False
    assert sorted(issue["conference_users"]) == sorted([people.pm.pk, people.technical.pk])
    assert issue["conference_decision"] == "下一批次改进"
    for who, capacity in (("pm", "project"), ("prod", "production")):
        client.force_login(getattr(people, who))
        r = client.post(
            f"/api/tickets/installations/{inst.pk}/sign/",
            {"capacity": capacity, "rectification": "已整改"},
            content_type="application/json",
        )
        assert r.status_code == 200
    assert r.json()["status"] == "signed" and r.json()["pm_signed_by"] == people.pm.display_name
    close = f"/api/tickets/installations/{inst.pk}/issues/{issue['id']}/close/"
    r = client.post(close, {"note": "x"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    client.force_login(people.qc)
    assert client.get("/api/tickets/installations/?improvements_open=true").json()["count"] == 1
    r = client.post(close, {"note": ""}, content_type="application/json")
    assert r.status_code == 400 and "note" in r.json()["errors"]
    r = client.post(close, {"note": "已加装,客户确认"}, content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert body["issues"][0]["is_fixed"] and body["issues"][0]["closed_by_qc"]
    assert [e["kind"] for e in body["events"]] == [
        "created",
        "issue",
        "conference",
        "signed_pm",
        "signed_prod",
        "closed",
    ]
    r = client.post(close, {"note": "again"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"
    assert client.get("/api/tickets/installations/?improvements_open=true").json()["count"] == 0
    assert client.get("/api/tickets/installations/?improvements_open=false").json()["count"] == 1


def test_api_quality_issue_blocks_signing_but_improvement_does_not(client, inst, people):
    c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="x",
        source="improvement",
        handling="on_site",
        resolution="y",
    )
    _improvement(inst, people)
    client.force_login(people.pm)
    sign = f"/api/tickets/installations/{inst.pk}/sign/"
    r = client.post(sign, {"capacity": "project", "rectification": "x"}, content_type="application/json")
    assert r.status_code == 200
    c.installation_issue_add(
        installation=inst,
        by=people.lead,
        description="压力表损坏",
        source="quality",
        handling="conference",
        conference_participants="张工",
        conference_at=timezone.now() - datetime.timedelta(hours=1),
        conference_decision="更换",
    )
    r = client.post(sign, {"capacity": "project", "rectification": "x"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"
    assert "质量和设计问题" in r.json()["detail"]


def test_the_schema_documents_source_conference_and_close(client, people):
    client.force_login(people.qc)
    schema = client.get("/api/schema/?format=json").json()
    close = schema["paths"]["/api/tickets/installations/{id}/issues/{issue}/close/"]["post"]
    assert close["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    issue = schema["components"]["schemas"]["Issue"]
    assert "source" in issue["required"]
    assert {"conference_users", "conference_decision"} <= set(issue["properties"])
    assert "events" in schema["components"]["schemas"]["Installation"]["properties"]
    assert "InstallationEvent" in schema["components"]["schemas"]
