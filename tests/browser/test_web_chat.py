"""The web chat page in a real browser: the greeting, a button, a typed question."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def _bot_texts(browser) -> list[str]:
    return [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#log .bot")]


def test_chat_page_greets_and_answers(live_server, browser):
    browser.get(live_server + "/")
    WebDriverWait(browser, 15).until(lambda b: any("110" in t for t in _bot_texts(b)))
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#log .bot .btns button")]
    assert "我要报告" in buttons and "政策咨询" in buttons
    box = browser.find_element(By.ID, "t")
    box.send_keys("儿童主任多久来家访一次")
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    WebDriverWait(browser, 15).until(lambda b: any("来源" in t for t in _bot_texts(b)))
    answer = next(t for t in _bot_texts(browser) if "来源" in t)
    assert "季度" in answer
