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
    # The first message trains the NLU model in this fresh instance: allow for a busy machine.
    WebDriverWait(browser, 60).until(lambda b: any("110" in t for t in _bot_texts(b)))
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#log .bot .btns button")]
    assert "我要报告" in buttons and "政策咨询" in buttons
    box = browser.find_element(By.ID, "t")
    box.send_keys("儿童主任多久来家访一次")
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    WebDriverWait(browser, 15).until(lambda b: any("来源" in t for t in _bot_texts(b)))
    answer = next(t for t in _bot_texts(browser) if "来源" in t)
    assert "季度" in answer


LOSE_FIRST_REPLY = """
const realFetch = window.fetch; window.__bodies = [];
window.fetch = async (url, opts) => {
  window.__bodies.push(opts && opts.body);
  const r = await realFetch(url, opts);           // the server gets and handles it...
  if (opts && opts.body && opts.body.includes(arguments[0]) && !window.__lost) {
    window.__lost = true; throw new TypeError('network');   // ...but the reply is lost
  }
  return r;
};
"""


def test_a_lost_reply_is_fetched_again_with_the_same_message_id(live_server, browser, app):
    from sqlalchemy import func, select

    from core.models import InboundMessage
    runtime = app.extensions["shouhu"]
    browser.get(live_server + "/")
    WebDriverWait(browser, 60).until(lambda b: any("110" in t for t in _bot_texts(b)))
    with runtime.sessions() as s:
        before = s.scalar(select(func.count()).select_from(InboundMessage))
    browser.execute_script(LOSE_FIRST_REPLY.replace("arguments[0]", "'我的报告'"))
    box = browser.find_element(By.ID, "t")
    box.send_keys("我的报告")
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    WebDriverWait(browser, 30).until(lambda b: any("还没有在这里提交过报告" in t for t in _bot_texts(b)))
    bodies = [b for b in browser.execute_script("return window.__bodies") if "我的报告" in b]
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # sent twice, with the same msg_id
    assert '"msg_id":"web-' in bodies[0]
    assert sum("还没有在这里提交过报告" in t for t in _bot_texts(browser)) == 1
    with runtime.sessions() as s:  # the server logged and handled it once
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == before + 1
