"""`shouhu nlu test`: evaluate a parser on held-out Rasa-format data.

Entities are scored by (entity, value) per message, not by exact character span: the
handlers use values, and spans after normalisation are best effort.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .training_data import load_training_data

TARGETS = {"intent_accuracy": 0.95, "macro_f1": 0.93, "urgent_recall": 0.98,
           "urgent_false_alarm_rate": 0.05, "category_accuracy": 0.90}


def _first(entities: list[dict], name: str):
    for e in entities:
        if e.get("entity") == name:
            return e.get("value")
    return None


@dataclass
class _Tally:
    """Counts over one data file, message by message."""
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    ent_tp: Counter = field(default_factory=Counter)
    ent_fp: Counter = field(default_factory=Counter)
    ent_fn: Counter = field(default_factory=Counter)
    urgent: dict = field(default_factory=lambda: {"tp": 0, "fn": 0, "fp": 0, "tn": 0})
    cat_total: int = 0
    cat_ok: int = 0
    missed_urgent: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    cat_errors: list[dict] = field(default_factory=list)

    def add(self, ex, result: dict, syn: dict[str, str]) -> None:
        name = result["intent"]["name"]
        self.gold.append(ex.intent)
        self.pred.append(name)
        if name != ex.intent:
            self.errors.append({"text": ex.text, "line": ex.line, "expected": ex.intent, "predicted": name,
                                "confidence": result["intent"]["confidence"]})
        self._entities(ex, result, syn)
        self._urgency(ex, result)
        self._category(ex, result, syn)

    def _entities(self, ex, result: dict, syn: dict[str, str]) -> None:
        g_ents = Counter((e["entity"], syn.get(e["value"], e["value"])) for e in ex.entities)
        p_ents = Counter((e["entity"], str(e["value"])) for e in result["entities"])
        for (ent, _v), n in (g_ents & p_ents).items():
            self.ent_tp[ent] += n
        for (ent, _v), n in (p_ents - g_ents).items():
            self.ent_fp[ent] += n
        for (ent, _v), n in (g_ents - p_ents).items():
            self.ent_fn[ent] += n

    def _urgency(self, ex, result: dict) -> None:
        g_urg = any(e["entity"] == "urgency" for e in ex.entities)
        p_urg = any(e["entity"] == "urgency" for e in result["entities"])
        key = ("t" if g_urg == p_urg else "f") + ("p" if p_urg else "n")
        self.urgent[key] += 1
        if g_urg and not p_urg:
            self.missed_urgent.append(ex.text)
        if p_urg and not g_urg:
            self.false_alarms.append(ex.text)

    def _category(self, ex, result: dict, syn: dict[str, str]) -> None:
        g_cat = next((syn.get(e["value"], e["value"]) for e in ex.entities if e["entity"] == "category"), None)
        if ex.intent == "report_case" and g_cat:
            self.cat_total += 1
            p_cat = _first(result["entities"], "category")
            self.cat_ok += p_cat == g_cat
            if p_cat != g_cat:
                self.cat_errors.append({"text": ex.text, "expected": g_cat, "predicted": p_cat})


def evaluate(parser, data_path: str | Path, synonyms: dict[str, str] | None = None) -> dict:
    data = load_training_data(data_path)
    syn = {**(synonyms or {}), **data.synonyms}
    t = _Tally()
    for ex in data.examples:
        t.add(ex, parser.parse(ex.text), syn)
    report = {"data": str(data_path), "examples": len(t.gold), **_intent_scores(t.gold, t.pred)}
    n_urg = t.urgent["tp"] + t.urgent["fn"]
    n_non = t.urgent["fp"] + t.urgent["tn"]
    report.update({
        "urgent_recall": round(t.urgent["tp"] / n_urg, 4) if n_urg else 1.0,
        "urgent_false_alarm_rate": round(t.urgent["fp"] / n_non, 4) if n_non else 0.0,
        "urgent_counts": t.urgent,
        "category_accuracy": round(t.cat_ok / t.cat_total, 4) if t.cat_total else 1.0,
        "category_support": t.cat_total,
    })
    report.update(_per_label(t))
    report.update({"errors": t.errors, "missed_urgent": t.missed_urgent, "false_alarms": t.false_alarms,
                   "category_errors": t.cat_errors})
    values = {**report, "macro_f1": report["macro"]["f1"]}
    report["targets"] = {k: {"target": v, "value": values[k],
                             "met": values[k] <= v if "false_alarm" in k else values[k] >= v}
                         for k, v in TARGETS.items()}
    return report


def _intent_scores(gold: list[str], pred: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = sorted(set(gold) | set(pred))
    macro = precision_recall_fscore_support(gold, pred, labels=labels, average="macro", zero_division=0)
    weighted = precision_recall_fscore_support(gold, pred, labels=labels, average="weighted", zero_division=0)
    return {
        "intent_accuracy": round(float(accuracy_score(gold, pred)), 4),
        "macro": {"precision": round(float(macro[0]), 4), "recall": round(float(macro[1]), 4),
                  "f1": round(float(macro[2]), 4)},
        "weighted": {"precision": round(float(weighted[0]), 4), "recall": round(float(weighted[1]), 4),
                     "f1": round(float(weighted[2]), 4)},
    }


def _per_label(t: _Tally) -> dict:
    """Per-intent and per-entity scores, the labels and the confusion matrix."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(t.gold) | set(t.pred))
    p, r, f, s = precision_recall_fscore_support(t.gold, t.pred, labels=labels, zero_division=0)
    per_intent = {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                        "f1": round(float(f[i]), 4), "support": int(s[i])} for i, lab in enumerate(labels)}
    entities = {}
    for ent in sorted(set(t.ent_tp) | set(t.ent_fp) | set(t.ent_fn)):
        tp, fp, fn = t.ent_tp[ent], t.ent_fp[ent], t.ent_fn[ent]
        entities[ent] = {"precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                         "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
                         "support": tp + fn, "predicted": tp + fp}
    return {"per_intent": per_intent, "entities": entities, "labels": labels,
            "confusion": _confusion(t.gold, t.pred, labels)}


