"""Encryption of content at rest and keyed blind indexes.

One content-encryption key (32 random bytes, kept outside the database) protects narratives,
identities, notes, TOTP secrets and evidence files. Subkeys for separate purposes are derived
with HKDF so that one purpose never reuses another's key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import peewee
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_PREFIX = "v1:"
_keys: dict[str, bytes] = {}


def configure(content_key: bytes) -> None:
    if len(content_key) != 32:
        raise ValueError("The content-encryption key must be 32 bytes.")
    _keys.clear()
    _keys["root"] = content_key


def _subkey(purpose: str) -> bytes:
    if purpose not in _keys:
        if "root" not in _keys:
            raise RuntimeError("models.crypto.configure() was not called: no content key.")
        _keys[purpose] = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"veilig-bestuur/{purpose}".encode()
        ).derive(_keys["root"])
    return _keys[purpose]


def encrypt_bytes(plain: bytes, purpose: str = "content") -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_subkey(purpose)).encrypt(nonce, plain, purpose.encode())


def decrypt_bytes(blob: bytes, purpose: str = "content") -> bytes:
    return AESGCM(_subkey(purpose)).decrypt(blob[:12], blob[12:], purpose.encode())


def encrypt_text(plain: str) -> str:
    return _PREFIX + base64.b64encode(encrypt_bytes(plain.encode("utf-8"))).decode("ascii")


def decrypt_text(stored: str) -> str:
    if not stored.startswith(_PREFIX):
        raise ValueError("Not an encrypted value.")
    return decrypt_bytes(base64.b64decode(stored[len(_PREFIX) :])).decode("utf-8")


def blind_index(*parts: str, purpose: str = "blind-index") -> str:
    """A keyed hash (HMAC-SHA256) to match equal values without storing them in plaintext."""
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(_subkey(purpose), message, hashlib.sha256).hexdigest()


class EncryptedTextField(peewee.TextField):
    """Text stored encrypted (AES-256-GCM); reads give back the plaintext. Not searchable."""

    def db_value(self, value):
        if value is None:
            return None
        return encrypt_text(str(value))

    def python_value(self, value):
        if value is None:
            return None
        return decrypt_text(value)
