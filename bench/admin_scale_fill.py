"""Fill a PostgreSQL database with a fictional county at scale, for bench/admin_scale.py.

Personal fields are encrypted with the deployment's real cipher (core/crypto.py, Fernet)
and looked up through the real keyed hashes, so rows are as wide as real ones and the
staff pages decrypt them as they would real data. Encrypting every value of 1,000,000
children one by one would take most of an hour on 2 busy cores, so each DISTINCT value
(a pool of names, phones, addresses, texts) is encrypted once with the one cipher, and the
rows are built inside PostgreSQL (INSERT … SELECT over generate_series) from those pools:
a name that recurs in the county recurs with the same ciphertext. Rows are consistent:
a child's name hash is the hash of the name its ciphertext decrypts to, and so on.
"""
from __future__ import annotations

import random
import re
import time

import psycopg
import yaml

from core.crypto import cipher, phone_hash
from core.services.cases import name_hash

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "小子梓浩宇轩欣怡雨涵思佳俊杰明华丽伟芳娟敏静秀英军强磊洋艳勇涛超霞平刚桂兰红梅玉珍凤"
CITIES = ("宁波", "深圳", "东莞", "广州", "杭州", "苏州", "上海", "北京", "厦门", "温州", "泉州", "佛山")
CATEGORY_UNIT = {  # as core/categories.py routes them
    "child_alone": "police", "child_missing": "police", "guardian_unfit": "police",
    "domestic_violence": "police", "injury_or_harm": "police", "dropout": "school", "other": "director",
}


def log(msg: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {msg}", flush=True)


def county(townships: int, villages: int) -> dict:
    """A generated jurisdiction file (the same shape `shouhu jurisdiction load` reads)."""
    return {"region": "示例大县", "townships": [
        {"name": f"第{t + 1}镇", "police_station": f"第{t + 1}镇派出所",
         "schools": [f"第{t + 1}镇中心小学", f"第{t + 1}镇中学"],
         "villages": [f"第{t + 1}镇{v + 1}村" for v in range(villages)]} for t in range(townships)]}


def _names(n: int, rng: random.Random) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        out.add(rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) + "（虚构）")
    return sorted(out)


