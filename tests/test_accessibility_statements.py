"""The accessibility and privacy statements: public, linked from every page, and the privacy
statement says the retention periods and the routing as they are set now."""

from models import routing, settings
from models.accounts import Role


def test_both_statements_are_public_and_linked_in_the_footer(client):
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/toegankelijkheid"' in login_page and 'href="/privacy"' in login_page
    accessibility = client.get("/toegankelijkheid")
    assert accessibility.status_code == 200
    text = accessibility.get_data(as_text=True)
    assert "Toegankelijkheidsverklaring</h1>" in text and "WCAG 2.1" in text
    privacy = client.get("/privacy")
    assert privacy.status_code == 200 and "Privacyverklaring</h1>" in privacy.get_data(as_text=True)


def test_the_privacy_statement_shows_the_periods_and_routing_as_set(app, client, db_session):
    settings.change("retention_closed_case_months", 18, None)
    settings.change("retention_draft_days", 10, None)
    routing.replace_rules(Role.ALDERMAN, {Role.MAYOR}, {Role.SECURITY_OFFICER, Role.CLERK})
    text = client.get("/privacy").get_data(as_text=True)
    assert "18 maanden na het afsluiten" in text
    assert "10 dagen na de laatste wijziging" in text
    assert f"{settings.get('retention_evidence_months')} maanden na het toevoegen" in text
    row = text.split('<th scope="row">Wethouder</th>')[1].split("</tr>")[0]
    assert ">Burgemeester</td>" in row and "Griffier" in row and "Gemeentesecretaris" not in row
