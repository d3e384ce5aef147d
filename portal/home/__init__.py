"""The start page after logging in: what needs doing for this person, by role (models.start_pages),
each count linked to the list behind it; below that what they can do. And the two public statements
every Dutch government service publishes: accessibility and privacy."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from models import audit, clock, routing, settings, start_pages
from models.accounts import Role
from models.dashboard import due_step
from models.measures import MEASURE_LABELS, MeasureType
from portal.security import client_ip, public

bp = Blueprint("home", __name__)
LIST_PAGE_SIZE = 50


@bp.route("/")
def index():
    now = clock.utcnow()
    page = start_pages.start_page(current_user, now)
    if page.tallies or page.steps:  # case references are shown: like the inbox, the trail says who saw them
        audit.record("start_page_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template(
        "home/index.html",
        page=page,
        steps=[due_step(row, now) for row in page.steps],
        cap=start_pages.CAP,
        measure_labels={kind.value: label for kind, label in MEASURE_LABELS.items()},
        MeasureType=MeasureType,
    )


@bp.route("/start/<key>")
def start_list(key):
    """The whole list behind a count on the start page: the same query, a page at a time."""
    if not start_pages.may_see_list(current_user, key):
        abort(404)
    kind = start_pages.LISTS[key]
    number = min(max(request.args.get("pagina", 1, type=int), 1), 100_000)  # larger overflowed OFFSET
    rows = list(start_pages.cases_of(current_user, key).limit(LIST_PAGE_SIZE + 1).offset((number - 1) * LIST_PAGE_SIZE))
    has_next, rows = len(rows) > LIST_PAGE_SIZE, rows[:LIST_PAGE_SIZE]
    waiting = start_pages.waiting_measures(current_user, [r.id for r in rows]) if key == "besluiten" and rows else {}
    audit.record("start_list_viewed", actor_id=current_user.id, ip=client_ip(), detail=key)
    return render_template(
        "home/list.html",
        kind=kind,
        cases=rows,
        page=number,
        has_next=has_next,
        waiting=waiting,
        measure_labels={kind.value: label for kind, label in MEASURE_LABELS.items()},
    )


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


@bp.route("/.well-known/security.txt")
@public
def security_txt():
    """RFC 9116: whom to tell about a vulnerability, and until when that holds (admin settings)."""
    base_url = current_app.config["BASE_URL"]
    body = settings.security_txt(
        host=urlsplit(base_url).hostname or "localhost",
        canonical_url=base_url + url_for("home.security_txt"),
        today=clock.utcnow().date(),
    )
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app):
    app.register_blueprint(bp)
