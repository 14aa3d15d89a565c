"""The dashboard draws its charts in headless Chromium under the CSP, scoped to the viewer."""
from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from core.db import utcnow
from tests.overview.data import seed

pytestmark = pytest.mark.browser
# Screenshots are test artefacts (git-ignored), kept for a person to look at.
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHARTS = ("chart-category", "chart-township", "chart-status", "chart-acceptance", "chart-villages")


def _violations(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser")
            if "Content Security Policy" in e["message"] or "Content-Security-Policy" in e["message"]]


def _login(browser, live_server, username):
    browser.get(live_server + "/admin/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "open-count")))


def test_a_township_head_sees_the_charts_drawn(live_server, browser, runtime, make_staff):
    seed(runtime, utcnow())
    make_staff("hx_head", "township", township="红星镇")
    browser.set_window_size(1280, 1600)
    _login(browser, live_server, "hx_head")
    WebDriverWait(browser, 15).until(
        lambda b: b.find_element(By.ID, "dashboard").get_attribute("data-rendered") == "5")
    for chart in CHARTS:
        canvas = browser.find_element(By.CSS_SELECTOR, f"#{chart} canvas")
        assert canvas.size["width"] > 200 and canvas.size["height"] > 200, chart
    # ECharts drew the data, not an empty frame: the township chart knows only 红星镇.
    series = browser.execute_script(
        "return echarts.getInstanceByDom(document.getElementById('chart-township'))"
        ".getOption().series.map(function (s) { return s.name; });")
    assert series == ["红星镇"]
    villages = browser.execute_script(
        "return echarts.getInstanceByDom(document.getElementById('chart-villages'))"
        ".getOption().yAxis[0].data;")
    assert sorted(villages) == ["红星镇 东风村", "红星镇 向阳村"]
    # The chart draws pixels (a blank canvas would be one colour).
    colours = browser.execute_script(
        "var c = document.querySelector('#chart-villages canvas');"
        "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "var seen = {}; for (var i = 0; i < d.length; i += 4000) { seen[d[i] + ',' + d[i+1] + ',' + d[i+2]] = 1; }"
        "return Object.keys(seen).length;")
    assert colours > 3
    assert browser.find_element(By.ID, "left-behind-count").text == "3"
    assert browser.find_element(By.ID, "on-time-share").text == "50%"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTEFACTS / "dashboard-township.png"))
    # Hovering a bar shows a tooltip without breaking the CSP.
    chart = browser.find_element(By.CSS_SELECTOR, "#chart-villages canvas")
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(browser).move_to_element_with_offset(chart, -200, -100).perform()
    assert _violations(browser) == []


def test_the_case_ledger_downloads_from_the_dashboard_and_opens_in_openpyxl(
        live_server, browser, runtime, make_staff, tmp_path):
    import time

    from openpyxl import load_workbook
    seed(runtime, utcnow())
    make_staff("county", "civil_affairs")
    browser.execute_cdp_cmd("Browser.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(tmp_path)})
    _login(browser, live_server, "county")
    browser.find_element(By.ID, "export-cases").click()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not list(tmp_path.glob("*.xlsx")):
        time.sleep(0.2)
    (path,) = list(tmp_path.glob("*.xlsx"))
    assert path.name.startswith("案件台账-")
    rows = list(load_workbook(path, read_only=True).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3 and {r[11] for r in rows} == {"红星镇", "青山镇"}
    assert _violations(browser) == []


def test_an_admin_resets_a_password_and_searches_the_audit_log_in_the_browser(
        live_server, browser, runtime, make_staff):
    make_staff("root", "admin")
    make_staff("hx_town", "township", township="红星镇")
    browser.set_window_size(1280, 900)
    _login(browser, live_server, "root")
    browser.find_element(By.LINK_TEXT, "账号管理").click()
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-username="hx_town"]')
    row.find_element(By.XPATH, ".//button[text()='重置密码']").click()
    temp = WebDriverWait(browser, 10).until(
        EC.presence_of_element_located((By.ID, "temp-password"))).text
    assert len(temp) == 19
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTEFACTS / "user-password-reset.png"))
    browser.find_element(By.LINK_TEXT, "审计日志").click()
    browser.find_element(By.NAME, "person").send_keys("root")
    browser.find_element(By.CSS_SELECTOR, "#audit-search button").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.ID, "audit"), "重置密码"))
    assert "hx_town" in browser.find_element(By.ID, "audit").text
    browser.save_screenshot(str(ARTEFACTS / "audit-search.png"))
    assert _violations(browser) == []
