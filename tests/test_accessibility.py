"""WCAG 2.1 A and AA, measured: axe-core (npm, pinned in package-lock.json) runs in headless Chromium
over every page each role can reach — found by following the links on the pages themselves, from the
start page — plus the report form's steps with an error, a consultation, a damages claim with an
error, the login page with an error, the public statements and the 403 and 404 pages. Zero violations."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from urllib.parse import urldefrag, urlparse

import pytest

from models.db import db
from tests.browser import CHROMIUM_ARGS, log_in  # noqa: F401  (the launch flags live there)

pytestmark = pytest.mark.browser

AXE = pathlib.Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Downloads and one-time addresses: not pages to check (the PDFs and CSVs are no HTML).
NOT_PAGES = re.compile(r"^/(static/|bewijs/|schade/bon/|link/)|\.(csv|pdf|zip)$")
PER_PATTERN = 3  # this many addresses of one shape (three cases, three register entries, ...)


def _pattern(url: str) -> str:
    parsed = urlparse(url)
    path = re.sub(r"VB-[\w-]+", "REF", parsed.path)
    path = re.sub(r"\d+", "N", path)
    keys = sorted(part.split("=")[0] for part in parsed.query.split("&") if part)
    return path + ("?" + "&".join(keys) if keys else "")


class Axe:
    def __init__(self, page):
        if not AXE.exists():
            pytest.fail("node_modules/axe-core is missing: `make test` installs it (npm ci).")
        self.page = page
        self.checked: list[str] = []
        self.violations: list[str] = []

    def check(self, label: str):
        """Run axe on the page as it is now; remember what it found."""
        page = self.page
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
        )
        where = f"{label} ({urlparse(page.url).path})"
        self.checked.append(where)
        h1s = page.locator("h1").count()
        if h1s != 1:
            self.violations.append(f"{where}: {h1s} h1 elements (one expected)")
        if not page.locator("a.skip-link[href='#inhoud']").count():
            self.violations.append(f"{where}: no skip link")
        for violation in result["violations"]:
            lines = [f"{where}: [{violation['impact']}] {violation['id']} — {violation['help']}"]
            for node in violation["nodes"][:5]:
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(f"    at {' '.join(map(str, node['target']))}: {summary[:300]}")
            self.violations.append("\n".join(lines))

    def crawl(self, base_url: str, label: str, *starts: str):
        """Visit every portal page reachable by links from `starts`, a few of each shape."""
        page = self.page
        seen_urls, per_pattern, queue = set(), {}, [base_url + start for start in starts]
        while queue:
            url = queue.pop(0)
            if url in seen_urls:
                continue
            seen_urls.add(url)
            pattern = _pattern(url)
            if per_pattern.get(pattern, 0) >= PER_PATTERN:
                continue
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
            response = page.goto(url)
            assert response is not None and response.status < 500, f"{label}: {url} gave {response and response.status}"
            self.check(label)
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                href = urldefrag(href)[0]
                if href.startswith(base_url) and not NOT_PAGES.search(urlparse(href).path) and href not in seen_urls:
                    queue.append(href)

    def report(self) -> str:
        return (
            f"{len(self.violations)} accessibility problem(s) on {len(self.checked)} pages checked:\n\n"
            + "\n\n".join(self.violations)
        )


def log_out(page):
    page.get_by_role("button", name="Uitloggen").click()


def _demo_municipality(app):
    """The demo accounts, the demo threat case with a claim waiting to be assessed, and last year."""
    from models import damages
    from models.accounts import User
    from models.cases import Case
    from models.demo import DEMO_DOMAIN, create_demo_accounts, create_demo_case, seed_demo_year

    with app.app_context():
        db.connect(reuse_if_open=True)
        accounts = {a["role"]: a for a in create_demo_accounts()}
        reference = create_demo_case()
        seed_demo_year(dt.date.today().year - 1)
        member = User.get(User.email == f"raadslid@{DEMO_DOMAIN}")
        damages.submit_item(
            Case.get(Case.reference == reference), damages.Category.PROPERTY, "Kapotte fietsband", 2450, member
        )
        db.close()
    return accounts, reference


@pytest.fixture
def axe_page(browser):
    # The test injects axe as a script tag; the portal's CSP allows no inline script, so the test's
    # own browser context bypasses it (the other browser tests keep the CSP and fail on violations).
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def test_every_page_for_every_role_has_no_wcag_21_aa_violations(make_app, live_server, axe_page):
    app = make_app()
    accounts, reference = _demo_municipality(app)
    page, base = axe_page, live_server.url
    axe = Axe(page)

    # The harness itself: axe finds a picture without a text alternative.
    page.goto(base + "/login")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/favicon.svg\">')")
    canary = Axe(page)
    canary.check("canary")
    assert any("image-alt" in v for v in canary.violations), canary.report()

    # Without an account: login (also with errors), the statements, an unknown page.
    page.goto(base + "/login")
    axe.check("anonymous login")
    page.get_by_role("button", name="Inloggen").click()
    axe.check("anonymous login with errors")
    for path in ("/toegankelijkheid", "/privacy", "/bestaat-niet"):
        response = page.goto(base + path)
        axe.check(f"anonymous {path} ({response.status})")

    for role, account in accounts.items():
        log_in(page, base, account)
        axe.crawl(base, role, "/", f"/zaken/{reference}", f"/mijn-meldingen/{reference}")
        page.goto(base + "/bestaat-niet")
        axe.check(f"{role} 404")
        log_out(page)

    # The council member's own tasks: the report form step by step (with an error), a consultation,
    # a damages claim (with an error), the 403 page.
    log_in(page, base, accounts["council_member"])
    page.goto(base + "/melden")
    axe.check("council_member report start")
    page.get_by_role("button", name="Start de melding").click()
    page.get_by_role("button", name="Volgende stap").click()
    assert page.locator("#foutmeldingen").count() == 1
    axe.check("council_member report step 1 with errors")
    page.get_by_label("Iemand bedreigde mij of mijn naasten").check()
    page.get_by_label("Dreigde met geweld").check()
    page.get_by_label("Nee, de persoon ging door of het werd erger").check()
    page.locator("#recurring-1").check()
    page.get_by_role("button", name="Volgende stap").click()
    axe.check("council_member report step 2")
    page.get_by_role("button", name="Volgende stap").click()
    axe.check("council_member report step 2 with errors")
    page.get_by_label("Op welke dag gebeurde het?").fill("2026-11-20")
    page.get_by_label("Sociale media, app of ander online kanaal").check()
    page.get_by_label("Op mijzelf").check()
    page.get_by_role("button", name="Volgende stap").click()
    for step in (3, 4):
        axe.check(f"council_member report step {step}")
        page.get_by_role("button", name="Volgende stap").click()
    axe.check("council_member report check page")
    page.locator("#consent_police_report-1").check()
    page.locator("#consent_inform_others-1").check()
    page.get_by_role("button", name="Melding versturen").click()
    assert "Uw melding is verstuurd" in page.get_by_role("status").first.inner_text()
    axe.check("council_member report receipt")
    page.goto(base + "/melden")
    page.get_by_role("button", name="Overleg aanvragen").click()
    axe.check("council_member consultation")
    page.goto(f"{base}/mijn-meldingen/{reference}/schade")
    axe.check("council_member damages claim")
    page.get_by_role("button", name="Schade indienen").click()
    axe.check("council_member damages claim after sending empty")
    response = page.goto(base + "/overzicht")
    assert response.status == 403
    axe.check("council_member 403")

    print(f"axe checked {len(axe.checked)} pages:\n" + "\n".join(axe.checked))
    assert not axe.violations, axe.report()
