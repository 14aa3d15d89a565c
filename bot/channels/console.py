"""The console channel: the same engine on stdin/stdout (`shouhu chat`)."""
from __future__ import annotations

import sys
from typing import TextIO

from core.messages import Inbound, numbered_text

PROMPT = "您："
EXIT_WORDS = {"exit", "quit", ":q"}


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
        for reply in engine.handle(Inbound("console", user_id, line.rstrip("\r\n"))):
            text = numbered_text(reply)
            if reply.link:
                text += f"\n{reply.link}"
            stdout.write(f"守护：{text}\n\n")
        stdout.flush()
        handled += 1
    return handled
