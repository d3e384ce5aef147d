"""'My deadlines': every open reminder on the cases a person may see and is reminded for."""

from flask import Blueprint, render_template
from flask_login import current_user

from models import audit, clock
from models.cases import Case
from models.deadlines import DEADLINE_LABELS, Deadline, DeadlineKind
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


@bp.route("/termijnen")
def my_deadlines():
    rows = deadlines_for(current_user)
    audit.record("deadlines_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template(
        "deadlines/list.html", rows=rows, labels=DEADLINE_LABELS, Kind=DeadlineKind, now=clock.utcnow()
    )


def init_app(app):
    app.register_blueprint(bp)
