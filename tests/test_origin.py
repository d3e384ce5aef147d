"""Origin checked on every state-changing request (issue 19 item 5), over HTTP as over HTTPS: a form
posted from another site is refused with the CSRF message, even with a valid token."""

import re

import pytest

from models.accounts import Role
from portal.security import origin_of
from tests.conftest import fresh_code

EXPIRED = "Het formulier is verlopen"


def _login_form(app, client, user, base_url="http://localhost"):
    page = client.get("/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():
        code = fresh_code(user)
    return {"csrf_token": token, "email": user.email, "password": user.test_password, "code": code}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://evil.example"},
        {"Origin": "http://localhost:8080"},  # another port is another site
        {"Origin": "null"},  # a sandboxed frame or a page that hides where it came from
        {"Referer": "http://evil.example/login"},  # no Origin: the Referer decides
        {"Origin": "https://evil.example", "Referer": "http://localhost/login"},  # Origin wins
    ],
)
def test_a_post_from_another_site_is_refused_over_http_even_with_a_valid_token(make_app, create_user, headers):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = create_user(Role.MAYOR)
    client = app.test_client()
    response = client.post("/login", data=_login_form(app, client, user), headers=headers)
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost"},
        {"Origin": "http://LOCALHOST:80"},
        {"Origin": "http://portal.test"},  # the configured BASE_URL, the address people use
        {"Referer": "http://localhost/login?next=/account"},
        {},  # neither header (not from a browser): the token decides
    ],
)
def test_a_post_from_this_site_is_accepted(make_app, create_user, headers):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = create_user(Role.MAYOR)
    client = app.test_client()
    response = client.post("/login", data=_login_form(app, client, user), headers=headers)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_over_https_the_origin_is_checked_too(make_app, create_user):
    app = make_app(WTF_CSRF_ENABLED=True, BASE_URL="https://portal.test")
    user = create_user(Role.MAYOR)
    client = app.test_client()
    base = "https://portal.test"
    form = _login_form(app, client, user, base)
    ours = {"Referer": f"{base}/login"}
    foreign = client.post("/login", data=form, base_url=base, headers={**ours, "Origin": "https://evil.example"})
    assert foreign.status_code == 400 and EXPIRED in foreign.get_data(as_text=True)
    http_origin = client.post("/login", data=form, base_url=base, headers={**ours, "Origin": "http://portal.test"})
    assert http_origin.status_code == 400  # the same host over plain HTTP is another origin
    accepted = client.post("/login", data=form, base_url=base, headers={**ours, "Origin": base})
    assert accepted.status_code == 302


def test_a_logged_in_person_is_not_logged_out_by_another_site(client, create_user, login):
    login(client, create_user(Role.MAYOR))
    refused = client.post("/logout", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 400 and EXPIRED in refused.get_data(as_text=True)
    assert client.get("/").status_code == 200
    assert client.post("/logout", headers={"Origin": "http://localhost"}).status_code == 302


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_every_state_changing_method_is_checked(client, method):
    response = client.open("/login", method=method, headers={"Origin": "https://evil.example"})
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)


def test_reading_a_page_from_another_site_s_link_is_fine(client):
    assert (
        client.get("/login", headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"}).status_code
        == 200
    )


def test_origins_are_compared_as_browsers_send_them():
    assert origin_of("https://Portal.Example:443/path?q=1") == "https://portal.example"
    assert origin_of("http://portal.example:8000/") == "http://portal.example:8000"
    assert origin_of("null") is None and origin_of("javascript:alert(1)") is None
    assert origin_of("http://[::1]:99999/") is None  # a port that does not parse: no origin
