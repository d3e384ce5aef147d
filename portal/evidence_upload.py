"""Storing uploaded evidence from any form: checked, encrypted, hashed; a rejected file gives a
message on its field and the rest of the form stays as it was."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from models import evidence
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
        stored.append(Evidence.create(filename=upload.filename[:255] or "bestand", content_type=saved.content_type,
                                      size=saved.size, sha256=saved.sha256, storage_name=saved.storage_name,
                                      uploaded_by=owner, **link))
    return stored
