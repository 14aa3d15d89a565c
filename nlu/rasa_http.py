"""The same Parser interface backed by a real Rasa server's POST /model/parse.

Township and village values come from our gazetteer (a Rasa model trained on nlu.yml does
not know the deployment's jurisdiction), so they are added from the embedded rules; any
failure of the server (down, slow, bad JSON) falls back to the embedded model.
"""
from __future__ import annotations

import logging
import time

import httpx

from .parser import Parser

log = logging.getLogger(__name__)


class RasaParser:
    def __init__(self, url: str, fallback: Parser, token: str = "", timeout: float = 2.0,
                 retry_after: float = 30.0):
        self.url = url.rstrip("/") + "/model/parse"
        self.token, self.timeout, self.fallback = token, float(timeout), fallback
        self.retry_after = retry_after  # after a failure, skip the server for this long
        self._down_until = 0.0
        self._client = httpx.Client(timeout=self.timeout)

    @property
    def min_confidence(self) -> float:
        return self.fallback.min_confidence

    def set_gazetteer(self, gazetteer: dict | None) -> None:
        self.fallback.set_gazetteer(gazetteer)

    def is_uncertain(self, result: dict) -> bool:
        return self.fallback.is_uncertain(result)

    def parse(self, text: str) -> dict:
        text = text if isinstance(text, str) else ("" if text is None else str(text))
        if time.monotonic() >= self._down_until:
            try:
                result = self._ask(text)
                self._down_until = 0.0
                return self._merge_gazetteer(result, text)
            except Exception as exc:  # noqa: BLE001 - unreachable, timeout, HTTP error, malformed answer
                log.warning("Rasa server unavailable (%s); using the embedded model", type(exc).__name__)
                self._down_until = time.monotonic() + self.retry_after
        return self.fallback.parse(text)

    def _ask(self, text: str) -> dict:
        params = {"token": self.token} if self.token else None
        resp = self._client.post(self.url, json={"text": text}, params=params)
        resp.raise_for_status()
        data = resp.json()
        intent = data.get("intent") or {}
        if not isinstance(intent, dict) or "name" not in intent:
            raise ValueError("Rasa answer has no intent")
        ranking = data.get("intent_ranking") or [intent]
        entities = [e for e in data.get("entities") or [] if isinstance(e, dict) and "entity" in e]
        return {"text": text, "intent": {"name": intent.get("name") or "out_of_scope",
                                         "confidence": float(intent.get("confidence") or 0.0)},
                "intent_ranking": [{"name": r.get("name"), "confidence": float(r.get("confidence") or 0.0)}
                                   for r in ranking if isinstance(r, dict)],
                "entities": entities}

    def _merge_gazetteer(self, result: dict, text: str) -> dict:
        have = {e.get("entity") for e in result["entities"]}
        local = self.fallback.parse(text)["entities"]
        extra = [e for e in local if e["entity"] not in have and e["entity"] in ("township", "village")]
        result["entities"] = sorted(result["entities"] + extra, key=lambda e: (e.get("start") or 0))
        return result
