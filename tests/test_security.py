"""Deny by default, CSRF on every form, and strict headers on every response."""

import pytest

from models.accounts import Role


def test_every_page_except_the_public_ones_asks_to_log_in(app, client):
    public = {
        "auth.login",
        "auth.one_time_link",
        "auth.set_language",
        "auth.health",
        "static",
        "home.accessibility_statement",
        "home.privacy_statement",
        "passkeys.login_options",  # logging in with a passkey: before anyone is logged in
        "passkeys.login",
        "home.security_txt",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public:
            continue
        url = rule.build({arg: 1 for arg in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code == 302, (rule.endpoint, response.status_code)
        assert response.headers["Location"].startswith("/login"), rule.endpoint


def test_security_headers_on_a_public_and_a_private_page(client, create_user, login):
    for response in (client.get("/login"),):
        _assert_strict_headers(response)
    login(client, create_user())
    page = client.get("/")
    assert page.status_code == 200
    _assert_strict_headers(page)
    assert page.headers["Cache-Control"] == "no-store"


def _assert_strict_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_when_served_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://portal.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_nothing_on_a_page_comes_from_another_host(client, create_user, login):
    login(client, create_user(Role.ADMIN))
    for url in ("/login", "/", "/beheer/accounts", "/beheer/instellingen", "/account"):
        html = client.get(url).get_data(as_text=True)
        assert "http://" not in html.replace("http://portal.test", "") and "https://" not in html, url
        assert "<script>" not in html and " style=" not in html, url


def test_a_form_without_csrf_token_is_refused_with_a_clear_message(make_app, create_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    user = create_user()
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": user.test_password, "code": "123456"})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)


def test_the_login_form_works_with_its_csrf_token(make_app, create_user):
    import re

    from tests.conftest import fresh_code

    app = make_app(WTF_CSRF_ENABLED=True)
    user = create_user()
    client = app.test_client()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True)
    ).group(1)
    with app.app_context():
        code = fresh_code(user)
    response = client.post(
        "/login", data={"csrf_token": token, "email": user.email, "password": user.test_password, "code": code}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_the_admin_manages_accounts(client, create_user, login, role):
    login(client, create_user(role))
    assert client.get("/beheer/accounts").status_code == 403
    assert client.get("/beheer/instellingen").status_code == 403


def test_style_sheet_and_icon_are_served_without_login_from_this_host(client):
    css = client.get("/static/portal.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert client.get("/static/favicon.svg").status_code == 200


def test_over_https_a_form_posted_from_this_site_passes_the_csrf_check(make_app, create_user):
    """Browsers send a same-origin Referer (our Referrer-Policy allows exactly that); the CSRF check
    over TLS requires it. A post without it — or from another site — is refused."""
    import re

    from tests.conftest import fresh_code

    app = make_app(WTF_CSRF_ENABLED=True)
    user = create_user()
    client = app.test_client()
    base = "https://portal.test"
    page = client.get("/login", base_url=base)
    assert page.headers["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    with app.app_context():
        code = fresh_code(user)
    form = {"csrf_token": token, "email": user.email, "password": user.test_password, "code": code}
    foreign = client.post("/login", data=form, base_url=base, headers={"Referer": "https://evil.example/login"})
    assert foreign.status_code == 400 and "Het formulier is verlopen" in foreign.get_data(as_text=True)
    ours = client.post("/login", data=form, base_url=base, headers={"Referer": f"{base}/login"})
    assert ours.status_code == 302
