"""A form sent back with problems says all of them at the top and puts the cursor on the first;
each line of the summary takes the cursor to its field (issue 15 point 4)."""

from accounts.roles import Role
from objections.models import Objection

FOCUSED_FIELD = """(field) => {
  const active = document.activeElement;
  const wrapper = active.closest(".ts-wrapper");  // Tom Select follows the select it stands for
  return (wrapper ? wrapper.previousElementSibling.id : active.id) === field;
}"""


def wait_for_focus(page, field: str) -> None:
    """The page's script moves the cursor after the page is drawn: wait for it (5 s at most)."""
    page.wait_for_function(FOCUSED_FIELD, arg=field, timeout=5000)


def test_all_problems_at_once_and_the_cursor_on_the_first(page, make_user, login, screenshot):
    login(page, make_user(Role.SALES, full_name="王晓明"))
    page.goto(f"{page.base_url}/objections/new/")
    page.click("label:has-text('隐藏的异议')")
    page.click("#save")
    summary = page.locator("#error-summary")
    summary.wait_for()
    links = summary.locator("a[data-field]")
    assert links.count() >= 3  # customer, stage, words … and the hidden objection's reason together
    assert "隐藏的异议必须填写" in summary.inner_text()
    first = links.first.get_attribute("data-field")
    # the field itself, or (a select found by typing) the box that stands for it
    wait_for_focus(page, first)
    page.click("#error-summary a[data-field='id_hidden_belief']")
    wait_for_focus(page, "id_hidden_belief")
    path = screenshot(page, "objection-error-summary")
    assert path.exists() and not Objection.objects.exists()
