from accounts.roles import Role


def test_sales_user_signs_in_in_chinese_and_switches_to_english(page, make_user, login, screenshot):
    user = make_user(Role.SALES, full_name="王晓明")
    page.goto(f"{page.base_url}/login/")
    assert page.locator("button[type=submit]").inner_text() == "登录"
    screenshot(page, "login-zh")

    login(page, user)
    assert page.locator("#current-user").inner_text() == "王晓明"
    assert "业务员" in page.locator(".role-badge").first.inner_text()
    screenshot(page, "home-zh")

    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Sign out")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".role-badge").first.inner_text() == "Sales"
    screenshot(page, "home-en")