def values(sizes: dict[str, int], seed: int = 7) -> dict[str, list[str]]:
    """The distinct clear values (the same for the same sizes and seed)."""
    rng = random.Random(seed)
    return {"names": _names(sizes["names"], rng),
            "phones": [f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" for _ in range(sizes["phones"])],
            "texts": [f"虚构：第{i}份报告，邻居说孩子经常一个人在家，晚上没有大人照看，希望有人去看看。"
                      for i in range(sizes["texts"])],
            "addresses": [f"虚构地址：{i % 30 + 1}组{i}号" for i in range(sizes["texts"])]}


def pools(clear: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Each distinct value encrypted once: (idx, ciphertext, lookup hash or None). Names
    have no spaces, so a case's name hash (cases.name_hash) and a child's
    (children.create_child) are the same value."""
    c = cipher()
    return {
        "names": [(i, c.encrypt(v), name_hash(v)) for i, v in enumerate(clear["names"])],
        "phones": [(i, c.encrypt(v), phone_hash(v)) for i, v in enumerate(clear["phones"])],
        "texts": [(i, c.encrypt(v), None) for i, v in enumerate(clear["texts"])],
        "addresses": [(i, c.encrypt(v), None) for i, v in enumerate(clear["addresses"])],
    }


def _copy_pools(cur, data: dict[str, list[tuple]]) -> None:
    for name, rows in data.items():
        cur.execute(f"CREATE TEMP TABLE pool_{name} (idx int PRIMARY KEY, enc text, hash varchar(64))")
        with cur.copy(f"COPY pool_{name} (idx, enc, hash) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


CHILDREN_SQL = """
INSERT INTO child (id, name, name_hash, gender, birth_date, township_id, village_id, school_id,
                   address, status, last_checked_at, created_at)
SELECT g, n.enc, n.hash, CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END,
       date '2012-01-01' + (g % 4000), v.township_id, v.id, s.id, a.enc,
       CASE WHEN g % 10 < 8 THEN 'left_behind' WHEN g % 10 = 8 THEN 'difficult' ELSE 'other' END,
       now() - make_interval(days => g % 200), now() - make_interval(days => 200 + g % 700)
FROM generate_series(%(lo)s, %(hi)s) g
JOIN vmap v ON v.k = g %% %(nv)s
JOIN smap s ON s.township_id = v.township_id AND s.k = g %% 2
JOIN pool_names n ON n.idx = g %% %(nn)s
JOIN pool_addresses a ON a.idx = g %% %(na)s
"""
PARENTS_SQL = """
INSERT INTO parent (id, child_id, relation, name, phone, phone_hash)
SELECT g, g, CASE WHEN g % 3 = 0 THEN 'mother' ELSE 'father' END, n.enc, p.enc, p.hash
FROM generate_series(%(lo)s, %(hi)s) g
JOIN pool_names n ON n.idx = (g * 7) %% %(nn)s
JOIN pool_phones p ON p.idx = g %% %(np)s
"""
ENTRUST_SQL = """
INSERT INTO entrustment (child_id, version, parent_id, work_city, guardian_name, guardian_relation,
                         guardian_phone, guardian_phone_hash, parent_phone, other_parent,
                         left_on, created_at, created_by)
SELECT g, 1, g, (ARRAY['宁波','深圳','东莞','广州','杭州','苏州'])[1 + g %% 6], n.enc, '祖母',
       p.enc, p.hash, q.enc, 'away', date '2024-03-01', now() - make_interval(days => 200 + g %% 700), 'bench'
FROM generate_series(%(lo)s, %(hi)s) g
JOIN pool_names n ON n.idx = (g * 13) %% %(nn)s
JOIN pool_phones p ON p.idx = (g * 17 + 5) %% %(np)s
JOIN pool_phones q ON q.idx = g %% %(np)s
"""
VISITS_SQL = """
INSERT INTO visit (child_id, kind, at, note, created_at)
SELECT 1 + (g * 2654435761) %% %(nc)s, CASE WHEN g % 3 = 0 THEN 'home_visit' ELSE 'contact' END,
       now() - make_interval(days => g %% 400), t.enc, now() - make_interval(days => g %% 400)
FROM generate_series(%(lo)s, %(hi)s) g JOIN pool_texts t ON t.idx = g %% %(nt)s
"""
# Cases: ~1 in 10 still open (the recent ones), the rest closed; a child of the county each.
CASES_SQL = """
INSERT INTO case_report (id, number, category, urgency, status, reporter_role, mandatory_reporter,
    reporter_name, reporter_phone, reporter_phone_hash, child_id, child_name, child_name_hash,
    child_age, township_id, village_id, address_text, description, assigned_unit,
    accept_deadline, created_at, updated_at)
SELECT g, 'BG-' || to_char(x.at, 'YYYYMMDD') || '-' || lpad((g / 730 + 1)::text, 4, '0'),
       x.cat, x.urg, x.status, 'teacher', true, rn.enc, p.enc, p.hash, c.id, n.enc, n.hash, 9,
       c.township_id, c.village_id, a.enc, t.enc,
       CASE WHEN x.unit = 'police' THEN tw.police_station WHEN x.unit = 'school' THEN sc.name
            ELSE tw.name || '儿童主任' END,
       x.at + CASE x.urg WHEN 'urgent' THEN interval '15 min' WHEN 'high' THEN interval '2 hours'
                          ELSE interval '1 day' END, x.at, x.at
FROM generate_series(%(lo)s, %(hi)s) g
CROSS JOIN LATERAL (SELECT
    (ARRAY['child_alone','child_missing','guardian_unfit','domestic_violence','injury_or_harm',
           'dropout','other'])[1 + g %% 7] AS cat,
    CASE WHEN g %% 10 = 0 THEN 'urgent' WHEN g %% 10 < 4 THEN 'high' ELSE 'normal' END AS urg,
    CASE WHEN g %% 730 < 30 THEN (ARRAY['submitted','accepted','responding','referred','assessing',
         'assisting','monitoring'])[1 + (g / 730) %% 7] WHEN g %% 97 = 0 THEN 'merged' ELSE 'closed' END AS status,
    (ARRAY['police','police','police','police','police','school','director'])[1 + g %% 7] AS unit,
    date_trunc('day', now()) - make_interval(days => g %% 730) + make_interval(secs => (g * 37) %% 86000) AS at
) x
JOIN child c ON c.id = 1 + (g::bigint * 40503) %% %(nc)s
JOIN township tw ON tw.id = c.township_id
JOIN school sc ON sc.id = c.school_id
JOIN pool_names n ON n.idx = c.id %% %(nn)s
JOIN pool_names rn ON rn.idx = (g * 3) %% %(nn)s
JOIN pool_phones p ON p.idx = (g * 11 + 3) %% %(np)s
JOIN pool_addresses a ON a.idx = g %% %(na)s
JOIN pool_texts t ON t.idx = g %% %(nt)s
"""
EVENTS_SQL = """
INSERT INTO case_event (case_id, action, status_from, status_to, by, note, at)
SELECT c.id, 'submitted', NULL, 'submitted', 'reporter', NULL, c.created_at FROM case_report c
UNION ALL
SELECT c.id, 'accepted', 'submitted', 'accepted', 'bench', t.enc,
       c.created_at + CASE WHEN c.id %% 5 = 0 THEN interval '3 days' ELSE interval '10 min' END
FROM case_report c JOIN pool_texts t ON t.idx = c.id %% %(nt)s WHERE c.status <> 'submitted'
"""
TASKS_SQL = """
INSERT INTO follow_up_task (child_id, case_id, kind, assigned_unit, due_at, done_at, note)
SELECT c.child_id, c.id, 'follow_up', c.assigned_unit, c.created_at + interval '30 days',
       CASE WHEN c.status = 'closed' THEN c.created_at + interval '20 days' END, '随访（虚构）'
FROM case_report c
"""


def _sql(template: str, **args) -> str:
    """The statement with its (integer) arguments in place: `%(name)s` -> value, `%%` -> %."""
    return re.sub(r"%\((\w+)\)s", lambda m: str(int(args[m.group(1)])), template).replace("%%", "%")


SIZES = {"names": 30000, "phones": 100000, "texts": 2000}


def fill(url: str, children: int, cases: int, townships: int = 20, villages: int = 15,
         sizes: dict | None = None) -> None:
    """Fill an EMPTY migrated database."""
    started = time.perf_counter()
    sizes = {**SIZES, **(sizes or {})}
    from core.db import make_engine, make_session_factory, transaction
    from core.services.jurisdiction import load_jurisdiction, parse_jurisdiction
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as s:
        text = yaml.safe_dump(county(townships, villages), allow_unicode=True)
        load_jurisdiction(s, parse_jurisdiction(text, "bench county"))
    engine.dispose()
    log(f"jurisdiction: {townships} townships × {villages} villages", started)
    data = pools(values(sizes))
    log(f"encrypted {sum(len(v) for v in data.values())} distinct values with the real cipher", started)
    args = {"nn": sizes["names"], "np": sizes["phones"], "nt": sizes["texts"], "na": sizes["texts"],
            "nc": children, "nv": townships * villages}
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn, conn.cursor() as cur:
        _copy_pools(cur, data)
        cur.execute("CREATE TEMP TABLE vmap AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, township_id FROM village")
        cur.execute("CREATE TEMP TABLE smap AS SELECT id, township_id, "
                    "row_number() OVER (PARTITION BY township_id ORDER BY id) - 1 AS k FROM school")
        for label, sql, total in (("children", CHILDREN_SQL, children), ("parents", PARENTS_SQL, children),
                                  ("entrustments", ENTRUST_SQL, children),
                                  ("visits", VISITS_SQL, children // 2), ("cases", CASES_SQL, cases)):
            step = 100000
            for lo in range(1, total + 1, step):
                cur.execute(_sql(sql, **args, lo=lo, hi=min(total, lo + step - 1)))
                log(f"{label}: {min(total, lo + step - 1):,} / {total:,}", started)
        cur.execute(_sql(EVENTS_SQL, **args))
        log("case events", started)
        cur.execute(TASKS_SQL)
        log("follow-up tasks", started)
        for table in ("child", "parent", "entrustment", "visit", "case_report", "case_event", "follow_up_task"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("VACUUM ANALYZE")
        log("vacuum analyze", started)
