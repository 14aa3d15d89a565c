"""A township clerk calls an extreme-weather round and a village records a visit that
raises a case, in a real headless Chromium; then the child's file shows it all.
Screenshots go to reports/screenshots/ (git-ignored test artefacts)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from core.db import utcnow
from core.settings import REPO_ROOT
from tests.children.helpers import register

pytestmark = pytest.mark.browser
SHOTS = REPO_ROOT / "reports" / "screenshots"


def _shot(browser, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def _login(browser, live_server, username):
    browser.delete_all_cookies()
    browser.get(live_server + "/admin/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "open-count")))


def _row(browser, table_id, text):
    rows = browser.find_elements(By.CSS_SELECTOR, f"#{table_id} tr")
    return next(r for r in rows if text in r.text)


def test_a_weather_round_a_visit_that_raises_a_case_and_the_child_file(live_server, browser, runtime, make_staff):
    now = utcnow()
    dong = register(runtime, name="虚构小东", now=now - timedelta(days=5))
    register(runtime, name="虚构小向", village="向阳村", now=now - timedelta(days=5), phone="13800002222")
    make_staff("hx_town", "township", township="红星镇")
    make_staff("df_village", "village", township="红星镇", village="东风村")
    browser.set_window_size(1280, 1400)

    _login(browser, live_server, "hx_town")
    browser.get(live_server + "/admin/visits")
    assert "没有需要走访的孩子" in browser.find_element(By.ID, "due").text  # both registered 5 days ago
    Select(browser.find_element(By.NAME, "weather")).select_by_visible_text("暴雪")
    browser.find_element(By.CSS_SELECTOR, "#weather-round button").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "已发起红星镇暴雪天气走访"))
    assert "2名留守儿童" in browser.find_element(By.CLASS_NAME, "flash").text
    due = browser.find_element(By.ID, "due").text
    assert "虚构小东" in due and "虚构小向" in due and due.count("极端天气走访") == 2
    _shot(browser, "visit-plan-weather-round")

    _login(browser, live_server, "df_village")
    browser.get(live_server + "/admin/visits")
    due = browser.find_element(By.ID, "due").text
    assert "虚构小东" in due and "虚构小向" not in due  # the other village's child is not ours
    _row(browser, "due", "虚构小东").find_element(By.LINK_TEXT, "记录走访").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "visit-form")))
    browser.find_element(By.CSS_SELECTOR, "input[name=guardianship][value=concern]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=health][value=concern]").click()
    browser.find_element(By.NAME, "note").send_keys("虚构：奶奶腿摔伤，家里没烧炕，孩子晚上冷")
    browser.find_element(By.NAME, "raise_case").click()
    Select(browser.find_element(By.NAME, "category")).select_by_value("guardian_unfit")
    _shot(browser, "visit-form")
    browser.find_element(By.ID, "save-visit").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "已提交报告"))
    assert browser.current_url.endswith(f"/admin/children/{dong}")

    visits = browser.find_element(By.ID, "visits").text
    assert "上门走访" in visits and "需要关注" in visits and "奶奶腿摔伤" in visits and "BG-" in visits
    assert "重点关注" in browser.find_element(By.ID, "status-line").text
    assert "留守儿童" in browser.find_element(By.ID, "status-line").text
    identity = browser.find_element(By.ID, "identity").text
    assert "虚构小雨" not in identity and "虚构小东" in identity and "红星镇中心小学" in identity
    entrust = browser.find_element(By.ID, "entrustment").text
    assert "虚构奶奶（奶奶）" in entrust and "13900002222" in entrust and "第1版" in entrust
    assert "BG-" in browser.find_element(By.ID, "cases").text
    tasks = browser.find_element(By.ID, "tasks").text
    assert "极端天气走访" in tasks and "已走访" in tasks
    browser.set_window_size(1280, 2400)
    _shot(browser, "child-file")

    browser.get(live_server + "/admin/visits")
    assert "虚构小东" not in browser.find_element(By.ID, "due").text  # visited: no longer due
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert not errors, errors
