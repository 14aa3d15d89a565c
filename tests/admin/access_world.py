"""The fictional world the access-matrix test runs in: the demo staff, one signed-in
browser and one API token per account, and records filed in four places of the demo
county, each with a child, a case, a task and an attachment.

Every account has a record INSIDE its jurisdiction and one OUTSIDE it (another township,
another village of the same township, or, for a school, a case in its own township that
is not assigned to it). `check_world` holds these choices to core/permissions.py.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bot.demo.setup import DEMO_STAFF
from core import permissions
from core.crypto import cipher
from core.db import transaction
from core.models import (
    Attachment,
    Case,
    Child,
    FollowUpTask,
    OutboundJob,
    School,
    StaffUser,
    Township,
)
from core.services import staff as staff_service
from core.services.cases import CaseDraft, submit_case
from core.services.children import create_child
from tests.admin.login_helpers import csrf_of

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Place:
    """Where a record is filed: a township, a village, the report's category (which decides
    the office it is routed to) and the school the child attends."""
    township: str
    village: str
    category: str
    school: str | None = None


# key: (place, the fictional child's name). The names are unique, so finding one in a page
# means that record leaked into it.
PLACES = {
    "hx_dongfeng": (Place("红星镇", "东风村", "other"), "虚构东风童"),
    "hx_school": (Place("红星镇", "东风村", "dropout", "红星镇中心小学"), "虚构辍学童"),
    "hx_xiangyang": (Place("红星镇", "向阳村", "other"), "虚构向阳童"),
    "qs_shiqiao": (Place("青山镇", "石桥村", "child_alone", "青山镇中学"), "虚构石桥童"),
}

# Demo account -> (the record inside its jurisdiction, a record outside it). For region-wide
# roles the second record is simply elsewhere in the county, so it must be allowed too.
HOME_AND_AWAY = {
    "admin": ("hx_dongfeng", "qs_shiqiao"),
    "minzheng": ("hx_dongfeng", "qs_shiqiao"),
    "hongxing_police": ("hx_dongfeng", "qs_shiqiao"),
    "hongxing_town": ("hx_dongfeng", "qs_shiqiao"),
    "dongfeng_village": ("hx_dongfeng", "hx_xiangyang"),
    "qingshan_police": ("qs_shiqiao", "hx_dongfeng"),
    "hongxing_school": ("hx_school", "hx_dongfeng"),
}


@dataclass
class Record:
    """One filed report and what hangs off it, by database id; `markers` are strings that
    appear only in this record's pages (never in another record's)."""
    key: str
    case_number: str
    case_id: int
    child_id: int
    child_name: str
    task_id: int
    attachment_id: int
    user_id: int = 0        # a fictional staff account of this place (user management's record)
    username: str = ""
    job_id: int = 0         # a failed outbound job (the dead-letter list's record)
    place: str = ""         # the PLACES key the record was filed in
    task_ids: dict = field(default_factory=dict)  # role -> the task addressed to that role's office here

    def task_for(self, role: str) -> int:
        """Tasks are addressed to an office (core/services/tasks.py): the one for `role`'s."""
        return self.task_ids.get(role, self.task_id)

    @property
    def markers(self) -> tuple[str, ...]:
        return (self.case_number, self.child_name, f"附件{self.key}")

    def url_values(self) -> dict:
        """Values for the arguments a route may take, by the argument's name. A new route
        with another argument name: add it here."""
        return {"number": self.case_number, "case_number": self.case_number,
                "child_id": self.child_id, "task_id": self.task_id,
                "attachment_id": self.attachment_id, "user_id": self.user_id, "job_id": self.job_id}


@dataclass
class World:
    app: object
    runtime: object
    records: dict[str, Record] = field(default_factory=dict)
    clients: dict[str, object] = field(default_factory=dict)   # username -> signed-in client
    tokens: dict[str, str] = field(default_factory=dict)       # username -> API token
    roles: dict[str, str] = field(default_factory=dict)        # username -> role

    def home(self, username: str) -> Record:
        return self.records[HOME_AND_AWAY[username][0]]

    def away(self, username: str) -> Record:
        return self.records[HOME_AND_AWAY[username][1]]

    def user(self, session, username: str) -> StaffUser:
        return session.scalar(select(StaffUser).where(StaffUser.username == username))

    def file(self, key: str, status: str = "submitted") -> Record:
        """A new record in `key`'s place (for a POST that changes it), in `status`."""
        with transaction(self.runtime.sessions) as s:
            return _file(s, key, self.runtime.settings.instance_dir, status, suffix=f"{_counter()}")

    def csrf(self, client) -> str:
        return csrf_of(client, "/admin/login")


_seq = iter(range(1, 10**6))


def _counter() -> int:
    return next(_seq)


