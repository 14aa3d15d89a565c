"""Field encryption at rest and keyed hashes for lookups.

Personal fields are Fernet-encrypted (AES-128-CBC + HMAC-SHA256). Searching by phone or
ID number uses an HMAC of the normalised value under a key derived from the same secret,
so the database never holds the value in clear.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator


class CryptoError(RuntimeError):
    """Encryption is not configured, or a value cannot be decrypted."""


class FieldCipher:
    def __init__(self, key: str):
        try:
            self._fernet = Fernet(key.encode() if isinstance(key, str) else key)
        except (ValueError, TypeError) as exc:
            raise CryptoError("SHOUHU_FIELD_KEY must be a Fernet key (urlsafe base64, 32 bytes)") from exc
        raw = base64.urlsafe_b64decode(key)
        self._hash_key = hashlib.sha256(b"shouhu-lookup-hash:" + raw).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as exc:
            raise CryptoError("cannot decrypt a field: wrong SHOUHU_FIELD_KEY?") from exc

    def encrypt_bytes(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except (InvalidToken, ValueError) as exc:
            raise CryptoError("cannot decrypt a stored file: wrong SHOUHU_FIELD_KEY?") from exc

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


_lock = threading.Lock()
_cipher: FieldCipher | None = None


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def configure(key: str) -> FieldCipher:
    """Install the process-wide cipher (called once by the composition root)."""
    global _cipher
    cipher = FieldCipher(key)
    with _lock:
        _cipher = cipher
    return cipher


def cipher() -> FieldCipher:
    if _cipher is None:
        raise CryptoError("field encryption is not configured (SHOUHU_FIELD_KEY)")
    return _cipher


def normalize_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def phone_hash(value: str | None) -> str | None:
    if not value:
        return None
    return cipher().lookup_hash("phone:" + normalize_phone(value))


def id_number_hash(value: str | None) -> str | None:
    if not value:
        return None
    return cipher().lookup_hash("id:" + re.sub(r"\s", "", value).upper())


class Encrypted(TypeDecorator):
    """A text column stored encrypted; Python sees the clear string."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return cipher().encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return cipher().decrypt(value)


class LookupHash(TypeDecorator):
    """A fixed-width hex HMAC column."""

    impl = String(64)
    cache_ok = True
