"""'My deadlines': every open reminder on the cases a person may see and is reminded for, each as the
open step it belongs to (models.casework: its label, and the case page's section where it is done);
and the deadlines of no case (models.deadlines.CASELESS_KINDS: a term's briefing, a risk analysis to
decide) of the roles they remind, each linking to the page where it is done."""

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from models import audit, clock
from models.cases import Case
from models.dashboard import due_step
from models.deadlines import APPOINTMENT_KINDS, CASELESS_KINDS, DEADLINE_LABELS, Deadline, DeadlineKind
from models.visibility import inbox_condition
from portal.security import client_ip

bp = Blueprint("deadlines", __name__)


def deadlines_for(user, case_ids=None):
    """Open deadlines on cases this person may see, where their role is reminded or escalated to."""
    visible = Case.select(Case.id).where(inbox_condition(user))
    if case_ids is not None:
        visible = visible.where(Case.id.in_(case_ids))
    rows = (
        Deadline.select(Deadline, Case)
        .join(Case)
        .where(Deadline.case.in_(visible) & Deadline.done_at.is_null())
        .order_by(Deadline.due_at)
    )
    return [d for d in rows if user.role in d.remind_roles.split(",") or user.role in d.escalate_roles.split(",")]


# Where a deadline of no case is done: (endpoint, its argument for the deadline's object_id, or None
# when the page needs none).
CASELESS_PAGES = {
    DeadlineKind.TERM_BRIEFING: ("prevention.term", "term_id"),
    DeadlineKind.RISK_ANALYSIS: ("risk.risk_analysis", "analysis_id"),
    DeadlineKind.YEARLY_EVALUATION: ("evaluation.overview", None),
    DeadlineKind.INFORMAL_MEETING: ("evaluation.overview", None),
}


def caseless_for(user, now):
    """Open deadlines of no case whose reminder or escalation goes to this person's role (the same
    people models.deadlines.recipients mails), earliest due first, each with the page where it is done."""
    rows = (
        Deadline.select()
        .where(
            Deadline.case.is_null()
            & Deadline.kind.in_(sorted(kind.value for kind in CASELESS_KINDS))
            & Deadline.done_at.is_null()
        )
        .order_by(Deadline.due_at, Deadline.id)
    )
    out = []
    for row in rows:
        if user.role not in row.remind_roles.split(",") + row.escalate_roles.split(","):
            continue
        kind = DeadlineKind(row.kind)
        if kind in APPOINTMENT_KINDS and row.due_at < now:
            continue
        endpoint, argument = CASELESS_PAGES[kind]
        out.append(
            {
                "deadline": row,
                "label": DEADLINE_LABELS[kind],
                "url": url_for(endpoint, **({argument: row.object_id} if argument else {})),
                "due_at": row.due_at,
                "overdue": row.is_overdue(now),
            }
        )
    return out


@bp.route("/termijnen")
def my_deadlines():
    now = clock.utcnow()
    rows = [due_step(row, now) for row in deadlines_for(current_user)]
    caseless = caseless_for(current_user, now)
    audit.record("deadlines_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template("deadlines/list.html", rows=rows, caseless=caseless)


def init_app(app):
    app.register_blueprint(bp)
