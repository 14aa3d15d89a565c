"""Play blind persona cards (eval/blind6/conversations.yml format) against the real engine.

    PYTHONPATH=. python bench/blind_conversations.py [FILE] [--transcripts]

Each card is a user: a first message, then `answers` keyed by what they would be asked
(place, child_age, reporter_phone ...). The simulated user reads the bot's LAST reply and
answers the question it recognises (the reply's last lines with a question mark) by generic question words (哪/几岁/电话 ...), never by
the engine's internal step names; a question it cannot place gets "不知道"; a summary gets
the card's correction once, then "确认". A card is completed when the expected record
exists at the end (a case with the expected category, urgency and village; a registration
or update with the expected details) within 15 turns. Prints aggregate figures;
`--transcripts` prints every conversation (which ends the file's blindness). Not a test.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "eval" / "blind6" / "conversations.yml"
MAX_TURNS = 15

# (answer key, question words), first match wins; checked against the bot's last reply.
CUES: list[tuple[str, str]] = [
    ("danger_now", r"危险|安全吗"),
    ("what_happened", r"发生了什么|什么情况|具体说|描述|说说"),
    ("anonymous", r"匿名"),
    ("reporter_unit", r"单位|哪个学校|哪所|医院"),
    ("reporter_phone", r"电话|手机|联系方式"),
    ("reporter_name", r"您.{0,4}(?:名字|姓名|怎么称呼|贵姓)|称呼"),
    ("reporter_role", r"身份|您是|什么人|和孩子.{0,3}关系"),
    ("child_gender", r"男孩|女孩|性别"),
    ("child_age", r"几岁|多大|年龄|年纪|出生"),
    ("child_name", r"孩子.{0,6}(?:名字|姓名|叫什么)|名字|姓名"),
    ("place", r"哪个村|哪个乡|哪里|地点|地址|在哪|乡镇|村"),
]
REGISTER_CUES: list[tuple[str, str]] = [
    ("parent_phone", r"电话|手机|联系方式"),
    ("parent_name", r"您.{0,4}(?:名字|姓名|怎么称呼)|称呼"),
    ("work_place", r"在哪.{0,3}(?:工作|打工|上班|务工)|工作|务工|打工"),
    ("left_when", r"什么时候.{0,4}(?:出去|外出|离开)|外出.{0,3}时间"),
    ("return_when", r"回来|返回|回家"),
    ("other_parent", r"另一|孩子(?:妈妈|爸爸|母亲|父亲)|配偶|爱人"),
    ("guardian", r"照顾|照看|监护|委托"),
    ("children", r"孩子|子女|小孩"),
    ("home_place", r"老家|家在|哪个村|乡镇|村"),
    ("child_name", r"名字|姓名"),
    ("change", r"什么变|哪些变|改什么|变化"),
    ("new_phone", r"新.{0,2}(?:电话|号码)"),
    ("old_phone", r"原来|之前|旧.{0,2}(?:电话|号码)"),
]
SUMMARY = r"确认|对吗|对不对|是否正确|核对|无误"


def answer_for(card: dict, reply: str, used: set[str]) -> str:
    answers = card["answers"]
    lines = [ln for ln in reply.strip().splitlines() if ln.strip()]
    asked = [ln for ln in lines if re.search(r"[？?]", ln)]
    question = "\n".join(asked[-2:] or lines[-1:])
    if re.search(SUMMARY, reply):
        if "correction" in answers and "correction" not in used:
            used.add("correction")
            return answers["correction"]
        return "确认"
    cues = REGISTER_CUES + CUES if card["kind"] != "report" else CUES
    for key, pattern in cues:
        repeatable = key not in used or key in ("reporter_phone", "parent_phone")
        if key in answers and repeatable and re.search(pattern, question):
            used.add(key)
            return said(answers[key])
    return "不知道"


def said(value) -> str:
    """A card's answer as a person types it: a list (several children) one item a line,
    not a YAML dump with "- " bullets."""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def play(runtime, card: dict, user: str, transcript: list[str]) -> int:
    from core.messages import Inbound

    engine = runtime.engine
    used: set[str] = set()
    text, turns = card["first"], 0
    while turns < MAX_TURNS:
        turns += 1
        handled = engine.process(Inbound(channel=card.get("channel", "web"), user_id=user, text=text,
                                         msg_id=f"{user}-{turns}"))
        reply = "\n".join(r.text for r in handled.replies if getattr(r, "text", None))
        transcript += [f"> {text}", reply]
        # Over when no flow waits and the bot asked nothing (the danger question is asked
        # before any flow starts, so a question mark keeps the user talking).
        if engine_idle(runtime, card, user) and not re.search(r"[？?]\s*$", reply.strip()):
            break
        text = answer_for(card, reply, used)
    return turns


def engine_idle(runtime, card: dict, user: str) -> bool:
    """The conversation has ended: no flow is waiting for an answer."""
    from sqlalchemy import select

    from bench.blind_checks import channel_user
    from core.models import ConversationState

    cu_id = channel_user(runtime, card, user)
    with runtime.sessions() as s:
        state = s.scalar(select(ConversationState).where(ConversationState.channel_user_id == cu_id))
        return state is None or not state.flow


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--transcripts", action="store_true", help="print conversations (ends blindness)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.blind_checks import check_card, open_instance, seed_update

    cards = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))["conversations"]
    tmp = Path(tempfile.mkdtemp(prefix="shouhu-blindconv-"))
    os.environ.setdefault("SHOUHU_NLU_MODEL_CACHE", "/tmp/shouhu-bench-nlu-models")  # shared artefacts
    runtime, _ = open_instance(tmp)
    by_kind: Counter = Counter()
    for i, card in enumerate(cards):
        transcript: list[str] = []
        user = f"blind-{i}"
        if card["kind"] == "update":
            seed_update(runtime, card, user)
        turns = play(runtime, card, user, transcript)
        ok, why = check_card(runtime, card, user)
        by_kind[(card["kind"], "n")] += 1
        by_kind[(card["kind"], "ok")] += ok
        by_kind[(card["kind"], "turns")] += turns
        if args.transcripts:
            print(f"--- {card['id']} {'OK' if ok else 'FAILED: ' + why}\n" + "\n".join(transcript))
    n = sum(v for (k, f), v in by_kind.items() if f == "n")
    ok = sum(v for (k, f), v in by_kind.items() if f == "ok")
    print(f"{Path(args.file).name}: completed {ok}/{n} ({ok / n:.0%})")
    for kind in sorted({k for k, _ in by_kind}):
        kn = by_kind[(kind, "n")]
        print(f"  {kind:9} {by_kind[(kind, 'ok')]}/{kn} completed, "
              f"mean turns {by_kind[(kind, 'turns')] / kn:.1f}")


if __name__ == "__main__":
    main()
