"""Chinese NLU for Shouhu: Rasa-format results from an embedded model or a Rasa server.

Public API:
    load_parser(config, model_dir, gazetteer=None) -> Parser
    Parser.parse(text) -> dict (Rasa's /model/parse format), never raises
    Parser.set_gazetteer({"township": {name: [aliases]}, "village": {...}})
    Parser.is_uncertain(result) -> bool
"""
from __future__ import annotations

from pathlib import Path

from .parser import DEMO_GAZETTEER, Parser
from .pipeline import DEFAULT_DATA, ensure_model, train
from .training_data import NluDataError

__all__ = ["DEFAULT_DATA", "DEMO_GAZETTEER", "NluDataError", "Parser", "load_parser", "train"]


def load_parser(config: dict, model_dir: str | Path, gazetteer: dict | None = None) -> Parser:
    """Build the parser the `nlu` config section asks for.

    The embedded model is loaded from `model_dir` (trained there first if missing or stale).
    With `backend: rasa` the returned parser asks the Rasa server and falls back to the
    embedded model when the server cannot be reached.
    """
    config = config or {}
    kwargs = {"min_confidence": float(config.get("min_confidence", 0.45)),
              "ambiguity_margin": float(config.get("ambiguity_margin", 0.12)),
              "gazetteer": gazetteer}
    data = Path(config.get("data") or DEFAULT_DATA)
    path = ensure_model(model_dir, data, config.get("pipeline"))
    embedded = Parser.from_dir(path, **kwargs)
    backend = str(config.get("backend", "embedded")).lower()
    if backend == "embedded":
        return embedded
    if backend == "rasa":
        from .rasa_http import RasaParser

        rasa = config.get("rasa") or {}
        return RasaParser(url=rasa.get("url", "http://127.0.0.1:5005"), token=rasa.get("token") or "",
                          timeout=float(rasa.get("timeout_seconds", 2.0)), fallback=embedded)
    raise ValueError(f"nlu.backend must be 'embedded' or 'rasa', not {backend!r}")
