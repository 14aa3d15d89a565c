"""The access matrix: every role × every admin page, export and API route × a record inside
and a record outside the account's jurisdiction.

ROUTES below says, for each route, which action of the permission table guards it
(core/permissions.py) and what it names or lists; who may take that action where is read
from permissions.GRANTS, so the expected allow or denial of every cell follows from the
one table. An allowed page answers 200 and shows its own record; a denial answers 403 or
404 and shows nothing of the other jurisdiction's record (its case number, the child's
name, its attachment). POSTs carry a valid CSRF token, so a denial is a real permission
denial, and change nothing.

A NEW ROUTE fails `test_every_route_has_a_row` until it gets a row in ROUTES (or in
PUBLIC, for routes anyone may call): say which permission action guards it, which record
it names (`target`) or lists (`shows`), and for a POST the form and the change it makes.
The world the test runs in (demo staff, records, clients) is tests/admin/access_world.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import permissions
from core.db import transaction, utcnow
from core.models import AuditEntry, Case, FollowUpTask, OutboundJob, StaffUser, Visit
from tests.admin import access_world as w


@dataclass(frozen=True)
class Check:
    action: str | None             # the permission-table action that guards it; None = any signed-in staff
    target: str | None = None      # the record the URL names: case, child, task, attachment
    shows: str | None = None       # a list: the kind of record an allowed answer lists
    method: str = "GET"
    data: dict | Callable | None = None  # a POST's form, or (world, record) -> form (CSRF token added)
    status: str = "submitted"      # a POST's fresh record starts in this case status
    effect: Callable | None = None  # a POST's change: (world, client, record) -> bool
    api: bool = False              # bearer token instead of a browser session
    args: dict | None = None       # values for URL arguments that no record supplies (a step's code)
    prepare: Callable | None = None  # (world, record): set the fresh record up before the POST
    query: str = ""                # appended to the URL (e.g. a list's page size)
    refused: int | None = None     # an allowed office still gets this answer (the case has moved
                                   # past the step) and nothing changes


def Page(action, **kw):
    return Check(action, **kw)


def Post(action, **kw):
    return Check(action, method="POST", **kw)


def Api(action, **kw):
    return Check(action, api=True, **kw)


def case_status_is(status: str):
    def effect(world, _client, rec):
        with transaction(world.runtime.sessions) as s:
            return s.get(Case, rec.case_id).status == status
    return effect


def task_is_done(world, client, rec):
    """The task addressed to the office of the account signed in on `client` is done."""
    username = next((u for u, c in world.clients.items() if c is client), None)
    task_id = rec.task_for(world.roles[username]) if username else rec.task_id
    with transaction(world.runtime.sessions) as s:
        return s.get(FollowUpTask, task_id).done_at is not None


def signed_out(_world, client, _rec):
    return client.get("/admin/").status_code == 302


def _read(world, model, ident, attr):
    with transaction(world.runtime.sessions) as s:
        return getattr(s.get(model, ident), attr)


def case_unlinked(world, _client, rec):
    return _read(world, Case, rec.case_id, "duplicate_of_id") is None


def link_to_original(world, rec):
    with transaction(world.runtime.sessions, write=True) as s:
        s.get(Case, rec.case_id).duplicate_of_id = world.records[rec.place].case_id


def merge_form(world, rec):
    return {"merge-original": world.records[rec.place].case_number, "merge-note": "虚构：同一件事"}


def visit_recorded(world, _client, rec):
    with transaction(world.runtime.sessions) as s:
        return s.scalar(select(Visit.id).where(Visit.child_id == rec.child_id)) is not None


def visit_form(_world, _rec):
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    return {"kind": "home_visit", "date": yesterday, "visitor": "虚构走访人", "safety": "ok",
            "guardianship": "ok", "health": "ok", "schooling": "ok", "note": "虚构：一切正常"}


def weather_form(world, rec):
    with transaction(world.runtime.sessions) as s:
        township = s.get(Case, rec.case_id).township_id
    return {"township": str(township), "weather": "暴雪"}


def weather_round_started(world, client, rec):
    """A round started by the account signed in on `client` (an anonymous one started none)."""
    username = next((u for u, c in world.clients.items() if c is client), None)
    if username is None:
        return False
    with transaction(world.runtime.sessions) as s:
        township = s.get(Case, rec.case_id).township_id
        actor = f"staff:{world.user(s, username).id}"
        return s.scalar(select(AuditEntry.id).where(AuditEntry.entity == "weather_round", AuditEntry.actor == actor,
                                                    AuditEntry.entity_id == str(township))) is not None


def account_is(attr, value):
    def effect(world, _client, rec):
        return _read(world, StaffUser, rec.user_id, attr) == value
    return effect


def disable_account(world, rec):
    with transaction(world.runtime.sessions, write=True) as s:
        s.get(StaffUser, rec.user_id).active = False


def new_account_form(_world, rec):
    return {"username": f"new_{rec.key}", "role": "civil_affairs"}


def account_created(world, _client, rec):
    with transaction(world.runtime.sessions) as s:
        return s.scalar(select(StaffUser.id).where(StaffUser.username == f"new_{rec.key}")) is not None


def job_requeued(world, _client, rec):
    return _read(world, OutboundJob, rec.job_id, "status") == "pending"


# "METHOD /path/<argument>" (converters left out) -> how it is tried. A list holds several
# tries of one route (e.g. two workflow steps of the same form).
ROUTES: dict[str, Check | list[Check]] = {
    "GET /admin/": Page(None),                                   # the overview: counts only
    "GET /admin/cases": Page("view_case", shows="case"),
    "GET /admin/cases/<number>": Page("view_case", target="case"),
    # One route for every step; <code> is the permission action itself. A step the office
    # may not take is 403, one the case has moved past 409 (nothing changes either way).
    "POST /admin/cases/<number>/steps/<code>": [
        Post("accept", target="case", args={"code": "accept"}, data={"accept-note": "虚构"},
             effect=case_status_is("accepted")),
        Post("respond", target="case", args={"code": "respond"}, status="accepted",
             data={"respond-mode": "dispatch", "respond-measures": "parents_return"},
             effect=case_status_is("responding")),
        Post("assess", target="case", args={"code": "assess"}, status="referred",
             data={"assess-safety_rating": "safe", "assess-guardianship_rating": "weak",
                   "assess-health_rating": "good"}, effect=case_status_is("assessing")),
        Post("close", target="case", args={"code": "close"}, status="monitoring",
             data={"close-reason": "risk_removed"}, effect=case_status_is("closed")),
        Post("merge", target="case", args={"code": "merge"}, data=merge_form, effect=case_status_is("merged")),
        Post("unlink", target="case", args={"code": "unlink"}, prepare=link_to_original,
             data={"unlink-note": "虚构：不是同一件事"}, effect=case_unlinked),
        Post("accept", target="case", args={"code": "accept"}, status="accepted", refused=409,
             data={"accept-note": "虚构"}, effect=case_status_is("responding")),
    ],
    "GET /admin/attachments/<attachment_id>": Page("view_case", target="attachment"),
    "GET /admin/tasks": Page("view_tasks", shows="task"),
    "GET /admin/tasks/<task_id>/done": Page("view_tasks", target="task"),
    "POST /admin/tasks/<task_id>/done": Post("view_tasks", target="task", effect=task_is_done,
                                             data={"outcome": "confirmed", "note": "虚构：已电话核实"}),
    "GET /admin/children": Page("view_child", shows="child"),
    "GET /admin/children/<child_id>": Page("view_child", target="child"),
    # The visit plan lists only children due a contact, so the matrix checks it leaks nothing.
    "GET /admin/visits": Page("view_child"),
    "POST /admin/visits/weather": Post("weather_round", data=weather_form, effect=weather_round_started),
    "GET /admin/children/<child_id>/visits/new": Page("record_visit", target="child"),
    "POST /admin/children/<child_id>/visits/new": Post("record_visit", target="child", data=visit_form,
                                                       effect=visit_recorded),
    "GET /admin/dashboard.json": Page(None),                     # counts only
    "GET /admin/export/cases.xlsx": Page("export", shows="case"),
    "GET /admin/export/children.xlsx": Page("export", shows="child"),
    "GET /admin/audit": Page("view_audit"),
    "GET /admin/users": Page("manage_users", shows="user"),
    "GET /admin/users/new": Page("manage_users"),
    # The fresh record only supplies a unique username for the account it creates.
    "POST /admin/users/new": Post("manage_users", target="user", data=new_account_form, effect=account_created),
    "GET /admin/users/<user_id>": Page("manage_users", target="user"),
    "POST /admin/users/<user_id>": Post("manage_users", target="user", data={"role": "civil_affairs"},
                                        effect=account_is("role", "civil_affairs")),
    "POST /admin/users/<user_id>/disable": Post("manage_users", target="user", effect=account_is("active", False)),
    "POST /admin/users/<user_id>/enable": Post("manage_users", target="user", prepare=disable_account,
                                               effect=account_is("active", True)),
    "POST /admin/users/<user_id>/reset": Post("manage_users", target="user",
                                              effect=account_is("must_change_password", True)),
    "GET /admin/jobs": Page("view_jobs"),
    "POST /admin/jobs/<job_id>/retry": Post("view_jobs", target="job", effect=job_requeued),
    "GET /admin/account/password": Page(None),
    # A form that does not validate (the two new passwords differ): nobody's password changes.
    "POST /admin/account/password": Post(None, data={"current": "x", "new": "a", "again": "b"}),
    "POST /admin/logout": Post(None, effect=signed_out),
    # Every POST above files fresh cases: ask for a page long enough to hold them all.
    "GET /api/v1/cases": Api("view_case", shows="case", query="?limit=500"),
    "GET /api/v1/cases/<number>": Api("view_case", target="case"),
    "GET /api/v1/children": Api("view_child", shows="child"),
    "GET /api/v1/children/<child_id>": Api("view_child", target="child"),
}

# Routes anyone may call (their own authentication, if any, is a channel's signature or a
# secret path): not part of the staff matrix.
PUBLIC = {
    "GET /", "POST /api/chat", "GET /wechat", "POST /wechat", "POST /telegram/<path_secret>",
    "POST /model/parse", "GET /status", "GET /version", "POST /api/v1/ask", "GET /healthz",
    "GET /admin/login", "POST /admin/login", "GET /admin/login/code", "POST /admin/login/code",
    # The parents' quarterly confirmation link (bot/confirm_page.py): a signed, expiring token
    # names the check, not a staff session; it shows the children's names masked, nothing else.
    "GET /confirm/<token>", "POST /confirm/<token>",
}
STATIC = re.compile(r"(^|\.)static$")
VIEW_ACTION = {"case": "view_case", "attachment": "view_case", "task": "view_tasks", "child": "view_child",
               "user": "manage_users", "job": "view_jobs"}
# What an answer about a record shows of it.
MARKER = {"case": lambda r: r.case_number, "child": lambda r: r.child_name,
          "task": lambda r: r.child_name, "attachment": lambda r: f"附件{r.key}", "user": lambda r: r.username}


def route_key(method: str, rule: str) -> str:
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", rule)
    return f"{method} {path}"


def _checks():
    for key, checks in ROUTES.items():
        for i, check in enumerate(checks if isinstance(checks, list) else [checks]):
            assert key.startswith(check.method + " "), f"{key}: the row's method is {check.method}"
            yield key, i, check


CASES = [(key, i, check, user, which) for key, i, check in _checks() for user in w.HOME_AND_AWAY
         for which in (("home", "away") if check.target or check.shows else ("home",))]


@pytest.fixture(scope="module")
def world(tmp_path_factory, request):
    from bot.app import build_runtime, create_app
    from core.settings import REPO_ROOT, load_settings
    from tests import conftest
    tmp = tmp_path_factory.mktemp("matrix")
    if conftest.PG_URL:
        url = request.getfixturevalue("pg_migrated")
        conftest._truncate_pg(url)
    else:
        import shutil
        shutil.copy(request.getfixturevalue("sqlite_template"), tmp / "shouhu.db")
        url = f"sqlite:///{tmp / 'shouhu.db'}"
    settings = load_settings(REPO_ROOT / "config.yaml", env={
        "SHOUHU_INSTANCE_DIR": str(tmp / "instance"), "SHOUHU_DATABASE_URL": url,
        "SHOUHU_FIELD_KEY": conftest.FIELD_KEY, "SHOUHU_SECRET_KEY": "test-secret-key-not-for-production"})
    runtime = build_runtime(settings)
    from core.services.jurisdiction import load_jurisdiction_file
    with transaction(runtime.sessions) as s:
        load_jurisdiction_file(s, conftest.DEMO_JURISDICTION)
    app = create_app(settings, runtime)
    app.config.update(TESTING=True)
    yield w.build_world(app, runtime)
    runtime.db.dispose()


def expected_allowed(role: str, check: Check, which: str) -> bool:
    """What the permission table says: the role holds the action (and, for the API,
    api_read), and the record is inside its scope, which the away record is only for
    region-wide grants."""
    if check.action is None:
        return True
    needed = [check.action] + (["api_read"] if check.api else [])
    needed += [VIEW_ACTION[check.target]] if check.target else []
    scopes = [permissions.scope_for(role, a) for a in needed]
    if None in scopes:
        return False
    return which == "home" or not check.target or all(s == permissions.REGION for s in scopes)


def _url(rule: str, rec: w.Record, args: dict | None = None, query: str = "") -> str:
    values = {**rec.url_values(), **(args or {})}
    def fill(m):
        name = m.group(1)
        assert name in values, (f"the route {rule} takes <{name}>: add it to Record.url_values "
                                "in tests/admin/access_world.py")
        return str(values[name])
    return re.sub(r"<([^<>]+)>", fill, rule.split(" ", 1)[1]) + (query or "")


def _form(world, check: Check, rec: w.Record) -> dict:
    return (check.data(world, rec) if callable(check.data) else dict(check.data or {}))


def _call(world, username: str, key: str, check: Check, rec: w.Record):
    args = {"task_id": rec.task_for(world.roles[username]), **(check.args or {})}
    url = _url(key, rec, args, check.query)
    if check.api:
        return world.app.test_client().get(url, headers={"Authorization": f"Bearer {world.tokens[username]}"}), None
    client = world.clients[username]
    if check.method == "GET":
        return client.get(url), client
    if check.effect is signed_out:  # its own browser: the shared one stays signed in
        client = world.app.test_client()
        w._login(client, username)
    return client.post(url, data={**_form(world, check, rec), "csrf_token": world.csrf(client)}), client


@pytest.mark.parametrize("key,i,check,username,which", CASES,
                         ids=[f"{k}#{i}-{u}-{wh}" for k, i, _c, u, wh in CASES])
def test_access(world, key, i, check, username, which):
    role = world.roles[username]
    home, away = world.home(username), world.away(username)
    rec = home if which == "home" else away
    if check.method == "POST" and check.target:
        rec = world.file(w.HOME_AND_AWAY[username][0 if which == "home" else 1], check.status)
        if check.prepare:
            check.prepare(world, rec)
    resp, client = _call(world, username, key, check, rec)
    allowed = expected_allowed(role, check, which)
    cell = f"{username} ({role}) {key} on the {which} record {rec.key}"
    kind = VIEW_ACTION.get(check.target or check.shows or "case")
    region = permissions.scope_for(role, kind) == permissions.REGION
    if not allowed:
        assert resp.status_code in (403, 404), f"{cell}: expected a denial, got {resp.status_code}"
        if which == "away" and not region:  # a record it may not even see: not one word of it
            assert not w.leaked(resp, rec), f"{cell}: the denial shows {w.leaked(resp, rec)}"
        if check.effect:
            assert not check.effect(world, client, rec), f"{cell}: denied, yet the change was made"
        return
    if check.refused:
        assert resp.status_code == check.refused, f"{cell}: expected {check.refused}, got {resp.status_code}"
        assert not check.effect(world, client, rec), f"{cell}: refused, yet the change was made"
        return
    ok = (200,) if check.method == "GET" else (200, 302, 303)
    assert resp.status_code in ok, f"{cell}: expected it allowed, got {resp.status_code}"
    if check.target and check.method == "GET":
        assert MARKER[check.target](rec) in w.visible_text(resp), f"{cell}: the record is not shown"
    if check.shows:
        shown = MARKER[check.shows](rec) in w.visible_text(resp)
        in_scope = which == "home" or permissions.scope_for(role, check.action) == permissions.REGION
        assert shown == in_scope, f"{cell}: the list {'hides' if in_scope else 'shows'} the {which} record"
    if not region:
        assert not w.leaked(resp, away), f"{cell}: shows the away record's {w.leaked(resp, away)}"
    if check.effect:
        assert check.effect(world, client, rec), f"{cell}: allowed, but nothing changed"


@pytest.mark.parametrize("key,i,check", list(_checks()), ids=[f"{k}#{i}" for k, i, _c in _checks()])
def test_anonymous_is_sent_to_log_in(world, key, i, check):
    rec = world.records["hx_dongfeng"]
    if check.method == "POST" and check.target:
        rec = world.file("hx_dongfeng", check.status)
        if check.prepare:
            check.prepare(world, rec)
    client = world.app.test_client()
    if check.api:
        resp = client.get(_url(key, rec, check.args, check.query))
        assert resp.status_code == 401
    elif check.method == "GET":
        resp = client.get(_url(key, rec, check.args, check.query))
        assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    else:
        resp = client.post(_url(key, rec, check.args, check.query), data={**_form(world, check, rec), "csrf_token": world.csrf(client)})
        assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
        if check.effect and check.effect is not signed_out:
            assert not check.effect(world, client, rec)
    assert not w.leaked(resp, rec)


def test_every_route_has_a_row(world):
    """Discovered from the app: a route nobody wrote an expectation for fails here."""
    found, missing = set(), []
    for rule in world.app.url_map.iter_rules():
        if STATIC.search(rule.endpoint):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = route_key(method, rule.rule)
            found.add(key)
            if key not in ROUTES and key not in PUBLIC:
                missing.append(f"  {key}   (endpoint {rule.endpoint})")
    assert not missing, (
        "These routes have no row in the access matrix. Add each to ROUTES in "
        "tests/admin/test_access_matrix.py with the permission action that guards it "
        "(core/permissions.py), the record it names (target=) or lists (shows=), and for a "
        "POST its form and the change it makes (or to PUBLIC if anyone may call it):\n"
        + "\n".join(missing))
    stale = sorted(set(ROUTES) - found) + sorted(PUBLIC - found)
    assert not stale, f"rows for routes the app no longer has: {stale}"


def test_the_world_matches_the_permission_table(world):
    tried = {c.action for _k, _i, c in _checks() if c.action} | {"view_case", "view_child"}
    assert w.check_world(world, tried) == []
    # Every role is tried, and every role has a record outside its own jurisdiction.
    assert set(world.roles.values()) == set(permissions.ROLES)
