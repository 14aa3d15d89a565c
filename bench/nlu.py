"""NLU speed and size: training time, artefact load time, parse p50/p99, resident memory.

    PYTHONPATH=. python bench/nlu.py [--data FILE ...] [--model-dir DIR] [--rounds N] [--threads N]

--data: the messages to parse, Rasa-format (default nlu/data/test.yml: short phrasings) or
eval files with `items` (eval/blind*/first_reports.yml: whole first reports as users write
them, p50 45 characters; the encoder's cost grows with the length, so these are the
realistic measure).

Parse times include the sentence encoder (`--threads`, default 1, passed on as
SHOUHU_ENCODER_THREADS; OMP_* variables are passed through). Wall times depend on what
else runs on the machine: the load average before and after is printed, and so is the CPU
time of each parse (all threads), which does not. --model-dir reuses (or trains once
into) DIR instead of training into a fresh folder.

Prints figures; not a test. Serving is measured in a fresh subprocess so that scikit-learn
(needed only for training) is not counted in load time or memory.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from nlu import load_parser
from nlu.training_data import load_training_data
t1 = time.perf_counter()
parser = load_parser({}, sys.argv[1])
t2 = time.perf_counter()
first = time.perf_counter(); parser.parse("我孙子一整夜没回来"); first = time.perf_counter() - first
import yaml
texts = []
for f in sys.argv[2].split("\n"):  # Rasa-format data, or an eval file's `items`
    doc = yaml.safe_load(open(f, encoding="utf-8"))
    texts += [i["text"] for i in doc["items"]] if isinstance(doc, dict) and "items" in doc else \
        [e.text for e in load_training_data(f).examples]
times, cpu = [], []
for _ in range(int(sys.argv[3])):
    for t in texts:
        c = time.process_time(); s = time.perf_counter(); parser.parse(t)
        times.append(time.perf_counter() - s); cpu.append(time.process_time() - c)
times.sort(); cpu.sort()
q = lambda p, xs=times: xs[min(len(xs) - 1, int(p * len(xs)))] * 1000
long_text = "孩子" * 5000
s = time.perf_counter(); parser.parse(long_text); long_ms = (time.perf_counter() - s) * 1000
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "first_parse_ms": first * 1000,
    "parses": len(times), "cpu_p50_ms": q(0.50, cpu), "cpu_p99_ms": q(0.99, cpu), "p50_ms": q(0.50), "p90_ms": q(0.90), "p99_ms": q(0.99), "max_ms": times[-1] * 1000,
    "parse_10000_chars_ms": long_ms,
    # VmHWM, not ru_maxrss: ru_maxrss survives exec and would count the training parent
    "rss_mb": int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", nargs="+", default=[str(ROOT / "nlu" / "data" / "test.yml")])
    ap.add_argument("--model-dir")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1, help="encoder threads (SHOUHU_ENCODER_THREADS)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from nlu import DEFAULT_DATA, train
    from nlu.pipeline import ensure_model

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = ensure_model(args.model_dir, DEFAULT_DATA) if args.model_dir else train(DEFAULT_DATA, tmp)
        tmp = str(args.model_dir or tmp)
        train_s = time.perf_counter() - started
        size_kb = sum(f.stat().st_size for f in path.iterdir()) / 1024
        env = {"PYTHONPATH": str(ROOT), "PATH": "", "HOME": str(Path.home()),
               "SHOUHU_ENCODER_THREADS": str(args.threads),
               **{k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_"))}}
        load_before = os.getloadavg()[0]
        out = subprocess.run([sys.executable, "-c", SERVE, tmp, "\n".join(args.data), str(args.rounds)], cwd=ROOT, check=True,
                             capture_output=True, text=True, env=env)
        r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"training (incl. sklearn import, intent, category and urgency models): {train_s:.2f} s")
    print(f"artefact size: {size_kb:.0f} kB")
    print(f"import nlu: {r['import_s']*1000:.0f} ms; load artefact: {r['load_s']*1000:.0f} ms; "
          f"first parse: {r['first_parse_ms']:.0f} ms")
    print(f"parse over {r['parses']} held-out messages: p50 {r['p50_ms']:.3f} ms, p90 {r['p90_ms']:.3f} ms, "
          f"p99 {r['p99_ms']:.3f} ms, max {r['max_ms']:.2f} ms; 10,000-char message {r['parse_10000_chars_ms']:.1f} ms")
    print(f"CPU time per parse (all threads): p50 {r['cpu_p50_ms']:.3f} ms, p99 {r['cpu_p99_ms']:.3f} ms; "
          f"encoder threads {args.threads}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"resident memory (max RSS of the serving process): {r['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
