"""A salesperson logs a hidden price objection during a call, with a promise to answer by
tomorrow; it shows in their promises; the sales manager sees it in the trends."""

import datetime

from django.utils import timezone

from accounts.roles import Role
from objections.models import Objection, QuietContact
from promises.models import Commitment
from tests.browser.intake import choose
from tests.factories import CustomerFactory
from tests.objections.factories import ObjectionFactory, closed, objection_type


def _playbook_history(owner):
    closed("won", technique="evidence", n=4, owner=owner, response="给客户看了大庆油田的使用报告")
    closed("lost", technique="evidence", n=1, owner=owner)
    closed("won", technique="yes_but", n=3, owner=owner, response="是的贵一点，但寿命长一倍")
    closed("lost", technique="yes_but", n=3, owner=owner)
    closed("resolved", technique="questioning", n=5, type_code="timing", owner=owner, response="问清开钻时间")
    closed("won", technique="ignore", n=2, owner=owner)
    # Spread the history over four months and all stages, as a real quarter would be.
    stages = list(Objection.Stage.values)
    for i, objection in enumerate(Objection.objects.filter(owner=owner).order_by("id")):
        month = datetime.datetime(2026, 8 + i % 4, 3 + i, 10, tzinfo=timezone.get_default_timezone())
        Objection.objects.filter(pk=objection.pk).update(created_at=month, stage=stages[i % 4])


