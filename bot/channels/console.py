"""The console channel: the same engine on stdin/stdout (`shouhu chat`)."""
from __future__ import annotations

import logging
import sys
from typing import TextIO

from bot.channels.inbound import clean_inbound
from bot.channels.local import LocalChannel
from core.messages import Inbound, numbered_text

log = logging.getLogger(__name__)
PROMPT = "您："
EXIT_WORDS = {"exit", "quit", ":q"}


class ConsoleChannel(LocalChannel):
    """A terminal session: no webhook, and no way to reach a user between turns."""

    name = "console"

    @staticmethod
    def make_blueprint(get_channel) -> None:
        return None


def run(engine, user_id: str = "console", stdin: TextIO | None = None,
        stdout: TextIO | None = None) -> int:
    """Read lines until EOF or "exit"; returns the number of messages handled."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    interactive = stdin.isatty()
    stdout.write("守护 · 对话测试（输入 exit 退出）\n")
    handled = 0
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in EXIT_WORDS:
            break
        inbound = clean_inbound(Inbound("console", user_id, line.rstrip("\r\n")))
        for reply in engine.handle(inbound):
            text = numbered_text(reply)
            if reply.link:
                text += f"\n{reply.link}"
            stdout.write(f"守护：{text}\n\n")
        stdout.flush()
        handled += 1
    return handled
