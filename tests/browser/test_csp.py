"""Under the Content-Security-Policy the admin UI and the chat page work with no violation."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def _violations(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser")
            if "Content Security Policy" in e["message"] or "Content-Security-Policy" in e["message"]]


def test_login_and_pages_under_the_csp_report_no_violation(live_server, browser, make_staff):
    make_staff("hx_town", "township", township="红星镇")
    browser.get(live_server + "/admin/login")
    # The stylesheet is a file: it applies (the nav colour comes from admin.css).
    assert browser.execute_script(
        "return getComputedStyle(document.body).fontFamily").startswith("system-ui")
    browser.find_element(By.NAME, "username").send_keys("hx_town")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "open-count")))
    for path in ("/admin/cases", "/admin/account/password", "/admin/"):
        browser.get(live_server + path)
    browser.find_element(By.CSS_SELECTOR, "nav form button").click()  # logout
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "已退出"))
    browser.get(live_server + "/")
    # chat.js ran: it shows the greeting it sends (the answer needs the NLU, not tested here).
    WebDriverWait(browser, 10).until(
        lambda b: any(e.text == "你好" for e in b.find_elements(By.CSS_SELECTOR, "#log .me")))
    assert _violations(browser) == []


def test_an_inline_script_is_refused_and_reported(live_server, browser):
    """The check above can see violations: an injected inline script is blocked and logged."""
    browser.get(live_server + "/admin/login")
    browser.get_log("browser")
    browser.execute_script("const s = document.createElement('script');"
                           "s.textContent = 'window.__inline = 1'; document.body.appendChild(s);")
    assert browser.execute_script("return window.__inline") is None
    assert _violations(browser)
