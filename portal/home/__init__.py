"""The start page after logging in: what this person can do, by role. And the two public
statements every Dutch government service publishes: accessibility and privacy."""

from flask import Blueprint, render_template

from models import routing, settings
from models.accounts import Role
from portal.security import public

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    return render_template("home/index.html")


@bp.route("/toegankelijkheid")
@public
def accessibility_statement():
    return render_template("home/accessibility.html")


@bp.route("/privacy")
@public
def privacy_statement():
    # The periods and the routing as they are set now: the statement never says something else.
    return render_template(
        "home/privacy.html",
        values=settings.all_values(),
        routing=routing.current_table(),
        HANDLES=routing.HANDLES,
        INFORMED=routing.INFORMED,
        Role=Role,
    )


def init_app(app):
    app.register_blueprint(bp)
