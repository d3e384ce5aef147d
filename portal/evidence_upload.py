"""Storing uploaded evidence from any form: checked, encrypted, hashed; a rejected file gives a
message on its field and the rest of the form stays as it was."""

from __future__ import annotations

from flask import Response, current_app
from flask_babel import gettext as _
from flask_login import current_user

from models import audit, evidence
from models.cases import Evidence


def store_files(field, owner, **link) -> list[Evidence]:
    """Store each file of a MultipleFileField; errors are added to the field. `link` says what
    the evidence belongs to (draft=…, or case=… and online_entry=…)."""
    stored = []
    max_mb = current_app.config["MAX_UPLOAD_MB"]
    for upload in field.data or []:
        if not getattr(upload, "filename", None):
            continue
        data = upload.read(max_mb * 1024 * 1024 + 1)
        try:
            saved = evidence.store(data, current_app.config["UPLOAD_PATH"], max_mb * 1024 * 1024)
        except evidence.EvidenceRejected as rejected:
            field.errors = list(field.errors or [])
            field.errors.append(_("%(file)s: ", file=upload.filename[:80]) + _(rejected.message, mb=max_mb))
            continue
        stored.append(
            Evidence.create(
                filename=upload.filename[:255] or "bestand",
                content_type=saved.content_type,
                size=saved.size,
                sha256=saved.sha256,
                storage_name=saved.storage_name,
                uploaded_by=owner,
                **link,
            )
        )
    return stored


def send_evidence(item: Evidence, detail: str, fallback_name: str = "bewijs") -> Response:
    """Serve one stored file: decrypted, always as a download (never shown as a page), in a
    sandbox, and audited. Call only after the caller's visibility check."""
    from portal.security import client_ip

    data = evidence.read(current_app.config["UPLOAD_PATH"], item.storage_name)
    audit.record(
        "evidence_downloaded",
        actor_id=current_user.id,
        object_type="evidence",
        object_id=item.id,
        ip=client_ip(),
        detail=detail,
    )
    safe_name = "".join(ch for ch in item.filename if ch.isalnum() or ch in "._- ")[:100] or fallback_name
    return Response(
        data,
        mimetype=item.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe_name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "X-Content-Type-Options": "nosniff",
        },
    )
