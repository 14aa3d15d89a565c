"""A phone, 390 × 844 CSS pixels: no page scrolls sideways and the navigation stays
readable (no item broken one character per line). Screenshots of every page are kept in
test-artifacts/screenshots/ (git-ignored; SHOUHU_TEST_ARTIFACTS moves it)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from core.db import transaction
from core.services.cases import CaseDraft, add_event, submit_case
from core.services.children import EntrustmentInput, create_child, register_entrustment
from core.settings import REPO_ROOT

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844
ARTEFACTS = Path(os.environ.get("SHOUHU_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts") / "screenshots"

# Per element of the navigation (links, the account name, buttons): how many lines its own
# text takes. Text broken one character per line takes as many lines as it has characters.
LINES_PER_ITEM = """
return [...document.querySelectorAll('nav a, nav b, nav button, nav .who')].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [el.textContent.trim(), tops.size];
});
"""
# Elements sticking out past the right edge of the viewport (what makes a page scroll sideways).
OVERFLOWING = """
const inScroller = el => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
  return false;
};
return [...document.querySelectorAll('body *')].filter(el => {
  return el.getBoundingClientRect().right > window.innerWidth + 0.5 && !inScroller(el);
}).slice(0, 5).map(el => el.tagName + (el.id ? '#' + el.id : '') + ' ' + el.textContent.trim().slice(0, 30));
"""


def _fill(runtime) -> str:
    """Long, realistic (fictional) content: what makes narrow pages overflow."""
    with transaction(runtime.sessions) as s:
        number = None
        for i in range(6):
            case = submit_case(s, CaseDraft(
                category="domestic_violence" if i % 2 else "child_alone", urgency="urgent" if i < 2 else "high",
                reporter_role="teacher", township="红星镇", village="东风村",
                description="虚构：邻居说孩子晚上经常一个人在家，" * 8 + "https://example.invalid/很长的一段没有空格的链接文字" * 3,
                address_text="东风村三组靠近村委会往东第二户红色大门的那一家", child_name="虚构小明", child_age=8,
                reporter_name="虚构张老师", reporter_unit="红星镇中心小学四年级二班班主任",
                reporter_phone="13800000000"))
            number = number or case.number
        first = case
        for step in ("accepted", "responding", "referred"):
            add_event(s, first, step, "hongxing_police", note="虚构：已电话联系监护人，民警到场核实情况并做了记录。" * 3,
                      status_to=step)
        for i in range(5):
            child = create_child(s, f"虚构儿童{i}号", "红星镇", "东风村", actor="test")
            register_entrustment(s, child, EntrustmentInput(
                guardian_name="虚构祖母王桂花", guardian_relation="祖母", guardian_phone="13900000000",
                work_city="浙江省宁波市北仑区"))
        return first.number


def _sign_in(browser, live_server, username: str) -> None:
    browser.get(live_server + "/admin/login")
    _check_page(browser, "login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "open-count")))


def _check_page(browser, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTEFACTS / f"{WIDTH}px-{name}.png"))
    inner = browser.execute_script("return window.innerWidth")
    # A phone zooms out to fit a page wider than its screen: the layout viewport grows.
    assert inner == WIDTH, (f"{name}: the phone zoomed out to a {inner} px wide layout; sticking "
                            f"out: {browser.execute_script(OVERFLOWING.replace('window.innerWidth', str(WIDTH)))}")
    scroll = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= inner, (f"{name}: the page is {scroll} px wide in a {inner} px screen; sticking "
                             f"out: {browser.execute_script(OVERFLOWING)}")
    broken = [(text, lines) for text, lines in browser.execute_script(LINES_PER_ITEM) if lines > 1]
    assert not broken, f"{name}: navigation items wrap over several lines: {broken}"


def test_pages_fit_a_390px_phone(live_server, browser, runtime, make_staff):
    number = _fill(runtime)
    make_staff("hongxing_town_with_a_long_username", "township", township="红星镇")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 2, "mobile": True})
    _sign_in(browser, live_server, "hongxing_town_with_a_long_username")
    _check_page(browser, "dashboard")
    for name, path in (("cases", "/admin/cases"), ("case", f"/admin/cases/{number}"),
                       ("children", "/admin/children"), ("tasks", "/admin/tasks"),
                       ("password", "/admin/account/password")):
        browser.get(live_server + path)
        assert browser.find_element(By.TAG_NAME, "h1").text
        _check_page(browser, name)
    # The wide tables scroll inside their own box; the page itself does not.
    browser.get(live_server + "/admin/cases")
    table = browser.find_element(By.ID, "cases")
    assert browser.execute_script("return getComputedStyle(arguments[0]).overflowX", table) == "auto"
    assert table.rect["x"] + table.rect["width"] <= WIDTH
    # Forms take the full width of the screen: a step form's text field is not a thin strip.
    browser.get(live_server + f"/admin/cases/{number}")
    note = browser.find_element(By.CSS_SELECTOR, "form textarea")
    assert note.size["width"] >= WIDTH - 60, note.size
