"""No page of any role scrolls sideways (WCAG 1.4.10 reflow): each role of the demo municipality
walks every page it reaches from the start page (tests/crawl.py, as tests/test_unique_ids.py does),
and a real Chromium loads each of those pages on a 320 px phone and at 200 % zoom of a 1280 px
screen (a 640 px wide viewport with two device pixels to the CSS pixel). A page whose document is
wider than the window fails, with the page, the width and the widest elements that stick out.

On the way, every form as it first opens shows no error: no error message and no control with the
error colour before the person did anything (Utrecht colours :invalid at once)."""

from __future__ import annotations

import pytest

from models.db import db
from tests.crawl import ROLES, demo_municipality, signed_client, walk  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

# (name, viewport width, device scale factor)
WIDTHS = [("320 px", 320, 1), ("200 % of 1280 px", 640, 2)]

# What sticks out: the elements whose right edge lies beyond the window, the deepest first.
OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    // Its box, or its own content (a long word), reaches beyond the window.
    if (box.width && (box.right > width + 1 || box.left + el.scrollWidth > width + 1)) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push(`${name} to ${Math.round(Math.max(box.right, box.left + el.scrollWidth))} px: ` +
        JSON.stringify((el.textContent || '').trim().slice(0, 40)));
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, culprits: out.slice(-6)};
}"""

# A stacked table's values without their column's name (on a phone the header row is hidden).
UNLABELLED = """() => [...document.querySelectorAll('table.table > tbody > tr > td')]
  .filter(td => getComputedStyle(td).display === 'block' && td.textContent.trim() && !td.dataset.label)
  .map(td => `${td.closest('table').querySelector('caption')?.textContent.trim() || 'table'}: ${td.textContent.trim().slice(0, 30)}`)"""

# Error styling on a page nobody has acted on: error messages, or a control in the error colour.
EARLY_ERRORS = """() => {
  const probe = document.createElement('span');
  probe.style.color = 'var(--vb-color-error)';
  document.body.append(probe);
  const red = getComputedStyle(probe).color;
  probe.remove();
  const found = [];
  for (const el of document.querySelectorAll('.form-error, .form-field--invalid, [aria-invalid=true], #foutmeldingen')) {
    found.push('error shown: ' + (el.id || el.className));
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const style = getComputedStyle(el);
    const sides = ['Top', 'Right', 'Bottom', 'Left'].map(s => style['border' + s + 'Color']);
    if (style.display !== 'none' && sides.includes(red)) found.push(`red border: ${el.type || el.tagName} #${el.id}`);
  }
  return found;
}"""


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone_or_at_200_percent(
    role,
    demo_municipality,  # noqa: F811
    make_app,
    live_server,
    browser,
):
    person = demo_municipality.get(role)
    if person is None:
        pytest.skip(f"the demo municipality has no {role}")
    client = signed_client(make_app, person)
    pages = sorted(walk(client))
    db.close()
    # The browser goes on in the test client's session (a TOTP code works once, and the fixture
    # used some of this window's codes already); the live server shares the secret key.
    name = client.application.config["SESSION_COOKIE_NAME"]
    cookie = {"name": name, "value": client.get_cookie(name).value, "url": live_server.url}

    problems, early, checked = [], {}, 0
    for name, width, scale in WIDTHS:
        context = browser.new_context(
            viewport={"width": width, "height": 800},
            device_scale_factor=scale,
            locale="nl-NL",
        )
        context.add_cookies([cookie])
        page = context.new_page()
        for address in pages:
            response = page.goto(live_server.url + address)
            assert response is not None and response.status < 500, (
                f"{role}: {address} gave {response and response.status}"
            )
            checked += 1
            wide = page.evaluate(OVERFLOW)
            if wide:
                problems.append(
                    f"{address} at {name}: {wide['scrollWidth']} px wide in {wide['clientWidth']} px\n      "
                    + "\n      ".join(wide["culprits"])
                )
            if scale == 1:
                for found in page.evaluate(EARLY_ERRORS):
                    early.setdefault(address, []).append(found)
                for found in page.evaluate(UNLABELLED)[:3]:
                    early.setdefault(address, []).append(f"value without its column's name: {found}")
        context.close()
    print(f"{role}: {pages}")
    print(f"{role}: {len(pages)} pages x {len(WIDTHS)} widths = {checked} checked")
    assert len(pages) >= 5, f"{role} reached only {pages}"
    assert not problems, f"{role}: {len(problems)} of {checked} page loads scroll sideways:\n  " + "\n  ".join(problems)
    assert not early, (
        f"{role}: errors shown before anything was done, or a stacked table without labels:\n"
        + "\n".join(f"  {address}: {'; '.join(found)}" for address, found in early.items())
    )
