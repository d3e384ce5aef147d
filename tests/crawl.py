"""Walking the portal as each role of the demo municipality: the demo accounts and cases with some
handling done (`demo_municipality`), a test client logged in as one of them (`signed_client`), and
every page that person reaches from the start page by following the links on the pages themselves,
a few of each shape (`walk`), with the links and forms on each. Used by tests/test_unique_ids.py
(ids on every page), tests/test_browser_reflow.py (no sideways scrolling on every page) and
tests/test_no_500.py (hostile values for every address and form a role reaches)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from models.db import db
from tests.conftest import fresh_code

HOST = "http://localhost"
# Downloads and one-time addresses: no HTML pages (evidence, receipts, PDF, CSV, ZIP, invitation links).
NOT_PAGES = re.compile(r"^/(static/|bewijs/|schade/bon/|link/|logout)|\.(csv|pdf|zip)$")
PER_PATTERN = 3
HANDLING = {"mayor", "clerk", "deputy_clerk", "municipal_secretary", "security_officer"}
ROLES = [
    "council_member",
    "group_member",
    "alderman",
    "mayor",
    "clerk",
    "deputy_clerk",
    "municipal_secretary",
    "security_officer",
    "finance_officer",
    "admin",
]
MAX_PAGES = 250


@dataclass
class FormField:
    """One named control of a form: what a browser would send for it (`values`, none when it is
    not sent: an unchecked box, a file), and the choices it offers (select, radio, checkbox)."""

    name: str
    kind: str  # the input's type, or select / textarea / button
    values: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str  # as written in the page (resolve against the page's address)
    method: str
    multipart: bool
    fields: dict[str, FormField] = field(default_factory=dict)


class PageParser(HTMLParser):
    """The ids on a page (counted), its links and its forms."""

    def __init__(self):
        super().__init__()
        self.ids: Counter = Counter()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._option: tuple[str | None, bool] | None = None
        self._textarea: FormField | None = None
        self._button_named = False

    def _control(self, name: str, kind: str) -> FormField:
        if name not in self._form.fields:
            self._form.fields[name] = FormField(name, kind)
        return self._form.fields[name]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self._form = Form(
                attributes.get("action") or "",
                (attributes.get("method") or "get").upper(),
                (attributes.get("enctype") or "") == "multipart/form-data",
            )
            self.forms.append(self._form)
            self._button_named = False
        elif self._form is None or not attributes.get("name") and tag not in ("option",):
            return
        elif tag == "input" and "disabled" not in attributes:
            kind = (attributes.get("type") or "text").lower()
            control = self._control(attributes["name"], kind)
            value = attributes.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                control.choices.append(value)
                if "checked" in attributes:
                    control.values.append(value)
            elif kind == "submit":
                if not self._button_named:  # the first button is the one pressed
                    control.values.append(value)
                    self._button_named = True
            elif kind not in ("file", "image", "reset"):
                control.values = [value]
        elif tag == "button" and (attributes.get("type") or "submit") == "submit":
            control = self._control(attributes["name"], "button")
            control.choices.append(attributes.get("value", ""))
            if not self._button_named:
                control.values.append(attributes.get("value", ""))
                self._button_named = True
        elif tag == "select" and "disabled" not in attributes:
            self._select = self._control(attributes["name"], "select")
            self._select.values = []
        elif tag == "option" and self._select is not None:
            self._option = (attributes.get("value"), "selected" in attributes)
            if attributes.get("value") is not None:
                self._add_option(attributes["value"])
        elif tag == "textarea":
            self._textarea = self._control(attributes["name"], "textarea")
            self._textarea.values = [""]

    def _add_option(self, value: str):
        self._select.choices.append(value)
        if self._option[1] or not self._select.values:
            self._select.values = [value]  # the selected one, else the first (as a browser sends)
        self._option = None

    def handle_data(self, data):
        if self._option is not None and self._option[0] is None:
            self._add_option(data.strip())
        elif self._textarea is not None:
            self._textarea.values = [self._textarea.values[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _pattern(path: str, query: str) -> str:
    path = re.sub(r"VB-[\w-]+", "REF", path)
    path = re.sub(r"\d+", "N", path)
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return path + ("?" + "&".join(keys) if keys else "")


def walk(client, on_page=None) -> set[str]:
    """Every page reachable from the start page, a few of each shape; `on_page(address, parser)`
    is called for each HTML page. Returns the addresses of the pages seen."""
    seen, pages, per_pattern, queue = set(), set(), Counter(), ["/"]
    while queue and len(seen) < MAX_PAGES:
        address = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        parsed = urlparse(address)
        pattern = _pattern(parsed.path, parsed.query)
        if per_pattern[pattern] >= PER_PATTERN:
            continue
        per_pattern[pattern] += 1
        response = client.get(address)
        assert response.status_code < 500, f"{address} gave {response.status_code}"
        if response.status_code in (301, 302, 303):
            queue.append(urljoin(HOST + address, response.headers["Location"]).removeprefix(HOST))
            continue
        if not response.content_type.startswith("text/html"):
            continue
        pages.add(address)
        parser = PageParser()
        parser.feed(response.get_data(as_text=True))
        if on_page:
            on_page(address, parser)
        for href in parser.links:
            target = urldefrag(urljoin(HOST + address, href))[0]
            if not target.startswith(HOST + "/"):
                continue
            path = target.removeprefix(HOST)
            if not NOT_PAGES.search(urlparse(path).path) and path not in seen:
                queue.append(path)
    return pages


def signed_client(make_app, person):
    """A test client logged in as `person` with CSRF on, as in production (every form then carries
    its hidden token)."""
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    with client.application.app_context():
        db.connect(reuse_if_open=True)
        code = fresh_code(person)
    signed = client.post(
        "/login", data={"csrf_token": token, "email": person.email, "password": person.test_password, "code": code}
    )
    assert signed.status_code == 302, signed.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def demo_municipality(app, db_session, create_user, signed_in, file_report):
    """The demo accounts and cases, and some handling done on the demo case through its pages:
    {role: person}, each person with `test_password`."""
    from models.accounts import Role, User
    from models.cases import Case
    from models.demo import DEMO_DOMAIN, create_demo_accounts, create_demo_case, seed_demo_year

    with app.app_context():
        accounts = {a["role"]: a for a in create_demo_accounts()}
        reference = create_demo_case()
        seed_demo_year(dt.date.today().year - 1)
    people = {}
    for role, account in accounts.items():
        person = User.get(User.email == account["email"])
        person.test_password = account["password"]
        people[role] = person
    clerk = signed_in(people[Role.CLERK.value])
    # A note, a message and a consultation: the notes and messages sections and the convert form.
    assert clerk.post(f"/zaken/{reference}/notitie", data={"body": "Gebeld met het raadslid."}).status_code == 302
    assert clerk.post(f"/zaken/{reference}/bericht", data={"body": "Wij bellen u morgen."}).status_code == 302
    member = signed_in(people[Role.COUNCIL_MEMBER.value])
    started = member.post("/melden", data={"kind": "consultation"})
    asked = member.post(started.headers["Location"], data={"question": "Is dit al intimidatie?"})
    assert asked.status_code == 302, asked.get_data(as_text=True)[:500]
    file_report(member, behaviours=("insulting",), channel="face_to_face")
    assert Case.select().where(Case.reporter == people[Role.COUNCIL_MEMBER.value].id).count() >= 2
    assert DEMO_DOMAIN in people[Role.CLERK.value].email
    return people
