"""Global commands (取消, 帮助, 菜单, 转人工, a menu button that starts a flow) and the handoff
to a person: a mixin of bot.routing.Router (which holds `ctx`, `flows`, `command_flows`
and `_start`)."""
from __future__ import annotations

import logging

from bot import commands as C
from bot.turns import Conv
from core.messages import Inbound, Reply
from core.services import conversations as conv_svc
from handlers import smalltalk as talk
from handlers.base import FlowState, Turn

log = logging.getLogger("bot.routing")


class Commands:
    def _command(self, cmd: str, conv: Conv, turn: Turn, in_danger: bool) -> list[Reply]:
        settings = self.ctx.settings
        if cmd in ("/cancel", "/restart"):
            # A flow may keep more than its state (the report draft): let it forget that too.
            hook = getattr(self.flows.get(conv.flow or ""), "cancel", None)
            if hook is not None:
                outcome = hook(self.ctx, FlowState(conv.flow, conv.step or "", conv.data), turn)
                conv.reset()
                return list(outcome.replies) if cmd == "/cancel" else talk.menu()
            conv.reset()
            return talk.cancelled() if cmd == "/cancel" else talk.menu()
        if cmd == "/help":
            return talk.respond("help", settings)
        if cmd == "/start":
            conv.reset()
            return talk.respond("greet", settings)
        if cmd == "/menu":
            return talk.menu()
        if cmd == "/human":
            return self._handoff(turn.inbound, conv, in_danger)
        if cmd == "/continue":
            prompt = conv_svc.replies_from_json(conv.meta.get("prompt")) if conv.flow else []
            return [talk.resumed()] + prompt if prompt else talk.menu()
        if cmd in self.command_flows:
            return self._start(self.command_flows[cmd], conv, turn)
        if cmd in C.COMMAND_INTENTS:
            return talk.unavailable(settings)
        return talk.respond("out_of_scope", settings)

    def _handoff(self, inbound: Inbound, conv: Conv, in_danger: bool) -> list[Reply]:
        notifier = self.ctx.services.get("notifier")
        notified = False
        if notifier is not None:
            try:
                with self.ctx.db.begin_nested():  # a failed alert must not undo the turn
                    queued = notifier.notify(self.ctx.db, None, "有群众请求人工服务",
                                             f"渠道：{inbound.channel}\n当前事项：{conv.flow or '无'}\n"
                                             "请到管理后台查看会话并尽快联系。",
                                             urgency="urgent" if in_danger else "high")
                notified = queued is None or queued > 0  # only say so if someone was reached
            except Exception as exc:
                log.error("handoff notification failed: %s", type(exc).__name__)
                log.debug("handoff failure detail", exc_info=True)
        return talk.handoff(self.ctx.settings, notified)
