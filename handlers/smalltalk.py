"""Small talk and the engine's own words: greetings, help, thanks, goodbye, the menu,
the clarifying question, human handoff, the idle "continue or start over?" choice.

Stateless: every answer is a pure function of the intent and the region's settings, so
there is no flow state to persist.

```mermaid
flowchart LR
    greet --> welcome[welcome + menu]
    help --> helptext[what I can do + menu]
    thanks --> yourewelcome[不客气 + menu]
    goodbye --> bye[再见, 110 reminder]
    out_of_scope --> sorry[not understood + menu]
```
"""
from __future__ import annotations

from core.messages import Button, Reply

MENU = (
    Button("我要报告", "/report"),
    Button("监护登记", "/entrust"),
    Button("政策咨询", "/ask"),
    Button("我的进度", "/status"),
)
# Which menu entry an intent stands for (used by the clarifying question).
INTENT_MENU: dict[str, Button] = {
    "report_case": MENU[0],
    "register_entrustment": MENU[1],
    "update_entrustment": MENU[1],
    "ask_policy": MENU[2],
    "check_status": MENU[3],
    "human_handoff": Button("找工作人员", "/human"),
}
CONTINUE = Button("继续", "/continue")
RESTART = Button("重新开始", "/restart")

WELCOME = ("您好，这里是守护——农村留守儿童关爱保护服务。\n"
           "如果孩子正处在危险中，请马上拨打110。\n"
           "请问您想做什么？")
HELP = ("我可以帮您：\n"
        "· 报告孩子遇到的危险或困难（我要报告）\n"
        "· 外出务工时登记孩子由谁照看（监护登记）\n"
        "· 问问关爱政策和补助（政策咨询）\n"
        "· 查看您报告的处理进度（我的进度）\n"
        "随时说“取消”可以重新开始，说“转人工”可以找工作人员。\n"
        "孩子有危险请直接拨打110。\n"
        # "有人能帮帮我吗" is often the start of a report: ask, and the answer is read as one
        "直接说说发生了什么就行：遇到什么事了？")

# Someone asks what to do about their own child's trouble: we take it from here.
HELP_BY_REPORTING = Reply("别着急，这件事可以交给我们：我先把孩子的情况记下来，转给当地的儿童主任跟进，需要时会通知派出所和学校。")


def phones(settings) -> dict:
    region = settings.section("region") if settings is not None else {}
    hot = region.get("hotlines") or {}
    return {"civil": str(region.get("civil_affairs_phone") or "12345"),
            "police": str(hot.get("police", "110")),
            "citizen": str(hot.get("citizen_service", "12345"))}


def respond(intent: str, settings=None) -> list[Reply]:
    if intent == "greet":
        return [Reply(WELCOME, MENU)]
    if intent == "help":
        return [Reply(HELP, MENU)]
    if intent == "thanks":
        return [Reply("不客气！孩子的事就是大事，有需要随时找我们。", MENU)]
    if intent == "goodbye":
        return [Reply("再见！如果孩子遇到危险，请马上拨打110。有事随时回来找我们。")]
    if intent in ("affirm", "deny"):
        return [Reply("好的。请问您想做什么？", MENU)]
    return [Reply("抱歉，我没太明白您的意思。您可以点下面的选项，"
                  "或者直接说“我要报告”“监护登记”。孩子有危险请直接拨打110。", MENU)]


def menu() -> list[Reply]:
    return [Reply("请问您想做什么？", MENU)]


def cancelled() -> list[Reply]:
    return [Reply("好的，已经取消，我们重新开始。", MENU)]


def handoff(settings, notified: bool) -> list[Reply]:
    p = phones(settings)
    first = ("好的，已经通知值班的工作人员，他们会尽快联系您。" if notified
             else "好的，我们帮您找工作人员。")
    return [Reply(f"{first}\n您也可以直接打电话：\n"
                  f"· 民政部门：{p['civil']}\n· 政务服务热线：{p['citizen']}\n"
                  f"· 孩子有危险请马上拨打 {p['police']}")]


def clarify(options: list[Button]) -> list[Reply]:
    return [Reply("我想确认一下，您是想做下面哪件事？", tuple(options) + (Button("都不是", "/menu"),))]


def resume_question() -> list[Reply]:
    return [Reply("欢迎回来！上次的事情还没办完，您想继续还是重新开始？", (CONTINUE, RESTART))]


def resumed() -> Reply:
    return Reply("好的，我们接着上次的继续。")


def unavailable(settings) -> list[Reply]:
    p = phones(settings)
    return [Reply(f"这项服务暂时还不能在这里办理，请拨打民政部门电话 {p['civil']} "
                  f"或 {p['citizen']} 咨询。", MENU)]


def apology(settings) -> list[Reply]:
    p = phones(settings)
    return [Reply("抱歉，系统刚才出了点问题，您说的话我们已经记下了。请稍后再发一次，"
                  f"或直接拨打民政部门电话 {p['civil']}；孩子有危险请马上拨打 {p['police']}。")]


def busy(settings) -> list[Reply]:
    """The message could not be stored: nothing of it happened, so say so plainly."""
    p = phones(settings)
    return [Reply("系统繁忙，您刚才的消息没有处理成功，请稍后再发一次。"
                  f"紧急情况请直接拨打 {p['police']}；也可以拨打民政部门电话 {p['civil']}。")]


def empty() -> list[Reply]:
    return [Reply("我没有收到文字。请把您想说的话打出来发给我，或点下面的选项。", MENU)]


def voice_unrecognised() -> list[Reply]:
    return [Reply("抱歉，这条语音我没能听清。请把您想说的话打成文字发给我好吗？"
                  "孩子有危险请直接拨打110。")]


def unsupported() -> list[Reply]:
    return [Reply("这种消息我暂时看不懂。请用文字告诉我，也可以发送图片或位置。", MENU)]


def media_received() -> list[Reply]:
    return [Reply("收到您发的图片了。请问您想做什么？如需报告情况，请点“我要报告”。", MENU)]


def location_received() -> list[Reply]:
    return [Reply("收到您的位置了。请问您想做什么？如需报告情况，请点“我要报告”。", MENU)]
