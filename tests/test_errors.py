"""Error pages in plain Dutch (and English), with no stack trace or internals."""

import pytest

from models.accounts import Role


def test_unknown_page_gives_a_dutch_404(client, create_user, login):
    login(client, create_user())
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)


def test_wrong_method_gives_405(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "Dit kan zo niet" in response.get_data(as_text=True)


def test_too_large_request_gives_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)


def test_a_crash_shows_no_internals(make_app, create_user, login):
    app = make_app()

    @app.route("/test-crash")
    def crash():
        raise RuntimeError("geheime-interne-details")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    login(client, create_user(Role.CLERK))
    response = client.get("/test-crash")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging iets mis bij ons" in body
    assert "geheime-interne-details" not in body and "Traceback" not in body


@pytest.mark.parametrize(
    "code, dutch, english",
    [
        (403, "U heeft geen toegang", "You do not have access"),
        (404, "Deze pagina bestaat niet", "This page does not exist"),
    ],
)
def test_error_pages_follow_the_chosen_language(client, create_user, login, code, dutch, english):
    login(client, create_user(Role.COUNCIL_MEMBER, locale="en"))
    url = "/beheer/accounts" if code == 403 else "/nope"
    body = client.get(url).get_data(as_text=True)
    assert english in body and dutch not in body


def test_out_of_range_numbers_and_unknown_choices_are_not_a_crash(app, create_user, signed_in, db_session):
    """Issue 19's four 500s, three of them here (the fourth, a consultation converted twice, is in
    tests/test_stale_pages.py): a page number past any list, an id larger than a database id, a kind
    of report that does not exist. Each is a plain 4xx page or the last page, never a 500."""
    clerk, member = create_user(Role.CLERK), create_user(Role.COUNCIL_MEMBER)
    inbox = signed_in(clerk).get("/zaken?pagina=99999999999999999999999")
    assert inbox.status_code == 200 and "Er ging iets mis bij ons" not in inbox.get_data(as_text=True)
    for path in ("/bewijs/99999999999999999999999", "/bewijs/2147483648"):
        response = signed_in(clerk).get(path)
        assert response.status_code == 404 and "Deze pagina bestaat niet" in response.get_data(as_text=True)
    refused = signed_in(member).post("/melden", data={"kind": "nope"})
    assert refused.status_code == 400 and "Er ging iets mis met uw verzoek" in refused.get_data(as_text=True)