def _confusion(gold: list[str], pred: list[str], labels: list[str]) -> list[list[int]]:
    index = {lab: i for i, lab in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        m[index[g]][index[p]] += 1
    return m


def summary(report: dict) -> str:
    lines = [f"examples: {report['examples']}  ({report['data']})",
             f"intent accuracy: {report['intent_accuracy']:.2%}",
             f"macro F1: {report['macro']['f1']:.4f}   weighted F1: {report['weighted']['f1']:.4f}",
             (f"URGENT RECALL: {report['urgent_recall']:.2%}  (missed {report['urgent_counts']['fn']} of "
              f"{report['urgent_counts']['tp'] + report['urgent_counts']['fn']}), false alarms: "
              f"{report['urgent_false_alarm_rate']:.2%} ({report['urgent_counts']['fp']} of "
              f"{report['urgent_counts']['fp'] + report['urgent_counts']['tn']} non-urgent)"),
             (f"category accuracy on reports: {report['category_accuracy']:.2%} "
              f"(n={report['category_support']})"), "", f"{'intent':24} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>4}"]
    for lab, m in report["per_intent"].items():
        lines.append(f"{lab:24} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:4d}")
    lines += ["", f"{'entity':24} {'prec':>6} {'rec':>6} {'n':>4}"]
    for ent, m in report["entities"].items():
        lines.append(f"{ent:24} {m['precision']:6.3f} {m['recall']:6.3f} {m['support']:4d}")
    lines += ["", "targets:"]
    for k, t in report["targets"].items():
        lines.append(f"  {k:26} {t['value']:.4f}  target {t['target']}  {'met' if t['met'] else 'NOT MET'}")
    if report["errors"]:
        lines += ["", f"intent errors ({len(report['errors'])}):"]
        lines += [f"  {e['expected']} -> {e['predicted']} ({e['confidence']:.2f}): {e['text']}" for e in report["errors"]]
    if report["missed_urgent"]:
        lines += ["", "MISSED URGENT:"] + [f"  {t}" for t in report["missed_urgent"]]
    return "\n".join(lines)


def write_report(report: dict, out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / "report.json", out / "summary.txt", out / "confusion.png"]
    files[0].write_text(json.dumps({k: v for k, v in report.items()}, ensure_ascii=False, indent=1,
                                   default=str), encoding="utf-8")
    files[1].write_text(summary(report) + "\n", encoding="utf-8")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, m = report["labels"], report["confusion"]
    fig, ax = plt.subplots(figsize=(9, 8))
    ax.imshow(m, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i, row in enumerate(m):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                        color="white" if v > max(map(max, m)) / 2 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    ax.set_title(f"intent confusion, accuracy {report['intent_accuracy']:.1%}")
    fig.tight_layout()
    fig.savefig(files[2], dpi=110)
    plt.close(fig)
    return files
