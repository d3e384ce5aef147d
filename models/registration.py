"""What happens when a case is registered, converted or closed — in one transaction each, so a case
never exists without its planned aftercare and inspectorate deadline."""

from __future__ import annotations

from models import aftercare, cases, consent, notices
from models.accounts import User
from models.cases import Case, CaseKind
from models.db import write_transaction


def _plan(case: Case) -> None:
    if case.kind == CaseKind.REPORT.value:
        aftercare.schedule_conversations(case)  # §6.3: always offered
        notices.schedule_inspectorate(case)


def file_case(draft_id: int, values: dict, *, ip: str | None = None) -> Case:
    """`values` as for cases.submit_draft, and `consents`: the purposes (models.consent.Purpose) the
    victim consented to in the report, recorded as given by who filed, at the moment of filing."""
    with write_transaction():
        case = cases.submit_draft(draft_id, values)
        for purpose in values.get("consents", ()):
            consent.give(case, purpose, case.filed_by, how=consent.How.IN_REPORT, at=case.created_at, ip=ip)
        _plan(case)
    return case


def convert_consultation(case: Case, behaviour_codes: list[str], actor: User) -> None:
    with write_transaction():
        cases.convert_to_report(case, behaviour_codes, actor)
        _plan(case)
