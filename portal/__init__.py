"""Veilig Bestuur: the web layer. `create_app()` builds the Flask app; every subsystem has init_app."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

from models import clock, crypto
from portal.config import load_config


class RowId(IntegerConverter):
    """`<int:…>` in every route: a number a database id can be (PostgreSQL's INTEGER), or no such
    page (404) — a larger number reached the database and answered 500 (OverflowError, DataError)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class PathPart(UnicodeConverter):
    """`<…>` without a type in every route (a reference, a token, a kind): no NUL and at most 200
    characters, or no such page (404). PostgreSQL refuses a NUL in text: a 500."""

    def __init__(self, url_map, minlength=1, maxlength=200, length=None):
        super().__init__(url_map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.url_map.converters["int"] = RowId
    app.url_map.converters["default"] = app.url_map.converters["string"] = PathPart
    app.config.update(load_config())
    if config:
        app.config.update(config)
    app.logger.setLevel(logging.INFO)

    clock.configure(app.config["TIMEZONE"])
    crypto.configure(app.config["CONTENT_KEY"])

    from portal import (
        admin,
        aftercare,
        auth,
        cases,
        cli,
        database,
        deadlines,
        errors,
        forms,
        home,
        i18n,
        mail,
        police,
        reports,
        security,
        templating,
    )

    database.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    forms.init_app(app)
    mail.init_app(app)
    templating.init_app(app)
    auth.init_app(app)
    home.init_app(app)
    admin.init_app(app)
    reports.init_app(app)
    cases.init_app(app)
    aftercare.init_app(app)
    police.init_app(app)
    from portal import notices  # case panel: whom to warn (26): inspectorate, acute threat, checklist

    notices.init_app(app)
    from portal import measures, perpetrators  # case panels: perpetrator (10), measures (20)

    measures.init_app(app)
    perpetrators.init_app(app)
    from portal import damages  # case panel: damages (40)

    damages.init_app(app)
    from portal import retention  # case panel: legal hold (5); admin's retention page; inzage PDF

    retention.init_app(app)
    from portal import consent  # case panel: consent (15); the victim's consent in Mijn meldingen

    consent.init_app(app)
    from portal import prevention  # §4.1: council terms, briefing, trainings; the new council from a CSV

    prevention.init_app(app)
    from portal import communication  # case panel: communication (§7), statements and press contacts

    communication.init_app(app)
    deadlines.init_app(app)
    from portal import annual_report, dashboard  # the yearly report (§4.1) and the handlers' dashboard

    annual_report.init_app(app)
    from portal import evaluation  # §4.1: the yearly evaluation and informal meeting, next to the yearly report

    evaluation.init_app(app)
    dashboard.init_app(app)
    from portal import risk  # prevention (§4.1, §4.2): risk analyses and home screenings

    risk.init_app(app)
    from portal import meetings  # the meeting mode (§5): a disrupted meeting, one case per disrupter

    meetings.init_app(app)
    from portal import passkeys  # logging in with a passkey; the admin's rule that handlers have one

    passkeys.init_app(app)
    cli.init_app(app)

    import jobs

    jobs.init_app(app)
    return app
