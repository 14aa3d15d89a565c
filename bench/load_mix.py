"""The traffic mix of bench/load.py: whole conversations as real users have them, and the
WeChat signing and AES encryption of each message (real wechatpy crypto)."""
from __future__ import annotations

import hashlib
import random
import time
import xml.etree.ElementTree as ET

from bench.webhook import TOKEN

# Reports of 4-8 turns (step by step, in one message, urgent), fictional people and places.
REPORTS = [
    ["你好", "我要报告", "我孙子他爸喝醉了就打他，身上青一块紫一块", "青山镇白沙村", "十岁", "确认"],
    ["我要报告", "我孙子他爸喝醉了就打他，身上青一块紫一块", "青山镇白沙村", "十岁",
     "年龄说错了，是9岁", "确认", "我的进度", "谢谢"],
    ["你好", ("我是红星镇中心小学的李老师，电话13800001234。我们班有个8岁的男孩住在向阳村，"
              "父母都在外地打工，他一个人住了一个星期了"), "1", "我的进度", "谢谢"],
    ["快来人！红星镇东风村有个7岁的孩子正在被他爸爸打，一直在哭喊，我是邻居", "确认", "谢谢", "再见"],
]
REGISTRATION = ("我叫张建国，电话{phone}，在浙江宁波工地上干活，去年3月出来的，过年回去。孩子王小雨10岁女孩，"
                "在红星镇中心小学三年级，家在东风村，孩子妈妈也在外面打工。由奶奶李桂兰照顾，奶奶电话13900002222，"
                "68岁身体还行，跟孩子住一起。我是孩子爸爸")
POLICY = [["你好", "留守儿童的监护人有哪些责任？", "父母外出打工要委托谁照顾孩子", "谢谢"],
          ["发现孩子被打老师必须报告吗", "要找哪个部门", "好的谢谢"]]
STATUS = [["我的进度", "谢谢"], ["你好", "我的进度", "再见"]]
GREETINGS = [["你好", "帮助", "谢谢"], ["你好", "再见"]]
# kind -> share of conversations
MIX = {"report": 0.35, "registration": 0.10, "update": 0.05, "policy": 0.20, "status": 0.15,
       "greeting": 0.15}


def _registration(n: int, update: bool) -> list[str]:
    texts = ["你好", REGISTRATION.format(phone=f"137{n:08d}"), "确认登记"]
    return texts + (["从宁波换到天津工作了", "确认修改", "谢谢"] if update else ["谢谢"])


def conversation_mix(n: int, rng: random.Random, prefix: str) -> list[tuple[str, list[str]]]:
    """n conversations (user id, messages), drawn from MIX; each user id is new."""
    kinds, weights = zip(*MIX.items())
    out = []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        user = f"{prefix}{i:06d}{rng.randrange(10**6):06d}"
        if kind == "report":
            texts = rng.choice(REPORTS)
        elif kind in ("registration", "update"):
            texts = _registration(abs(hash(user)) % 10**8, kind == "update")
        else:
            texts = rng.choice({"policy": POLICY, "status": STATUS, "greeting": GREETINGS}[kind])
        out.append((user, list(texts)))
    return out


_MSG_IDS = iter(range(10**12, 10**13))


def sign_and_encrypt(crypto, user: str, text: str, nonce: str) -> tuple[str, bytes]:
    """The URL path and body of a safe-mode POST, as WeChat's servers send it."""
    ts = str(int(time.time()))
    nonce = hashlib.md5(nonce.encode()).hexdigest()[:16]
    xml = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]>"
           f"</FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{text}]]></Content><MsgId>{next(_MSG_IDS)}</MsgId></xml>")
    enc = ET.fromstring(crypto.encrypt_message(xml, nonce, ts))
    body = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{enc.findtext('Encrypt')}]]>"
            f"</Encrypt></xml>").encode()
    sig = hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()
    path = (f"/wechat?signature={sig}&timestamp={ts}&nonce={nonce}&openid={user}"
            f"&encrypt_type=aes&msg_signature={enc.findtext('MsgSignature')}")
    return path, body
