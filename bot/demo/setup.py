"""`shouhu demo`: secrets, database, demo jurisdiction and staff accounts. A password is
printed once, when its account is created; afterwards it is only in the instance file."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select

from core.db import transaction
from core.models import StaffUser
from core.services import passwords
from core.services import staff as staff_service
from core.services.errors import Invalid
from core.services.jurisdiction import load_jurisdiction_file

JURISDICTION = Path(__file__).with_name("jurisdiction.yaml")
ACCOUNTS_FILE = "demo-accounts.txt"
# username, role, township, village, school
DEMO_STAFF = (
    ("admin", "admin", None, None, None),
    ("minzheng", "civil_affairs", None, None, None),
    ("hongxing_police", "police", "红星镇", None, None),
    ("hongxing_town", "township", "红星镇", None, None),
    ("dongfeng_village", "village", "红星镇", "东风村", None),
    ("qingshan_police", "police", "青山镇", None, None),
    ("hongxing_school", "school", "红星镇", None, "红星镇中心小学"),
)


def _demo_password(username: str) -> str:
    while True:  # a random one nearly always passes the policy; retry the rare one that does not
        password = secrets.token_urlsafe(9)
        try:
            passwords.check_policy(password, username)
        except Invalid:
            continue
        return password


def ensure_demo_data(runtime) -> list[tuple[str, str, str]]:
    """Load the demo jurisdiction and staff; return (username, role, password) for the
    accounts created now (none on a later start: their passwords are not shown again)."""
    instance = runtime.settings.instance_dir
    accounts_path = instance / ACCOUNTS_FILE
    known, created = {}, []
    if accounts_path.exists():
        for line in accounts_path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                known[parts[0]] = (parts[1], parts[2])
    with transaction(runtime.sessions) as session:
        load_jurisdiction_file(session, JURISDICTION)
        for username, role, township, village, school in DEMO_STAFF:
            if session.scalar(select(StaffUser).where(StaffUser.username == username)):
                continue
            password = _demo_password(username)
            staff_service.create_user(session, username, role, password, township=township,
                                      village=village, school=school, actor="demo")
            known[username] = (role, password)
            created.append((username, role, password))
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(accounts_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        for username, (role, password) in known.items():
            fh.write(f"{username}\t{role}\t{password}\n")
    os.chmod(accounts_path, 0o600)  # also when the file was there before with wider rights
    return created
