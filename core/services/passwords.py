"""Password hashing (Argon2id), verification of older hashes, and the password policy."""
from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from core.services.errors import Invalid

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn 0-4: 3 = "safely unguessable" for an online attack
MAX_LENGTH = 200
# Argon2id with OWASP's baseline parameters (19 MiB, 2 passes, 1 lane): about 50 ms on one
# core of a small county server, so that a burst of logins cannot exhaust its two CPUs.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str, password: str) -> tuple[bool, bool]:
    """(matches, should be re-hashed). Hashes made before Argon2 (Werkzeug's pbkdf2 or
    scrypt) still verify; they are re-hashed on the next successful login."""
    if stored.startswith("$argon2"):
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False, False
        return True, _hasher.check_needs_rehash(stored)
    try:
        ok = check_password_hash(stored, password)
    except ValueError:
        ok = False
    return ok, ok


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("no account has this password, it only costs the same time")


def verify_nothing(password: str) -> None:
    """The work of one real verification, for an unknown or disabled username, so that the
    answer takes as long as for a known one and does not tell which usernames exist."""
    verify(_dummy_hash(), password)


def check_policy(password: str, username: str = "") -> None:
    """Raise Invalid (a message for the user, in Chinese) when the password is too weak."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise Invalid(f"密码至少要 {MIN_LENGTH} 个字符。")
    if len(password) > MAX_LENGTH:
        raise Invalid(f"密码不能超过 {MAX_LENGTH} 个字符。")
    if password.isdigit():
        raise Invalid("密码不能全是数字。")
    name = (username or "").strip().lower()
    if name and name in password.lower():
        raise Invalid("密码不能包含用户名。")
    inputs = [name, "shouhu", "守护", "admin"] if name else ["shouhu", "守护", "admin"]
    result = zxcvbn(password, user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        raise Invalid("密码太容易被猜到，请换一个更长、更不规则的密码"
                      "（例如几个不相关的词加数字和符号）。")
