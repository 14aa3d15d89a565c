"""Side by side on the same files: our embedded NLU against a real Rasa 3.6 DIET pipeline.

    bench/rasa_setup.sh                      # once: Python 3.10 venv with rasa 3.6 (~2.7 GB)
    PYTHONPATH=. python bench/rasa_compare.py FILE [FILE ...] [--ours-only] [--retrain]

FILE: items with `text`, `intent`, `category` (or null) and `urgent` (eval/blind7/*.yml).
Ours: the shipped pipeline (rules + character n-grams + e5 + stacked meta-model), trained
fresh from nlu/data/nlu.yml with a cold embedding cache; urgency is the engine's decision
(bench/urgency_system.py: an urgent item is caught on yes or unsure, a calm one is a false
alarm on yes only). Rasa: three DIET models exported from the same file
(bench/rasa_export.py: intent, category, urgent/not_urgent), trained with `rasa train nlu`
(cached under ~/.cache/shouhu/rasa-models by a hash of data + config; `--retrain` forces),
served in one process by rasa.core.agent (bench/rasa_worker.py). Each side is trained and
served in its own fresh process at the same niceness; ready = imports + model load + first
parse; latency = one message through the whole model (all three Rasa models), after
warm-up; RSS of the serving process. Prints a Markdown table. Not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("SHOUHU_RASA_VENV", Path.home() / ".cache" / "shouhu" / "rasa-venv"))
CACHE = Path(os.environ.get("SHOUHU_RASA_MODELS", Path.home() / ".cache" / "shouhu" / "rasa-models"))
WARM_UP = "村里有个孩子一个人在家好几天了，没人管"  # a first parse that goes through every model


def load_items(files: list[str]) -> list[dict]:
    items = []
    for f in files:
        for it in yaml.safe_load(Path(f).read_text(encoding="utf-8"))["items"]:
            items.append({"file": Path(f).name, "text": it["text"], "intent": it["intent"],
                          "category": it.get("category"), "urgent": bool(it.get("urgent"))})
    return items


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_ours_serve(data: str, model_dir: str, texts: list[str]) -> dict:
    """In a fresh process: load our parser, parse every text; predictions and timings."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from bench.urgency_system import verdict
    from nlu import load_parser

    parser = load_parser({"data": data}, model_dir)
    parser.parse(WARM_UP)
    ready = time.perf_counter() - started
    preds, latency = [], []
    for text in texts:
        t0 = time.perf_counter()
        result = parser.parse(text)
        latency.append((time.perf_counter() - t0) * 1000)
        cats = [e["value"] for e in result.get("entities", []) if e.get("entity") == "category"]
        preds.append({"intent": (result.get("intent") or {}).get("name"),
                      "category": cats[0] if cats else None, "verdict": verdict(text, result)})
    return {"ready_seconds": ready, "preds": preds, "latency_ms": latency,
            "rss_mb": _status_mb("VmRSS"), "peak_rss_mb": _status_mb("VmHWM")}


def _run(cmd: list[str], nice: int, env: dict | None = None, cwd: str | None = None) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(["nice", "-n", str(nice), *cmd], check=False,
                          env={**os.environ, **(env or {})}, cwd=cwd,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd[:4])} ...")
    return time.perf_counter() - t0


def run_ours(data: str, texts_file: str, work: Path, nice: int) -> dict:
    model_dir, cache = work / "ours-model", work / "ours-embed-cache"
    env = {"PYTHONPATH": str(ROOT), "SHOUHU_EMBED_CACHE": str(cache), "SHOUHU_NLU_MODEL_CACHE": ""}
    train = _run([sys.executable, "-c", f"import nlu; nlu.train({data!r}, {str(model_dir)!r})"], nice, env)
    out = work / "ours.json"
    _run([sys.executable, str(Path(__file__)), "--worker-ours", texts_file, "--out", str(out),
          "--data", data, "--model-dir", str(model_dir)], nice, env)
    return {**json.loads(out.read_text(encoding="utf-8")), "train_seconds": train, "train_cached": False}


