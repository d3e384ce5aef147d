"""The start page after logging in: what this person can do, by role."""
from flask import Blueprint, render_template

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    return render_template("home/index.html")


def init_app(app):
    app.register_blueprint(bp)
