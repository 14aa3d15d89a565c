"""Photos and voice messages attached to a case: fetched from the channel after the case is
filed (never on the reporter's turn), stored encrypted, read back by staff in scope."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.crypto import cipher
from core.db import transaction
from core.messages import Media
from core.models import Attachment, Case, StaffUser
from core.services import audit, jobs
from core.services.errors import NotFound
from core.services.scope import case_scope

FETCH_JOB = "fetch_media"
DOWNLOADABLE = ("image", "voice", "video", "file")


def queue_downloads(session: Session, case: Case) -> int:
    """One job per downloadable attachment; the job worker fetches it."""
    queued = 0
    for att in case.attachments:
        if att.kind in DOWNLOADABLE and att.stored_path is None:
            jobs.enqueue(session, FETCH_JOB, str(att.id),
                         {"channel": att.channel, "kind": att.kind, "ref": att.media_ref,
                          "content_type": att.content_type or ""})
            queued += 1
    return queued


def fetcher(sessions: sessionmaker[Session], folder: Path,
            fetch: Callable[[str, Media], tuple[bytes, str] | None]) -> Callable[[str, str], None]:
    """A job sender: download, encrypt into `folder`, record where it is."""
    def run(target: str, body: str) -> None:
        item = json.loads(body)
        got = fetch(item["channel"], Media(kind=item["kind"], ref=item["ref"],
                                          content_type=item.get("content_type", "")))
        if got is None:
            return  # no credentials for that channel: the media id stays on the case
        data, content_type = got
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{int(target)}.bin"
        path.write_bytes(cipher().encrypt_bytes(data))
        with transaction(sessions) as session:
            att = session.get(Attachment, int(target))
            att.stored_path, att.content_type = str(path), content_type or att.content_type
    return run


def read_attachment(session: Session, user: StaffUser, attachment_id: int,
                    source: str | None = None) -> tuple[bytes, str]:
    att = session.scalar(select(Attachment).join(Case, Attachment.case_id == Case.id)
                         .where(Attachment.id == attachment_id, case_scope(user)))
    if att is None or not att.stored_path or not Path(att.stored_path).exists():
        raise NotFound(f"no stored attachment {attachment_id}")
    audit.record(session, f"staff:{user.id}", "view", "attachment", att.id, source=source)
    return cipher().decrypt_bytes(Path(att.stored_path).read_bytes()), att.content_type or "application/octet-stream"
