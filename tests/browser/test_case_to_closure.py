"""Each office works a case from the inbox to closure in a real headless Chromium, through
the step forms, under the CSP. Screenshots go to test-artifacts/browser/ (git-ignored;
SHOUHU_TEST_ARTIFACTS points elsewhere)."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from core.db import transaction, utcnow
from core.models import Case
from core.services.cases import CaseDraft, submit_case
from core.settings import REPO_ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = Path(os.environ.get("SHOUHU_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts") / "browser"

# What each step's form gets: radios and checkboxes by value, text by field name.
FILL = {
    "respond": {"mode": ["dispatch"], "measures": ["temporary_care", "medical"], "note": "孩子已送到姑姑家"},
    "refer": {"note": "已电话通报乡镇，孩子在姑姑家"},
    "assess": {"safety_rating": ["at_risk"], "guardianship_rating": ["weak"], "health_rating": ["concern"],
               "safety_note": "父亲酗酒"},
    "assist": {"services": ["counselling"], "interventions": ["warning_letter", "home_checks"]},
    "visit": {"visited_on": "DATE", "way": ["home"], "finding": ["better"], "note": "孩子情绪稳定"},
    "close": {"reason": ["risk_removed"]},
}
POLICE_THEN_TOWN = [("hx_police", ["respond", "refer"]),
                    ("hx_town", ["assess", "assist", "visit", "follow_up", "visit", "close"])]
OFFICES = {
    # id: (category, routing override, staff (username, role, place), [(who, steps after accept)])
    "police": ("domestic_violence", None, POLICE_THEN_TOWN),
    "township": ("dropout", {"dropout": "{township}"},
                 [("hx_town", ["refer", "assess", "monitor", "visit", "close"])]),
    "village": ("other", None, [("xy_director", ["refer", "assess", "assist", "follow_up", "visit", "close"])]),
    "school": ("dropout", None, [("hx_school", ["refer", "assess", "monitor", "close"])]),
    "civil_affairs": ("other", {"other": "{region}民政局"},
                      [("county", ["refer", "assess", "assist", "follow_up", "close"])]),
}
STAFF = {"hx_police": ("police", {"township": "红星镇"}), "hx_town": ("township", {"township": "红星镇"}),
         "xy_director": ("village", {"township": "红星镇", "village": "向阳村"}),
         "hx_school": ("school", {"township": "红星镇", "school": "红星镇中心小学"}),
         "county": ("civil_affairs", {})}


def _shot(browser, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = browser.get_window_size()
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(size["width"], min(max(height, 600), 6000))  # the whole page
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    browser.set_window_size(size["width"], size["height"])


def _login(browser, live, username):
    browser.delete_all_cookies()
    browser.get(live + "/admin/login")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "open-count")))


def _fill(browser, code: str) -> None:
    form = browser.find_element(By.ID, f"step-{code}")
    for field, value in FILL.get(code, {}).items():
        name = f"{code}-{field}"
        if isinstance(value, list):
            for v in value:
                form.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{v}']").click()
        elif value == "DATE":
            browser.execute_script("arguments[0].value = arguments[1]",
                                   form.find_element(By.NAME, name), utcnow().date().isoformat())
        else:
            form.find_element(By.NAME, name).send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "已记录"))
    assert "未能完成" not in browser.find_element(By.TAG_NAME, "main").text


def _accept_from_inbox(browser, live, number):
    browser.get(live + "/admin/cases")
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-number='{number}']")
    # The countdown runs: seconds appear (the server writes whole minutes).
    WebDriverWait(browser, 5).until(lambda b: "秒" in row.find_element(By.CSS_SELECTOR, ".deadline").text)
    row.find_element(By.CSS_SELECTOR, "form.accept button").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "已记录：受理"))
    assert "/admin/cases" in browser.current_url and f"/admin/cases/{number}" not in browser.current_url


def _violations(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]


@pytest.mark.parametrize("office", list(OFFICES))
def test_an_office_works_its_case_to_closure(live_server, browser, runtime, make_staff, office):
    category, routing, turns = OFFICES[office]
    for username in {who for who, _ in turns}:
        role, place = STAFF[username]
        make_staff(username, role, **place)
    with transaction(runtime.sessions) as s:
        late = submit_case(s, CaseDraft(category="child_alone", urgency="urgent", reporter_role="teacher",
                                        description="虚构：孩子独自在家", township="红星镇", village="向阳村"),
                           now=utcnow() - timedelta(minutes=30))
        case = submit_case(s, CaseDraft(category=category, urgency="urgent", reporter_role="teacher",
                                        description="虚构：孩子身上有伤，家里没人", township="红星镇",
                                        village="向阳村", child_name="刘小兰", child_age=9,
                                        reporter_name="陈老师", reporter_phone="13912345678"),
                           routing=routing)
        number, late_number = case.number, late.number
    first = turns[0][0]
    _login(browser, live_server, first)
    _accept_from_inbox(browser, live_server, number)
    if office == "police":
        overdue = browser.find_element(By.CSS_SELECTOR, f"tr[data-number='{late_number}'] .deadline")
        assert overdue.text.startswith("超时") and "late" in overdue.get_attribute("class")
        assert overdue.value_of_css_property("color") == "rgba(176, 0, 32, 1)"
    _shot(browser, f"{office}-inbox")
    for who, steps in turns:
        if who != first:
            _login(browser, live_server, who)
        browser.get(f"{live_server}/admin/cases/{number}")
        _shot(browser, f"{office}-{who}-before")
        for code in steps:
            _fill(browser, code)
        _shot(browser, f"{office}-{who}-after")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "已结案" in page and "结案原因：风险已消除，监护已落实" in page
    assert browser.find_element(By.ID, "reporter-phone").get_attribute("href") == "tel:13912345678"
    assert browser.find_elements(By.CSS_SELECTOR, "#steps form") == []  # nothing left to do
    timeline = browser.find_element(By.ID, "timeline").text
    for english in ("accepted", "submitted", "closed", "visit", "referred"):
        assert english not in timeline
    assert _violations(browser) == []
    with transaction(runtime.sessions) as s:
        assert s.scalar(select(Case.status).where(Case.number == number)) == "closed"
