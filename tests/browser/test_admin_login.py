"""Staff log in through a real browser and see only their own jurisdiction."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from core.db import transaction
from core.services.cases import CaseDraft, submit_case

pytestmark = pytest.mark.browser


def test_township_staff_logs_in_and_sees_own_cases(live_server, browser, runtime, make_staff):
    with transaction(runtime.sessions) as s:
        mine = submit_case(s, CaseDraft(category="child_alone", urgency="urgent", reporter_role="teacher",
                                        description="虚构：孩子独自在家", township="红星镇", village="东风村"))
        theirs = submit_case(s, CaseDraft(category="dropout", urgency="normal", reporter_role="citizen",
                                          description="虚构：长期没上学", township="青山镇", village="石桥村"))
        mine_no, theirs_no = mine.number, theirs.number
    make_staff("hx_town", "township", township="红星镇")
    browser.get(live_server + "/admin/")
    assert "/admin/login" in browser.current_url
    browser.find_element(By.NAME, "username").send_keys("hx_town")
    browser.find_element(By.NAME, "password").send_keys("wrong password")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "用户名或密码不对"))
    browser.find_element(By.NAME, "username").clear()
    browser.find_element(By.NAME, "username").send_keys("hx_town")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    count = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "open-count")))
    assert count.text == "1"
    browser.get(live_server + "/admin/cases")
    table = browser.find_element(By.ID, "cases").text
    assert mine_no in table and theirs_no not in table
    browser.get(live_server + f"/admin/cases/{theirs_no}")
    assert "Not Found" in browser.page_source or "404" in browser.title + browser.page_source