def train_rasa(task: str, info: dict, nice: int, retrain: bool) -> dict:
    """The task's model archive, trained now or reused from the cache (same data + config)."""
    target = CACHE / f"{task}-{info['hash']}"
    record = target / "train.json"
    if record.exists() and (target / "model.tar.gz").exists() and not retrain:
        return {**json.loads(record.read_text()), "model": str(target / "model.tar.gz"), "cached": True}
    target.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    seconds = _run([str(VENV / "bin" / "rasa"), "train", "nlu", "--nlu", "data/nlu.yml", "--config",
                    "config.yml", "--out", str(target), "--fixed-model-name", "model"], nice,
                   {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}, cwd=info["dir"])
    rec = {"seconds": round(seconds, 1), "examples": info["examples"], "labels": info["labels"],
           "loadavg_before": load_before, "loadavg_after": os.getloadavg()[0],
           "trained_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    record.write_text(json.dumps(rec, indent=1))
    return {**rec, "model": str(target / "model.tar.gz"), "cached": False}


def run_rasa(data: str, texts_file: str, work: Path, nice: int, epochs: int, retrain: bool) -> dict:
    from bench.rasa_export import TASKS, export

    if not (VENV / "bin" / "rasa").exists():
        raise SystemExit(f"no Rasa venv at {VENV}: run bench/rasa_setup.sh first (or --ours-only)")
    exported = export(data, work / "rasa-project", epochs=epochs)
    trained = {}
    for task in TASKS:
        print(f"rasa: {task} model ({exported[task]['examples']} examples) ...", file=sys.stderr, flush=True)
        trained[task] = train_rasa(task, exported[task], nice, retrain)
    out = work / "rasa.json"
    _run([str(VENV / "bin" / "python"), str(ROOT / "bench" / "rasa_worker.py"), "--models",
          json.dumps({t: trained[t]["model"] for t in TASKS}), "--texts", texts_file, "--out", str(out)],
         nice, {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"})
    served = json.loads(out.read_text(encoding="utf-8"))
    preds = []
    for i in range(len(served["latency_ms"])):
        lab = {t: served["labels"][t][i][0] for t in TASKS}
        preds.append({"intent": lab["intent"], "category": lab["category"],
                      "verdict": "yes" if lab["urgency"] == "urgent" else "no"})
    return {**served, "preds": preds, "train_seconds": sum(trained[t]["seconds"] for t in TASKS),
            "train_cached": any(trained[t]["cached"] for t in TASKS), "trained": trained}


def score(items: list[dict], preds: list[dict], file: str | None = None) -> dict:
    c = dict.fromkeys(("n", "intent", "with_cat", "cat", "urgent", "caught", "calm", "alarms", "asked"), 0)
    for it, p in zip(items, preds, strict=True):
        if file and it["file"] != file:
            continue
        c["n"] += 1
        c["intent"] += p["intent"] == it["intent"]
        if it["category"]:
            c["with_cat"] += 1
            c["cat"] += p["category"] == it["category"]
        if it["urgent"]:
            c["urgent"] += 1
            c["caught"] += p["verdict"] != "no"
        else:
            c["calm"] += 1
            c["alarms"] += p["verdict"] == "yes"
            c["asked"] += p["verdict"] == "unsure"
    return c


def _pct(a: int, b: int) -> str:
    return f"{a / b:.1%} ({a}/{b})" if b else "n/a"


def _quantiles(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"{q[49]:.1f} / {q[94]:.1f} / {q[98]:.1f}"


def table(items: list[dict], sides: dict[str, dict], files: list[str]) -> str:
    rows = ["| measure | " + " | ".join(sides) + " |", "|---|" + "---|" * len(sides)]

    def row(label: str, cells: list[str]) -> None:
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    for f in dict.fromkeys(Path(x).name for x in files):
        sc = [score(items, s["preds"], f) for s in sides.values()]
        row(f"`{f}`: intent", [_pct(c["intent"], c["n"]) for c in sc])
        if sc[0]["with_cat"]:
            row(f"`{f}`: category", [_pct(c["cat"], c["with_cat"]) for c in sc])
        if sc[0]["urgent"]:
            row(f"`{f}`: urgent caught", [_pct(c["caught"], c["urgent"]) for c in sc])
        row(f"`{f}`: calm answered as emergency", [_pct(c["alarms"], c["calm"]) for c in sc])
    s = list(sides.values())
    row("training (wall clock)", [f"{x['train_seconds']:.0f} s" + (" (cached)" if x["train_cached"] else "") for x in s])
    row("ready (imports + load + first parse)", [f"{x['ready_seconds']:.1f} s" for x in s])
    row("serving process RSS / peak", [f"{x['rss_mb']:.0f} / {x['peak_rss_mb']:.0f} MB" for x in s])
    row("parse p50 / p95 / p99", [_quantiles(x["latency_ms"]) + " ms" for x in s])
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--ours-only", action="store_true", help="skip Rasa")
    ap.add_argument("--retrain", action="store_true", help="train the Rasa models even if cached")
    ap.add_argument("--epochs", type=int, default=100, help="DIET epochs (default 100)")
    ap.add_argument("--nice", type=int, default=15, help="niceness of every child process (default 15)")
    ap.add_argument("--data", default=str(ROOT / "nlu" / "data" / "nlu.yml"))
    ap.add_argument("--worker-ours", metavar="TEXTS", help=argparse.SUPPRESS)
    ap.add_argument("--model-dir", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker_ours:
        texts = json.loads(Path(args.worker_ours).read_text(encoding="utf-8"))
        result = worker_ours_serve(args.data, args.model_dir, texts)
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return
    if not args.files:
        ap.error("give at least one FILE")
    sys.path.insert(0, str(ROOT))
    items = load_items(args.files)
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="rasa-compare-") as tmp:
        work = Path(tmp)
        texts_file = work / "texts.json"
        texts_file.write_text(json.dumps([it["text"] for it in items], ensure_ascii=False), encoding="utf-8")
        sides = {"ours (rules + char n-grams + e5 + meta)": run_ours(args.data, str(texts_file), work, args.nice)}
        if not args.ours_only:
            sides[f"Rasa 3.6 DIET ({args.epochs} epochs)"] = run_rasa(args.data, str(texts_file), work, args.nice,
                                                                     args.epochs, args.retrain)
    load_end = os.getloadavg()
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} CPUs, "
          f"load average {load_start[0]:.2f} at start, {load_end[0]:.2f} at end; every process at nice "
          f"{args.nice}; files: {', '.join(args.files)}; training data: {Path(args.data).name}\n")
    print(table(items, sides, args.files))
    for name, side in sides.items():
        for task, rec in (side.get("trained") or {}).items():
            print(f"\n{name} {task}: {rec['examples']} examples, {rec['labels']} labels, trained in "
                  f"{rec['seconds']} s at {rec['trained_at']} (load {rec['loadavg_before']:.1f}"
                  f"→{rec['loadavg_after']:.1f}){' (cached)' if rec['cached'] else ''}", end="")
    print()


if __name__ == "__main__":
    main()