def _file(s, key: str, instance_dir: Path, status: str = "submitted", suffix: str = "") -> Record:
    place, name = PLACES[key]
    name = f"{name}{suffix}"
    child = create_child(s, name, place.township, place.village, actor="test")
    if place.school:
        child.school_id = s.scalar(select(School.id).where(School.name == place.school))
    case = submit_case(s, CaseDraft(category=place.category, urgency="high", reporter_role="teacher",
                                    description=f"虚构：{name}的情况", township=place.township,
                                    village=place.village, child_name=name, reporter_phone="13800000000"))
    case.child_id, case.status = child.id, status
    task = FollowUpTask(child_id=child.id, case_id=case.id, kind="verify_entrustment",
                        assigned_unit=case.assigned_unit, due_at=case.created_at, note=f"虚构：核实{name}")
    folder = instance_dir / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    attachment = Attachment(case_id=case.id, kind="image", channel="web", media_ref="虚构", content_type="text/plain")
    # One task more for each office that works here: the tasks page lists only the tasks
    # addressed to the reader's own office, inside its jurisdiction.
    town = s.scalar(select(Township).where(Township.name == place.township))
    school = place.school or s.scalar(select(School.name).where(School.township_id == town.id).order_by(School.id))
    offices = {"police": town.police_station, "township": town.name, "village": f"{place.village}村委会",
               "school": school, "civil_affairs": f"{town.region.name}民政局"}
    addressed = {role: FollowUpTask(child_id=child.id, case_id=case.id, kind="verify_entrustment", assigned_unit=unit,
                                    due_at=case.created_at, note=f"虚构：核实{name}") for role, unit in offices.items()}
    s.add_all(addressed.values())
    # No usable password (nobody signs in as it): hashing one per record would be slow.
    account = StaffUser(username=f"acct_{key}{suffix}", role="police", password_hash="!",
                        township_id=s.scalar(select(Township.id).where(Township.name == place.township)))
    job = OutboundJob(kind="notify:email", target="虚构", body="虚构", status="failed", attempts=3,
                      last_error="TimeoutError", due_at=case.created_at)
    s.add_all([task, attachment, account, job])
    s.flush()
    path = folder / f"{attachment.id}.bin"
    path.write_bytes(cipher().encrypt_bytes(f"附件{key}{suffix}".encode()))
    attachment.stored_path = str(path)
    s.flush()
    return Record(key=f"{key}{suffix}", case_number=case.number, case_id=case.id, child_id=child.id,
                  child_name=name, task_id=task.id, attachment_id=attachment.id, user_id=account.id,
                  username=account.username, job_id=job.id, place=key,
                  task_ids={role: t.id for role, t in addressed.items()})


def _login(client, username: str) -> None:
    csrf = csrf_of(client, "/admin/login")
    resp = client.post("/admin/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf})
    assert resp.status_code == 302, f"{username} could not sign in"


def build_world(app, runtime) -> World:
    world = World(app=app, runtime=runtime)
    with transaction(runtime.sessions) as s:
        for username, role, township, village, school in DEMO_STAFF:
            staff_service.create_user(s, username, role, PASSWORD, township=township, village=village,
                                      school=school, actor="test")
            world.roles[username] = role
        for key in PLACES:
            world.records[key] = _file(s, key, runtime.settings.instance_dir)
    for username in world.roles:
        with transaction(runtime.sessions) as s:
            world.tokens[username] = staff_service.create_token(s, username)
        client = app.test_client()
        _login(client, username)
        world.clients[username] = client
    return world


# --- reading what a response shows --------------------------------------------------------

def visible_text(resp) -> str:
    """What a person could read in the answer: HTML/text as is, JSON unescaped, the cells
    of a spreadsheet (an .xlsx is a zip: its bytes never contain a name in clear)."""
    ctype = resp.headers.get("Content-Type", "")
    data = resp.get_data()
    if "spreadsheetml" in ctype or data[:2] == b"PK":
        from openpyxl import load_workbook
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    text = data.decode("utf-8", errors="replace")
    if "json" in ctype:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def leaked(resp, record: Record) -> list[str]:
    # A redirect to the login page carries the asked-for path back in `next=`: that echoes
    # the request, it reveals nothing.
    text = re.sub(r"next=[^\"'&\s<]*", "next=", visible_text(resp))
    return [m for m in record.markers if re.search(re.escape(m) + r"(?![0-9A-Za-z_])", text)]


# --- the world against the permission table ------------------------------------------------

def child_in_scope(user, child: Child, scope: str | None) -> bool:
    """The child ledger's scopes as the permission table describes them (an oracle written
    independently of core/services/scope.py, which the pages use)."""
    if scope == permissions.REGION:
        return True
    if scope == permissions.TOWNSHIP:
        return child.township_id == user.township_id
    if scope == permissions.VILLAGE:
        return user.village_id is not None and child.village_id == user.village_id
    if scope == permissions.SCHOOL:
        return user.school_id is not None and child.school_id == user.school_id
    return False


def check_world(world: World, actions: set[str]) -> list[str]:
    """Each account's home record lies inside the scope of every action the matrix tries
    that its role is granted, and its away record outside its view scopes (unless the role
    sees the whole region)."""
    problems = []
    with transaction(world.runtime.sessions) as s:
        for username, (home, away) in HOME_AND_AWAY.items():
            user = world.user(s, username)
            for which, key in (("home", home), ("away", away)):
                rec = world.records[key]
                case, child = s.get(Case, rec.case_id), s.get(Child, rec.child_id)
                for action in actions:
                    scope = permissions.scope_for(user.role, action)
                    if scope is None:
                        continue
                    inside = (child_in_scope(user, child, scope) if action == "view_child"
                              else permissions.in_scope(user, case, scope))
                    expected = which == "home" or scope == permissions.REGION
                    checked = action in ("view_case", "view_child") or which == "home"
                    if checked and inside != expected:
                        problems.append(f"{username}'s {which} record {key} is "
                                        f"{'inside' if inside else 'outside'} its {action} scope {scope}")
    return problems
