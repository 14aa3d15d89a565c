"""The dialogue engine: step(inbound) -> [Reply]. One engine for every channel."""
from __future__ import annotations

from core.messages import Button, Inbound, Reply

MENU = (
    Button("我要报告", "/report"),
    Button("监护登记", "/entrust"),
    Button("政策咨询", "/ask"),
    Button("我的进度", "/status"),
)

WELCOME = ("您好，这里是守护——农村留守儿童关爱保护服务。\n"
           "如果孩子正处在危险中，请马上拨打110。\n"
           "请问您想做什么？")


class Engine:
    def __init__(self, ctx):
        self.ctx = ctx

    def handle(self, inbound: Inbound) -> list[Reply]:
        return [Reply(WELCOME, MENU)]
