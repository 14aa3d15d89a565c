"""What the channels without a push API (web, console) share: they answer within the
request, and a later message (a case accepted, closed) is seen under "我的报告"."""
from __future__ import annotations

import logging

from core.messages import Media

log = logging.getLogger(__name__)


class LocalChannel:
    name = "local"
    pushes = False

    def __init__(self, get_engine):
        self.get_engine = get_engine

    @classmethod
    def from_deps(cls, deps):
        return cls(deps.get_engine)

    def send_text(self, address: str, text: str) -> None:
        log.debug("no push channel for %s; the reporter sees it under 我的报告", self.name)

    def fetch_media(self, media: Media) -> None:
        return None

    def job_senders(self) -> dict:
        return {}

    def close(self) -> None:
        pass
