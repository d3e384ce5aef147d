"""Sections of the handler's case page, each owned by its own area (measures, aftercare, police…).

An area registers a panel: a template, a function that gives its context, and the section of the
page it belongs in (models.casework.Section, in the order of the work). The case page wraps the
panels of each section in one `<section id="<section>">`. It has already checked visibility
(models.visibility) before any panel runs; a panel gets the level, and the page's
models.case_file.CaseFile: the rows several panels need (accounts, access rows, the timeline), read
once per showing of the page.

One mechanism for every area that works on a case: `case_or_404` gets the case at the access level
a page needs (a case someone may not see answers 404, like one that does not exist); `back_to`
returns to the section that was saved, where the page shows the confirmation; and `show_again`
shows the case page again with a panel's form as it was sent, each error next to its field; the
panel finds that form with `sent_form`.

A form behind a closed <details> is folded (templates/_part.html): the page writes it only when it is
open, and `folded` makes the form object only then; portal.js loads a folded form into place when it
is opened (the case page with ?open=<id>, audited as a showing like any other)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, g, redirect, session, url_for
from flask_login import current_user

from models.case_file import CaseFile
from models.cases import Case
from models.casework import Section
from models.visibility import Access, case_access

# The session key that carries the saved section across the redirect to the case page, next to
# Flask's own flashes: the page shows that request's flashes in this section instead of at the top.
SAVED_SECTION = "saved_section"


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (case, level, user, file: CaseFile) -> dict | None  (None: the panel is not shown)
    section: Section
    order: int


_panels: list[Panel] = []
_SECTION_ORDER = {section: i for i, section in enumerate(Section)}


def register(name: str, template: str, context: Callable, section: Section, order: int = 50) -> None:
    if any(p.name == name for p in _panels):
        return
    _panels.append(Panel(name, template, context, section, order))
    _panels.sort(key=lambda p: (_SECTION_ORDER[p.section], p.order))


def section_of(name: str) -> Section:
    return next(p.section for p in _panels if p.name == name)


def render_context(case, level, user, file: CaseFile | None = None) -> list[tuple[Section, list[tuple[Panel, dict]]]]:
    """The sections the page shows, in the order of the work, each with its panels that are shown."""
    file = file or CaseFile(case)
    sections: dict[Section, list[tuple[Panel, dict]]] = {}
    for panel in _panels:
        context = panel.context(case, level, user, file)
        if context is not None:
            sections.setdefault(panel.section, []).append((panel, context))
    return list(sections.items())


def case_file_or_404(reference: str, minimum: Access = Access.INFORMED) -> tuple[Case, Access, CaseFile]:
    """case_or_404 for the case page: the level judged on the case's access rows as its CaseFile reads
    them once (the page and its panels use the same rows), with that CaseFile."""
    file = CaseFile.by_reference(reference)
    level = file.level_of(current_user) if file else Access.NONE
    if file is None or level < minimum:
        abort(404)
    return file.case, level, file


def case_or_404(reference: str, minimum: Access = Access.INFORMED, also: Callable | None = None) -> tuple[Case, Access]:
    """The case and the signed-in person's access level (models.visibility.case_access), or 404 when
    the level is below `minimum` or `also(user, case, level)` — a further rule of the area, such as
    models.aftercare.may_record — says no. Viewing is audited by the page that shows the case."""
    case = Case.get_or_none(Case.reference == reference)
    level = case_access(current_user, case) if case else Access.NONE
    if case is None or level < minimum or (also is not None and not also(current_user, case, level)):
        abort(404)
    return case, level


def back_to(case: Case, section: Section):
    """After saving: the case page at the section that was saved, with this request's flashes
    (the confirmation, or why it was refused) shown in that section."""
    session[SAVED_SECTION] = section.value
    return redirect(url_for("cases.case_page", reference=case.reference, _anchor=section.value))


def saved_section() -> Section | None:
    """The section the flashes of this showing belong in: the one `back_to` named, or the one of the
    form `show_again` sends back. Read once: a later showing of the page has its flashes at the top."""
    value = session.pop(SAVED_SECTION, None)
    if "sent_section" in g:
        return g.sent_section
    try:
        return Section(value) if value else None
    except ValueError:
        return None


def show_again(case: Case, panel: str, key: str, form, status: int = 422):
    """The case page again (audited as a view, like every showing of it) with this panel's form as
    it was sent, each error next to its field and the error summary in its section."""
    g.setdefault("sent_forms", {})[panel, key] = form
    g.sent_section = section_of(panel)
    case_page = current_app.view_functions["cases.case_page"]  # portal.cases renders the panels registered here
    return case_page(reference=case.reference), status


def sent_form(panel: str, key: str):
    """The form `show_again` sent back for this panel, or None when the page is shown as usual."""
    return g.get("sent_forms", {}).get((panel, key))


class Folded:
    """A panel's form that sits folded on the case page (templates/_part.html): made only when the
    page writes it, which a folded form is not (making the dozen forms of a case page cost ~1 ms).
    Until then its errors are those of the form `show_again` sent back, if any."""

    def __init__(self, sent, make: Callable):
        self._sent, self._make, self._form = sent, make, sent

    @property
    def form(self):
        if self._form is None:
            self._form = self._make()
        return self._form

    @property
    def errors(self) -> dict:
        return self._sent.errors if self._sent is not None else {}

    @property
    def form_errors(self) -> list:
        return self._sent.form_errors if self._sent is not None else []

    def __getattr__(self, name):  # a field, the CSRF token…: the form itself
        return getattr(self.form, name)

    def __iter__(self):
        return iter(self.form)


def folded(panel: str, key: str, make: Callable) -> Folded:
    """The panel's form `key` as a folded form: the one sent back, or else `make()` once it is written."""
    return Folded(sent_form(panel, key), make)
