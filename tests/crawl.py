"""Walking the portal as each role of the demo municipality: the demo accounts and cases with some
handling done (`demo_municipality`), a test client logged in as one of them (`signed_client`), and
every page that person reaches from the start page by following the links on the pages themselves,
a few of each shape (`walk`). Used by tests/test_unique_ids.py (ids on every page) and
tests/test_browser_reflow.py (no sideways scrolling on every page)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
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


class PageParser(HTMLParser):
    """The ids on a page (counted) and its links."""

    def __init__(self):
        super().__init__()
        self.ids: Counter = Counter()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


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