def test_salesperson_logs_hidden_price_objection_and_manager_sees_trend(page, make_user, login, screenshot):
    sales = make_user(Role.SALES, full_name="王晓明")
    manager = make_user(Role.SALES_MANAGER, full_name="李建国")
    customer = CustomerFactory(name="大庆油田工程有限公司")
    _playbook_history(make_user(Role.SALES, full_name="赵一"))
    ObjectionFactory(
        owner=sales, customer=customer, words="交货期能不能再快一点", type=objection_type("timing")
    )

    login(page, sales)
    page.goto(f"{page.base_url}/objections/new/")
    assert page.locator("h1").inner_text() == "记录客户异议"
    screenshot(page, "objections-quicklog-empty")

    # First try: hidden but no belief, promise in the past -> errors beside the fields.
    choose(page, "customer", customer.name)
    page.click("label:has-text('商谈')")
    page.click("label:has-text('价格异议')")
    page.fill("#id_words", "你们比宝鸡那家贵了一成，我们再看看")
    page.click("label:has-text('隐藏的异议')")
    page.select_option("#id_technique", "questioning")
    page.check("#id_find_out")
    page.fill("#id_find_out_what", "查明 500 吨 N80 套管能否分两批付款")
    page.fill("#id_find_out_due_at", "2020-01-01T10:00")
    page.click("#save")
    page.wait_for_selector(".field-error")
    assert "隐藏的异议必须填写您判断的背后真实原因。" in page.locator("#hidden-belief-row").inner_text()
    assert "承诺的答复时间必须晚于现在（北京时间 " in page.locator("#find-out-fields").inner_text()
    assert Objection.objects.filter(owner=sales).count() == 1
    screenshot(page, "objections-quicklog-errors")

    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=10, minute=0)
    page.fill("#id_hidden_belief", "其实是担心一次性付款的资金压力")
    page.select_option("#id_cause", "uncertainty")
    page.fill("#id_response", "问了他们的付款习惯，答应查分期政策")
    page.fill("#id_find_out_due_at", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_response").press("Control+Enter")
    page.wait_for_selector("#edit-objection")
    objection = Objection.objects.get(owner=sales, type__code="price")
    assert objection.genuineness == "hidden" and objection.customer == customer
    assert f"异议 #{objection.pk} 已记录。" in page.content()
    screenshot(page, "objections-detail")
    page.click("#edit-objection")
    assert page.locator("#id_hidden_belief").input_value() == "其实是担心一次性付款的资金压力"
    screenshot(page, "objections-edit")

    page.goto(f"{page.base_url}/promises/")
    row = page.locator("#open-commitments tr", has_text="查明 500 吨 N80 套管能否分两批付款")
    assert row.count() == 1 and customer.name in row.inner_text()
    assert tomorrow.strftime("%Y-%m-%d 10:00") in row.inner_text()
    assert Commitment.objects.get(source_id=objection.pk).owner == sales
    screenshot(page, "objections-promises")

    page.goto(f"{page.base_url}/objections/mine/")
    assert page.locator("#objection-list tbody tr").count() == 2
    screenshot(page, "objections-mine")
    page.click("#objection-list a.customer-link >> nth=0")
    page.wait_for_selector("#customer-timeline")
    assert page.locator("#customer-timeline .timeline-item").count() == 2
    screenshot(page, "objections-customer-history")

    page.goto(f"{page.base_url}/objections/playbook/")
    assert (
        page.locator(".playbook-section[data-type=price] .playbook-row").first.get_attribute("data-technique")
        == "evidence"
    )
    screenshot(page, "objections-playbook")

    # The salesperson has no trends page; the manager has.
    page.goto(f"{page.base_url}/objections/trends/")
    assert "异议趋势" not in page.locator("h1").all_inner_texts()
    page.context.clear_cookies()
    login(page, manager)
    page.goto(f"{page.base_url}/objections/trends/")
    page.wait_for_function("document.querySelector('#chart-type').offsetHeight > 0")
    price_row = page.locator("#table-type tr[data-code=price]")
    assert price_row.locator(".count").inner_text() == "14"  # 13 closed + the new one
    assert page.locator("#kpi-count").inner_text() == "20"
    screenshot(page, "objections-trends")

    page.goto(f"{page.base_url}/objections/mine/?scope=all")
    assert page.locator("#objection-list tbody tr", has_text="你们比宝鸡那家贵了一成").count() == 1
    screenshot(page, "objections-all-manager")
    page.goto(f"{page.base_url}/objections/{objection.pk}/")
    assert page.locator("#edit-objection").count() == 0
    page.goto(f"{page.base_url}/objections/customers/")
    screenshot(page, "objections-customers")

    # Other roles read the customer's objections on its history, without links into them.
    page.context.clear_cookies()
    login(page, make_user(Role.QC, full_name="赵敏"))
    page.goto(f"{page.base_url}/objections/customers/{customer.pk}/")
    assert "你们比宝鸡那家贵了一成" in page.locator("#customer-timeline").inner_text()
    assert page.locator("#customer-timeline a").count() == 0
    assert page.locator("text=记录客户异议").count() == 0
    screenshot(page, "objections-customer-history-qc")


def test_quick_log_in_english(page, make_user, login, screenshot):
    login(page, make_user(Role.SALES, language="en"))
    page.goto(f"{page.base_url}/objections/new/")
    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Log an objection")
    page.click("label:has-text('Hidden objection')")
    page.click("label:has-text('Won (order)')")
    assert page.locator("#hidden-belief-row").is_visible()
    assert page.locator("input[name=outcome]:checked").get_attribute("value") == "won"
    assert page.locator("#id_outcome_date").input_value()  # today, filled in for the user
    page.wait_for_timeout(300)  # let Bootstrap's button transition finish before the picture
    screenshot(page, "objections-quicklog-en")


def test_lost_objection_with_its_lesson_and_a_quiet_customer_reach_playbook_and_trends(
    page, make_user, login, screenshot
):
    """Issue 14.5: a lost objection keeps its lesson, shown in the playbook; a customer who
    raised no objection at all is marked, and the manager sees how often and how it ended."""
    sales = make_user(Role.SALES, full_name="王晓明")
    manager = make_user(Role.SALES_MANAGER, full_name="李建国")
    customer = CustomerFactory(name="大庆油田工程有限公司")
    quiet_customer = CustomerFactory(name="吐哈油田钻井公司")
    _playbook_history(make_user(Role.SALES, full_name="赵一"))

    login(page, sales)
    page.goto(f"{page.base_url}/objections/new/")
    assert not page.locator("#lesson-row").is_visible()  # only once the outcome is lost
    choose(page, "customer", customer.name)
    page.click("label:has-text('结单')")
    page.click("label:has-text('价格异议')")
    page.fill("#id_words", "别家便宜两成，这单就不跟你们做了")
    page.click("label:has-text('真异议')")
    page.select_option("#id_technique", "direct_denial")
    page.click("label[for=id_outcome_2]")  # 丢单
    assert page.locator("#lesson-row").is_visible()
    page.click("#save")
    page.wait_for_selector("#lesson-row .field-error")
    assert "这条异议已丢单：请写下我们从中学到了什么。" in page.locator("#lesson-row").inner_text()
    screenshot(page, "objections-lesson-required")
    page.fill("#id_lesson", "直接否定让客户下不来台；报价前应先讲清寿命和综合成本")
    page.click("#save")
    page.wait_for_selector("#objection-lesson")
    assert Objection.objects.get(owner=sales).lesson.startswith("直接否定")
    screenshot(page, "objections-detail-lesson")

    page.goto(f"{page.base_url}/objections/new/")
    page.click("#quiet-link")
    page.wait_for_selector("#quiet-form")
    choose(page, "customer", quiet_customer.name)
    page.click("label:has-text('介绍产品')")
    page.fill("#id_note", "一直点头，没有提任何问题，只说回去研究")
    page.wait_for_timeout(300)  # let Bootstrap's button transition finish before the picture
    screenshot(page, "objections-quiet-form")
    page.click("#save")
    page.wait_for_selector("#quiet-list")
    row = page.locator("#quiet-list tbody tr", has_text=quiet_customer.name)
    assert row.count() == 1
    row.locator("select[name=outcome]").select_option("lost")
    row.locator("input[name=outcome_date]").fill(timezone.localdate().isoformat())
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert QuietContact.objects.get().outcome == "lost"
    screenshot(page, "objections-quiet-list")

    page.goto(f"{page.base_url}/objections/playbook/")
    lessons = page.locator(".playbook-section[data-type=price] .lessons")
    assert "报价前应先讲清寿命和综合成本" in lessons.inner_text() and "王晓明" in lessons.inner_text()
    screenshot(page, "objections-playbook-lessons")

    page.context.clear_cookies()
    login(page, manager)
    page.goto(f"{page.base_url}/objections/trends/")
    page.wait_for_function("document.querySelector('#chart-quiet').offsetHeight > 0")
    assert page.locator("#kpi-quiet").inner_text() == "1"
    quiet_row = page.locator("#table-quiet-ends tr[data-row=quiet]")
    assert quiet_row.locator(".lost").inner_text() == "1" and quiet_row.locator(".rate").inner_text() == "0%"
    page.locator("#quiet").scroll_into_view_if_needed()
    screenshot(page, "objections-trends-quiet")
