"""The installation page with where each issue came from, the phone conference, an improvement
request left open for QC after both signatures, the timeline; and the printed 整改记录表."""

import datetime

from django.utils import timezone

from accounts.roles import Role
from installations import services as commissioning
from tests.factories import ShipmentFactory
from tickets.models import InstallationIssue


def test_installation_page_timeline_qc_closes_improvement_and_print(page, make_user, login, screenshot):
    shipment = ShipmentFactory(customer__name="长庆油田钻采公司", product__name="井口装置 KQ-35")
    pm = make_user(Role.PROJECT_MANAGER, full_name="李项目")
    prod = make_user(Role.PRODUCTION_MANAGER, full_name="赵生产")
    lead = make_user(Role.SERVICE_LEAD, full_name="陈师傅")
    tech = make_user(Role.TECHNICAL, full_name="张工")
    qc = make_user(Role.QC, full_name="周质检")
    inst = commissioning.installation_create(
        by=lead,
        customer=shipment.customer,
        shipment=shipment,
        title="12 号井口装置安装调试",
        site="长庆 12 号井场",
    )
    commissioning.installation_issue_add(
        installation=inst,
        by=lead,
        description="法兰螺栓松动",
        source="quality",
        handling="on_site",
        resolution="已按力矩紧固",
    )
    design = commissioning.installation_issue_add(
        installation=inst,
        by=lead,
        description="控制柜布线与现场规范不符",
        source="design",
        handling="conference",
        conference_users=[tech, pm],
        conference_participants="客户设备科王工",
        conference_at=timezone.now() - datetime.timedelta(hours=5),
        conference_decision="按现场规范重新布线,技术部补发图纸",
    )
    commissioning.installation_issue_fix(issue=design, by=lead, resolution="已按新图纸重新布线")
    improvement = commissioning.installation_issue_add(
        installation=inst,
        by=lead,
        description="客户希望增加远程压力读数",
        source="improvement",
        handling="conference",
        conference_users=[pm, prod],
        conference_participants="客户设备科王工",
        conference_at=timezone.now() - datetime.timedelta(hours=3),
        conference_decision="列入下一批次改进,由技术部出方案",
    )
    commissioning.installation_sign(
        installation=inst, by=pm, capacity="project", rectification="三项问题点已整改或列入改进"
    )
    commissioning.installation_sign(installation=inst, by=prod, capacity="production")

    login(page, qc)
    page.goto(page.base_url + inst.get_absolute_url())
    page.wait_for_selector("#timeline")
    item = page.locator(f"#issue-{improvement.pk}")
    assert "未关闭,质检跟踪" in item.inner_text()
    assert "列入下一批次改进" in page.locator(f"#conference-{improvement.pk}").inner_text()
    screenshot(page, "installation-signed-improvement-open")

    item.locator("summary").click()
    item.locator("textarea").fill("远程读数模块已加装,客户确认")
    item.locator("button[type=submit]").click()
    page.wait_for_selector(".messages .alert")
    assert "质检已关闭" in page.locator(f"#issue-{improvement.pk}").inner_text()
    assert "质检关闭改进需求" in page.locator("#timeline").inner_text()
    assert InstallationIssue.objects.get(pk=improvement.pk).is_fixed
    screenshot(page, "installation-improvement-closed")

    page.goto(page.base_url + f"/tickets/installations/{inst.pk}/print/")
    page.wait_for_selector("#rectification-sheet")
    page.emulate_media(media="print")
    sheet = page.locator("#rectification-sheet").inner_text()
    assert "设备安装调试问题点整改记录表" in sheet and "李项目" in sheet and "赵生产" in sheet
    assert not page.locator("button[data-print]").is_visible()  # the buttons are not printed
    screenshot(page, "installation-rectification-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:4] == b"%PDF"
