"""The rows the handler's case page reads once per showing, shared by all its panels.

Each panel of the page (portal.case_panels) used to read the same rows again: the accounts behind
every "by whom" (one query per timeline entry, grant, measure, report), the case's access rows, the
people with access, the timeline. A `CaseFile` reads each of them at most once, when a panel first
asks, and hands the same rows to every panel. It only reads: the rules stay where they are
(models.visibility says who has access; each area's own functions say the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from models import accounts
from models.accounts import User
from models.cases import Case, CaseAccess, CaseEvent
from models.visibility import Access, people_with_access


@dataclass
class CaseFile:
    case: Case

    @cached_property
    def users(self) -> dict[int, User]:
        """Every account, by id, ordered by name (without password hash or TOTP secret): the
        accounts the page names are few, and one read of them all replaces one read per name."""
        return {u.id: u for u in accounts.listed().order_by(User.name)}

    def attach(self, rows, *fields: str):
        """Give each row's account fields (such as "actor", "decided_by") their account from
        `users`, so that `row.actor.name` in a template reads nothing more. Returns the rows."""
        users = self.users
        for row in rows:
            for name in fields:
                user_id = row.__data__.get(name)
                if user_id is not None and user_id in users:
                    row.__rel__[name] = users[user_id]
        return rows

    @cached_property
    def events(self) -> list[CaseEvent]:
        """The timeline, oldest first, with each entry's actor (the messages, notes and timeline)."""
        rows = list(CaseEvent.select().where(CaseEvent.case == self.case.id).order_by(CaseEvent.at, CaseEvent.id))
        return self.attach(rows, "actor")

    @cached_property
    def access_rows(self) -> list[CaseAccess]:
        """All the case's access rows (routed roles and grants, revoked ones too), with their accounts."""
        rows = list(CaseAccess.select().where(CaseAccess.case == self.case.id).order_by(CaseAccess.id))
        return self.attach(rows, "user", "granted_by")

    @cached_property
    def with_access(self) -> list[tuple[User, Access]]:
        """models.visibility.people_with_access, read once."""
        return people_with_access(self.case)
