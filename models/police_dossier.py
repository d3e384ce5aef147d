"""The dossier a handler hands to the police with a police report (§6.4): the facts, the log of online
messages, the perpetrator's data, the measures taken, and the evidence files with the SHA-256 of each
original and who added it when (chain of custody).

What it refuses, whichever path asks: a dossier without the victim's consent to a police report in
force (models.consent), and a dossier with an evidence file that is no longer the file that was
added (its hash differs, or it cannot be read) — that refusal is in the audit trail.

The victim's home address is never in it: the municipality's address stands in its place (choice of
domicile, which the national arrangements for people with a public task allow). Where the incident
happened at the victim's home, the place is left out and the address is blanked in every text."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag

from models import audit, clock, consent, evidence, perpetrators, police, texts
from models.accounts import User
from models.cases import Case, Channel, Evidence, NotAllowed, OnlineEntry
from models.i18n import N_
from models.measures import Measure
from models.perpetrators import Perpetrator
from models.police import PoliceReport

# Stands in the dossier's texts where the victim's home address was.
HOME_LEFT_OUT = N_("[woonadres weggelaten]")


class EvidenceChanged(NotAllowed):
    """An evidence file is not the file that was added: the dossier is not made."""

    def __init__(self, item: Evidence):
        super().__init__(
            f"evidence_changed:{item.id}",
            N_(
                "Het dossier is niet gemaakt. Het bewijsbestand %(name)s is niet meer hetzelfde als toen het werd "
                "toegevoegd. Geef dit door aan de functioneel beheerder; het is vastgelegd in het logboek."
            ),
        )
        self.item = item


@dataclass(frozen=True)
class EvidenceFile:
    item: Evidence
    data: bytes
    uploaded_by: User


@dataclass
class Dossier:
    report: PoliceReport
    case: Case
    victim: User
    municipality: str
    domicile: str  # the municipality's address, in the victim's place
    made_at: dt.datetime
    made_by: User
    at_home: bool  # the incident happened at the victim's home: its place is left out
    location: str | None
    narrative: str | None
    online_entries: list[OnlineEntry]
    perpetrators: list[Perpetrator]
    measures: list[Measure]
    files: list[EvidenceFile]
    other_reports: list[PoliceReport] = field(default_factory=list)
    home: str | None = None  # only to blank it; never shown

    def without_home(self, text: str | None) -> str | None:
        """The text with the victim's home address blanked (a place at home, written anywhere)."""
        if not text or not self.home:
            return text
        return re.sub(re.escape(self.home), HOME_LEFT_OUT, text, flags=re.IGNORECASE)


def _verified(item: Evidence, upload_dir: str) -> bytes | None:
    try:
        data = evidence.read(upload_dir, item.storage_name)
    except (OSError, ValueError, InvalidTag):
        return None
    return data if hashlib.sha256(data).hexdigest() == item.sha256 else None


def build(report: PoliceReport, actor: User, upload_dir: str, *, ip: str | None = None) -> Dossier:
    """Everything the police get for this report, each evidence file read and checked against the
    hash recorded when it was added. Call outside a write transaction: a refused file's audit entry
    must stay when the refusal is raised."""
    case = report.case
    consent.require(case, consent.Purpose.POLICE_REPORT)
    files = []
    for item in case.evidence.order_by(Evidence.uploaded_at, Evidence.id):
        data = _verified(item, upload_dir)
        if data is None:
            audit.record(
                "police_dossier_evidence_changed",
                actor_id=actor.id,
                object_type="evidence",
                object_id=item.id,
                ip=ip,
                detail=f"case={case.id} police_report={report.id}",
            )
            raise EvidenceChanged(item)
        files.append(EvidenceFile(item, data, item.uploaded_by))
    at_home = case.channel == Channel.AT_HOME.value
    home = (case.location or "").strip() if at_home else ""
    dossier = Dossier(
        report=report,
        case=case,
        victim=case.reporter,
        municipality=texts.get("municipality_name"),
        domicile=texts.get("municipality_address"),
        made_at=clock.utcnow(),
        made_by=actor,
        at_home=at_home,
        location=None if at_home else case.location,
        narrative=case.narrative,
        online_entries=list(case.online_entries.order_by(OnlineEntry.message_at, OnlineEntry.id)),
        perpetrators=[p for p in perpetrators.linked_perpetrators(case) if p.expired_at is None],
        measures=list(case.measures.order_by(Measure.proposed_at, Measure.id)),
        files=files,
        other_reports=[r for r in police.reports_of(case) if r.id != report.id],
        home=home or None,
    )
    dossier.narrative = dossier.without_home(dossier.narrative)
    return dossier
