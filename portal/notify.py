"""Who hears about what happens on a case, by e-mail — never with case content, only a link."""

from __future__ import annotations

from flask import url_for

from models.accounts import User
from models.cases import Case
from models.visibility import Access, people_with_access
from portal import mail


def _link(endpoint: str, case: Case) -> str:
    return url_for(endpoint, reference=case.reference, _external=False)


def new_case(case: Case) -> None:
    """Everyone the routing names: handlers and informed (the security officer always)."""
    for person, _level in people_with_access(case):
        mail.queue(person.email, person.locale, "new_case", name=person.name, path=_link("cases.case_page", case))


def case_updated(case: Case) -> None:
    """The reporter added information: the handlers hear that there is something new."""
    for person, level in people_with_access(case):
        if level == Access.HANDLER:
            mail.queue(
                person.email, person.locale, "case_updated", name=person.name, path=_link("cases.case_page", case)
            )


def message_to_reporter(case: Case) -> None:
    reporter = case.reporter
    if reporter.is_active:
        mail.queue(
            reporter.email, reporter.locale, "new_message", name=reporter.name, path=_link("reports.own_case", case)
        )


def access_granted(case: Case, person: User) -> None:
    mail.queue(person.email, person.locale, "access_granted", name=person.name, path=_link("cases.case_page", case))
