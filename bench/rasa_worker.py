"""Serve trained Rasa NLU models in one process and parse a list of texts (Rasa's venv).

    <rasa-venv>/bin/python bench/rasa_worker.py --models JSON --texts FILE --out FILE

Runs under Rasa's Python 3.10, imports nothing of the project. `--models` maps a task name
to a trained model archive; every text is parsed by every model, as one message would be.
Writes {"ready_seconds", "import_seconds", "labels": {task: [[name, confidence], ...]},
"latency_ms": [...], "rss_mb", "peak_rss_mb"}. ready = import rasa + load every model +
a first parse; latency = the sum of the models' parse times for one message, after that
first (warm-up) parse.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import time

WARM_UP = "村里有个孩子一个人在家好几天了，没人管"  # a first parse that goes through every model


def _status_mb(key: str) -> float:
    with open("/proc/self/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


async def run(models: dict[str, str], texts: list[str]) -> dict:
    started = time.perf_counter()
    from rasa.core.agent import Agent

    imported = time.perf_counter()
    agents = {task: Agent.load(path) for task, path in models.items()}
    for agent in agents.values():
        await agent.parse_message(WARM_UP)
    ready = time.perf_counter()
    labels: dict[str, list] = {task: [] for task in agents}
    latency = []
    for text in texts:
        t0 = time.perf_counter()
        for task, agent in agents.items():
            intent = (await agent.parse_message(text)).get("intent") or {}
            labels[task].append([intent.get("name"), float(intent.get("confidence") or 0.0)])
        latency.append((time.perf_counter() - t0) * 1000)
    return {"import_seconds": imported - started, "ready_seconds": ready - started, "labels": labels,
            "latency_ms": latency, "rss_mb": _status_mb("VmRSS"), "peak_rss_mb": _status_mb("VmHWM")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True, help='JSON {"task": "model.tar.gz"}')
    ap.add_argument("--texts", required=True, help="JSON list of texts")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    with open(args.texts, encoding="utf-8") as f:
        texts = json.load(f)
    result = asyncio.run(run(json.loads(args.models), texts))
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
