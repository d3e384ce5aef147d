"""No two elements on a page share an id: a label, an error summary's link and an in-page link each
point at one element. Every role of the demo municipality (the demo threat case, a year of demo
incidents with measures, aftercare, police reports and damages, a consultation, a note and a
message) walks every page it reaches by following the links on the pages themselves from the
start page, a few of each shape (tests/crawl.py); each page is parsed and each id counted."""

from __future__ import annotations

import re

import pytest

from models.db import db
from tests.crawl import HANDLING, ROLES, demo_municipality, signed_client, walk  # noqa: F401  (a fixture)


@pytest.mark.parametrize("role", ROLES)
def test_no_two_elements_on_any_page_share_an_id(role, demo_municipality, make_app):  # noqa: F811
    person = demo_municipality.get(role)
    if person is None:
        pytest.skip(f"the demo municipality has no {role}")
    client = signed_client(make_app, person)
    duplicates = {}

    def count_ids(address, parser):
        shared = sorted(i for i, count in parser.ids.items() if count > 1)
        if shared:
            duplicates[address] = shared

    pages = walk(client, count_ids)
    db.close()
    assert len(pages) >= 5, f"{role} reached only {sorted(pages)}"
    if role in HANDLING:
        assert any(re.match(r"^/zaken/VB-", page) for page in pages), f"{role} reached no case page: {sorted(pages)}"
    assert not duplicates, f"{role}: ids used more than once:\n" + "\n".join(
        f"  {address}: {', '.join(ids)}" for address, ids in duplicates.items()
    )
