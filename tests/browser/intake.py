"""Browser steps shared by the intake tests."""

import datetime

from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout


def finish_intake(page, *, save_with_keys: bool = False, callback: bool = True, wait: bool = True) -> None:
    """Fill what the intake form still needs after the customer and the defect, then save
    (with the button, or with Ctrl+Enter from the last field). callback=False leaves the
    call-back time as typed; wait=False does not wait for the saved ticket."""
    page.fill("#id_quantity", "3")
    page.fill("#id_site", "井场 7 号")
    page.select_option("#id_remedy", "exchange")
    page.fill("#id_paraphrase", "您是说接箍渗漏,井队停工,对吗?")
    page.check("#id_customer_confirmed")
    page.select_option("#id_emotion", "angry")
    page.select_option("#id_severity", "high")
    if callback:
        due = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
        page.fill("#id_callback_due_at", due)
    page.fill("#id_callback_note", "三小时内回电")
    if save_with_keys:
        page.press("#id_callback_note", "Control+Enter")
    else:
        page.click("#intake-form button[type=submit]")
    if wait:
        page.wait_for_selector("#ticket-number")


def choose(page, field: str, typed: str = "", text: str | None = None) -> None:
    """Pick in a select found by typing (static/js/autocomplete.js, Tom Select): focus its
    box, type `typed` as a person would, and click the offered row holding `text` (else
    `typed`). The rows come from the server; the select holds only the chosen one."""
    page.locator(f"#id_{field}-ts-control").focus()
    if typed:
        page.keyboard.type(typed, delay=20)
    else:
        page.keyboard.press("ArrowDown")  # opens the list
    row = page.locator(f"#id_{field}-ts-dropdown .option", has_text=text or typed).first
    # The list is redrawn when the server's answer to the last keystroke arrives; a row found
    # just before that is gone by the time it is clicked. Wait for it again, a bounded few times.
    for _ in range(2):
        try:
            row.click(timeout=4000)
            return
        except PlaywrightTimeout:
            page.locator(f"#id_{field}-ts-control").focus()
    row.click()


def offered(page, field: str) -> list[str]:
    """The rows a select found by typing offers when opened with nothing typed (it stays open)."""
    page.locator(f"#id_{field}-ts-control").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_selector(f"#id_{field}-ts-dropdown .option")
    return page.locator(f"#id_{field}-ts-dropdown .option").all_inner_texts()
