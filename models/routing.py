"""Who reports to whom (§6.1): a routing table the admin can change, shipped with the protocol's
defaults. The roles a case is routed to are fixed on the case when it is filed, so a later change
of the routing never widens (or narrows) access to existing cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from models import clock
from models.accounts import OFFICE_HOLDER_ROLES, Role, User
from models.base import BaseModel
from models.db import write_transaction


class RoutingRule(BaseModel):
    reporter_role = peewee.CharField(max_length=32)
    role = peewee.CharField(max_length=32)
    kind = peewee.CharField(max_length=16)  # "handles" or "informed"
    changed_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("reporter_role", "role", "kind"), True),)


HANDLES = "handles"
INFORMED = "informed"

# §6.1: council and group members -> clerk or deputy clerk (the clerk informs the mayor);
# aldermen -> mayor or municipal secretary; the mayor -> municipal secretary; the security
# officer is informed of all incidents.
DEFAULT_ROUTING: dict[Role, dict[str, set[Role]]] = {
    Role.COUNCIL_MEMBER: {HANDLES: {Role.CLERK, Role.DEPUTY_CLERK}, INFORMED: {Role.MAYOR, Role.SECURITY_OFFICER}},
    Role.GROUP_MEMBER: {HANDLES: {Role.CLERK, Role.DEPUTY_CLERK}, INFORMED: {Role.MAYOR, Role.SECURITY_OFFICER}},
    Role.ALDERMAN: {HANDLES: {Role.MAYOR, Role.MUNICIPAL_SECRETARY}, INFORMED: {Role.SECURITY_OFFICER}},
    Role.MAYOR: {HANDLES: {Role.MUNICIPAL_SECRETARY}, INFORMED: {Role.SECURITY_OFFICER}},
}

# When nobody but the reporter holds the roles that would handle a case, it goes to the next in line.
NEXT_IN_LINE: dict[Role, Role] = {
    Role.CLERK: Role.DEPUTY_CLERK,
    Role.DEPUTY_CLERK: Role.MUNICIPAL_SECRETARY,
    Role.MAYOR: Role.MUNICIPAL_SECRETARY,
    Role.MUNICIPAL_SECRETARY: Role.MAYOR,
}

# Roles that may be chosen as handlers or informed in the routing table.
HANDLER_ROLES = [Role.CLERK, Role.DEPUTY_CLERK, Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.SECURITY_OFFICER]


def default_rows() -> list[dict]:
    return [
        {"reporter_role": reporter.value, "role": role.value, "kind": kind}
        for reporter, kinds in DEFAULT_ROUTING.items()
        for kind, roles in kinds.items()
        for role in sorted(roles)
    ]


def current_table() -> dict[Role, dict[str, set[Role]]]:
    table = {reporter: {HANDLES: set(), INFORMED: set()} for reporter in DEFAULT_ROUTING}
    for rule in RoutingRule.select():
        table.setdefault(Role(rule.reporter_role), {HANDLES: set(), INFORMED: set()})[rule.kind].add(Role(rule.role))
    return table


def replace_rules(reporter_role: Role, handles: set[Role], informed: set[Role]) -> tuple[str, str]:
    """Set the routing for one reporter role. Returns (before, after) as short texts for the audit."""
    if not handles:
        raise ValueError("a report must land somewhere")
    with write_transaction():
        before = current_table().get(reporter_role, {HANDLES: set(), INFORMED: set()})
        RoutingRule.delete().where(RoutingRule.reporter_role == reporter_role.value).execute()
        now = clock.utcnow()
        for kind, roles in ((HANDLES, handles), (INFORMED, informed - handles)):
            for role in sorted(roles):
                RoutingRule.create(reporter_role=reporter_role.value, role=role.value, kind=kind, changed_at=now)
    return _describe(before), _describe({HANDLES: handles, INFORMED: informed - handles})


def _describe(kinds: dict[str, set[Role]]) -> str:
    return (
        "handles="
        + ",".join(sorted(r.value for r in kinds[HANDLES]))
        + " informed="
        + ",".join(sorted(r.value for r in kinds[INFORMED]))
    )


@dataclass(frozen=True)
class Route:
    handles: frozenset[Role]
    informed: frozenset[Role]


def _someone_else_holds(role: Role, reporter: User) -> bool:
    return User.select().where((User.role == role.value) & (User.is_active == True) & (User.id != reporter.id)).exists()


def route_for(reporter: User) -> Route:
    """The roles that handle and that are informed of a case about this office holder. Nobody
    handles a case about themselves: the reporter's own account is excluded by the visibility
    rule, and when nobody else holds a handling role the case also goes to the next in line."""
    reporter_role = reporter.role_enum
    if reporter_role not in OFFICE_HOLDER_ROLES:
        raise ValueError(f"{reporter_role} is not an office holder")
    table = current_table()[reporter_role]
    handles = set(table[HANDLES])
    if not any(_someone_else_holds(role, reporter) for role in handles):
        for role in list(handles):
            nxt = NEXT_IN_LINE.get(role)
            seen = set()
            while nxt and nxt not in seen:
                seen.add(nxt)
                handles.add(nxt)
                if _someone_else_holds(nxt, reporter):
                    break
                nxt = NEXT_IN_LINE.get(nxt)
    return Route(frozenset(handles), frozenset(table[INFORMED] - handles))
