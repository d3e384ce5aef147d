"""'My deadlines': every open reminder on the cases a person may see and is reminded for, each as the
open step it belongs to (models.casework: its label, and the case page's section where it is done)."""

from flask import Blueprint, render_template
from flask_login import current_user

from models import audit, clock
from models.cases import Case
from models.dashboard import due_step
from models.deadlines import Deadline
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
    now = clock.utcnow()
    rows = [due_step(row, now) for row in deadlines_for(current_user)]
    audit.record("deadlines_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template("deadlines/list.html", rows=rows)


def init_app(app):
    app.register_blueprint(bp)
