"""A fictional family registered as through the chat, and staff to read their file."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from core.db import transaction
from core.models import StaffUser
from core.services.entrustments import Family, KidFacts, save_family

T0 = datetime(2026, 9, 1, 2, 0)  # naive UTC: 10:00 in Shanghai


def register(runtime, name="虚构小雨", village="东风村", township="红星镇", age=10, left_days=120,
             other_parent="away", guardian=None, school="红星镇中心小学", now=T0, phone="13800001111") -> int:
    """Save a family; returns the child's id. Left 120 days before `now` by default: left behind."""
    g = {"name": "虚构奶奶", "relation": "奶奶", "phone": "13900002222", "age": 66, "health": "good",
         "lives_with": True}
    g.update(guardian or {})
    with transaction(runtime.sessions) as s:
        saved = save_family(s, Family(
            township=township, village=village, parent_phone=phone, work_city="宁波", work_province="浙江",
            children=[KidFacts(name, "female", age, school, "三年级")], parent_name="虚构爸爸",
            parent_role="father", left_on=(now - timedelta(days=left_days)).date(), other_parent=other_parent,
            guardian=g), None, now=now)
        return saved.child_ids[0]


def staff_in(session, username) -> StaffUser:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def login(client, username, password="correct horse battery"):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": username, "password": password, "csrf_token": token})


def csrf(client, path="/admin/") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
