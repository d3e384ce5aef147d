"""Evidence files: checked by their content (not their name), encrypted at rest outside any
web-served folder, with a SHA-256 of the original recorded at upload (to back a police report)."""

from __future__ import annotations

import hashlib
import os
import pathlib
import secrets
from dataclasses import dataclass

from models import crypto
from models.i18n import N_

ALLOWED_TYPES = {
    "image/png": N_("afbeelding (PNG)"),
    "image/jpeg": N_("foto (JPEG)"),
    "image/gif": N_("afbeelding (GIF)"),
    "image/webp": N_("afbeelding (WebP)"),
    "image/heic": N_("foto (HEIC, iPhone)"),
    "application/pdf": N_("PDF-document"),
    "message/rfc822": N_("e-mail (EML)"),
    "text/plain": N_("tekstbestand"),
}

_EMAIL_HEADERS = (
    b"received:",
    b"return-path:",
    b"from:",
    b"to:",
    b"subject:",
    b"date:",
    b"mime-version:",
    b"message-id:",
    b"delivered-to:",
    b"x-",
    b"dkim-signature:",
    b"arc-",
    b"authentication-results:",
)


def sniff_type(data: bytes) -> str | None:
    """The type of a file judged by its bytes; None when it is not an allowed kind."""
    head = data[:64]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if b"\x00" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any byte
            return None
    lowered = text.lstrip().lower()
    # Markup is never accepted as "text": a browser might render it.
    if (
        lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script", "<body", "<head"))
        or "<script" in lowered[:4096]
    ):
        return None
    first_line = lowered.split("\n", 1)[0].encode()
    if any(first_line.startswith(h) for h in _EMAIL_HEADERS) and "\n\n" in text.replace("\r\n", "\n"):
        return "message/rfc822"
    return "text/plain"


class EvidenceRejected(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    size: int
    sha256: str
    content_type: str


def check(data: bytes, max_bytes: int) -> str:
    if not data:
        raise EvidenceRejected("empty", N_("Het bestand is leeg."))
    if len(data) > max_bytes:
        raise EvidenceRejected("too_large", N_("Het bestand is te groot. Het mag hoogstens %(mb)s MB zijn."))
    content_type = sniff_type(data)
    if content_type is None:
        raise EvidenceRejected(
            "type",
            N_(
                "Dit soort bestand kan niet worden toegevoegd. Voeg een foto, schermafbeelding, PDF, e-mail of tekstbestand toe."
            ),
        )
    return content_type


def store(data: bytes, upload_dir: str, max_bytes: int) -> StoredFile:
    """Check and store one file. Written to a temporary name and renamed when complete, so a full
    disk or a crash never leaves half a file under a real name."""
    content_type = check(data, max_bytes)
    folder = pathlib.Path(upload_dir)
    name = secrets.token_hex(16)
    temporary = folder / f".{name}.part"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        blob = crypto.encrypt_bytes(data, purpose="evidence")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, folder / name)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise EvidenceRejected(
            "storage",
            N_(
                "Het bestand kon niet worden opgeslagen. Probeer het later opnieuw; wat u verder heeft ingevuld is bewaard."
            ),
        ) from None
    return StoredFile(name, len(data), hashlib.sha256(data).hexdigest(), content_type)


def read(upload_dir: str, storage_name: str) -> bytes:
    if not storage_name.isalnum():
        raise ValueError("bad storage name")
    return crypto.decrypt_bytes((pathlib.Path(upload_dir) / storage_name).read_bytes(), purpose="evidence")


def shred(upload_dir: str, storage_name: str) -> None:
    """Overwrite the stored bytes before unlinking (retention)."""
    path = pathlib.Path(upload_dir) / storage_name
    if path.exists():
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(os.urandom(size))
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
