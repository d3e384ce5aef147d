"""Sections of the handler's case page, each owned by its own area (measures, aftercare, police…).

An area registers a panel: a template and a function that gives its context. The case page has
already checked visibility (models.visibility) before any panel runs; a panel gets the level.

One mechanism for every area that works on a case: `case_or_404` gets the case at the access level
a page needs (a case someone may not see answers 404, like one that does not exist), and
`show_again` shows the case page again with a panel's form as it was sent, each error next to its
field; the panel finds that form with `sent_form`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, g
from flask_login import current_user

from models.cases import Case
from models.visibility import Access, case_access


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (case, level, user) -> dict | None  (None: the panel is not shown)
    order: int


_panels: list[Panel] = []


def register(name: str, template: str, context: Callable, order: int = 50) -> None:
    if any(p.name == name for p in _panels):
        return
    _panels.append(Panel(name, template, context, order))
    _panels.sort(key=lambda p: p.order)


def render_context(case, level, user) -> list[tuple[Panel, dict]]:
    shown = []
    for panel in _panels:
        context = panel.context(case, level, user)
        if context is not None:
            shown.append((panel, context))
    return shown


def case_or_404(reference: str, minimum: Access = Access.INFORMED, also: Callable | None = None) -> tuple[Case, Access]:
    """The case and the signed-in person's access level (models.visibility.case_access), or 404 when
    the level is below `minimum` or `also(user, case, level)` — a further rule of the area, such as
    models.aftercare.may_record — says no. Viewing is audited by the page that shows the case."""
    case = Case.get_or_none(Case.reference == reference)
    level = case_access(current_user, case) if case else Access.NONE
    if case is None or level < minimum or (also is not None and not also(current_user, case, level)):
        abort(404)
    return case, level


def show_again(case: Case, panel: str, key: str, form, status: int = 422):
    """The case page again (audited as a view, like every showing of it) with this panel's form as
    it was sent, each error next to its field."""
    g.setdefault("sent_forms", {})[panel, key] = form
    case_page = current_app.view_functions["cases.case_page"]  # portal.cases renders the panels registered here
    return case_page(reference=case.reference), status


def sent_form(panel: str, key: str):
    """The form `show_again` sent back for this panel, or None when the page is shown as usual."""
    return g.get("sent_forms", {}).get((panel, key))
