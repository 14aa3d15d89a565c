"""Optional second factor for staff: time-based one-time codes (RFC 6238, any
authenticator app). Meant for admin and civil-affairs accounts; opt-in per account."""
from __future__ import annotations

import hmac
import time

import pyotp
from sqlalchemy.orm import Session

from core.models import StaffUser
from core.services import audit

ISSUER = "守护工作台"
STEP = 30


def clock() -> float:
    """The clock of this module (tests move it)."""
    return time.time()


def enrol(session: Session, user: StaffUser, actor: str = "cli") -> tuple[str, str]:
    """Give the account a new secret; return (secret, otpauth:// URI for a QR code)."""
    secret = pyotp.random_base32()
    user.totp_secret, user.totp_last_step = secret, None
    audit.record(session, actor, "totp_enrol", "staff_user", user.id)
    return secret, pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def disable(session: Session, user: StaffUser, actor: str = "cli") -> None:
    user.totp_secret, user.totp_last_step = None, None
    audit.record(session, actor, "totp_disable", "staff_user", user.id)


def verify(user: StaffUser, code: str) -> bool:
    """Accept the code of this step or of the one before or after (clock drift), once:
    a code already used (or an older one) is refused, so an observed code cannot be replayed."""
    code = (code or "").strip().replace(" ", "")
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = int(clock()) // STEP
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP), code) and step > (user.totp_last_step or -1):
            user.totp_last_step = step
            return True
    return False
